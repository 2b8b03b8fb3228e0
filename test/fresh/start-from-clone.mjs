// Slow test (not part of the unit suite): the README's one command, `npm start`, on a fresh
// machine. Run it before every release (`npm run test:fresh`); .ci/run runs it too.
//
//   1. `git clone` of this checkout's HEAD (commit it first: uncommitted changes are not tested)
//      into a temporary folder, with a new, empty home folder (so no npm cache, no ~/.npmrc, no
//      code-server cache: QDA_TEST_CACHE unset, the default cache under the new home is empty).
//   2. `npm start` inside the clone, as a user types it in a terminal (its own process group, an
//      environment without anything an outer npm or this project's settings put there), until it
//      prints the address of code-server. It installs the packages, builds, installs Node 24 and
//      code-server from the npm registry (several minutes), packages and installs the extension.
//   3. The address answers HTTP on 127.0.0.1, and in headless Chromium the page shows VS Code with
//      the sample project in the explorer and the extension's "Qualitative coding" view container.
//   4. Ctrl+C as a terminal sends it (SIGINT to the process group of `npm start`): npm start ends,
//      the port is closed and no process it started is left (every process that carried the new
//      home folder in its environment, and every descendant seen while it ran).
// Prints how long each phase took. Exits 1 on any failure, with the output of `npm start`.
//
// Environment:
//   QDA_FRESH_TIMEOUT_MIN   bound on the whole test, in minutes (default 40)
//   QDA_FRESH_KEEP=1        keep the temporary folder (clone, home, cache) afterwards
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, freePort } from '../../scripts/lib/code-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const timeoutMin = Number(process.env.QDA_FRESH_TIMEOUT_MIN || 40);
const keep = process.env.QDA_FRESH_KEEP === '1';
const started = Date.now();
const deadline = started + timeoutMin * 60_000;
const secs = (ms) => (ms / 1000).toFixed(1);
const say = (msg) => console.log(`[fresh ${secs(Date.now() - started)}s] ${msg}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Failure extends Error {}
const fail = (msg) => {
  throw new Failure(msg);
};

function git(args, cwd = repoRoot) {
  const res = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (res.status !== 0) fail(`git ${args.join(' ')} failed: ${res.stderr || res.error}`);
  return res.stdout.trim();
}

/**
 * The environment of a user's terminal: this one, without what npm puts into the environment of
 * the scripts it runs (npm_*, INIT_CWD, NODE, node_modules/.bin and npm's node-gyp-bin on the
 * PATH: this test is usually started by `npm run test:fresh`), without this project's own
 * settings (QDA_*) and XDG folders, and with the new home folder.
 */
function userEnv(home, port) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|qda_|xdg_)/i.test(key) || key === 'INIT_CWD' || key === 'NODE') continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH || '')
    .split(path.delimiter)
    .filter((dir) => dir && !/[\\/]node_modules[\\/]\.bin$/.test(dir) && !/[\\/]node-gyp-bin$/.test(dir))
    .join(path.delimiter);
  env.HOME = home;
  env.PORT = String(port);
  // Desktop VS Code would be opened instead where `code` is on the PATH.
  env.QDA_USE_CODE_SERVER = '1';
  return env;
}

// --- Processes started by `npm start` ---------------------------------------------------------
// Identified by pid and start time (so a reused pid is not mistaken for one of them).
function procStat(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19] };
  } catch {
    return undefined; // gone
  }
}
function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200);
  } catch {
    return '?';
  }
}
function hasHome(pid, homeEntry) {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`).includes(homeEntry);
  } catch {
    return false;
  }
}
/** Every live process that descends from rootPid or carries `HOME=<home>` in its environment. */
function processesOf(rootPid, home) {
  const homeEntry = Buffer.from(`\0HOME=${home}\0`);
  const all = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat) all.set(Number(name), stat);
  }
  const ours = new Map();
  for (const [pid, stat] of all) {
    let p = pid;
    let descends = false;
    for (let hops = 0; p > 1 && hops < 64; hops++) {
      if (p === rootPid) {
        descends = true;
        break;
      }
      p = all.get(p)?.ppid ?? 0;
    }
    // environ starts without a NUL before its first entry
    if (descends || hasHome(pid, homeEntry) || hasHome(pid, homeEntry.subarray(1))) ours.set(pid, stat);
  }
  return ours;
}
const stillAlive = (pid, stat) => procStat(pid)?.startTime === stat.startTime;

// --- The test ---------------------------------------------------------------------------------
const phases = [];
let child;
let tmpRoot;
let seen = new Map(); // pid -> stat, every process of npm start seen so far
let output = '';

async function run() {
  if (process.platform !== 'linux') fail('this test reads /proc: Linux only.');
  const sha = git(['rev-parse', 'HEAD']);
  if (git(['status', '--porcelain', '--untracked-files=no'])) {
    say('note: this checkout has uncommitted changes; the test uses the last commit only');
  }
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-fresh-'));
  const home = path.join(tmpRoot, 'home');
  const clone = path.join(tmpRoot, 'clone');
  fs.mkdirSync(home);
  say(`cloning ${sha.slice(0, 12)} of ${repoRoot} into ${clone}; home folder ${home}`);
  git(['clone', '--quiet', '--no-checkout', repoRoot, clone], tmpRoot);
  git(['checkout', '--quiet', '--detach', sha], clone);
  phases.push(['git clone', Date.now() - started]);

  const port = await freePort();
  const env = userEnv(home, port);
  say(`npm start (PORT=${port})`);
  const t0 = Date.now();
  // detached: its own process group, as a terminal runs a command in the foreground.
  child = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastPhase = ['npm start until its first step', t0];
  const onLine = (line) => {
    console.log(`  | ${line}`);
    const step = /^\[start\] (.*)/.exec(line);
    if (step && lastPhase) {
      phases.push([lastPhase[0], Date.now() - lastPhase[1]]);
      lastPhase = [step[1].replace(/ \(.*/, ''), Date.now()];
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      output += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      lines.forEach(onLine);
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  exited.then((e) => (exit = e));

  // 2. Until it prints the address.
  let url;
  while (!url) {
    const match = /(http:\/\/127\.0\.0\.1:(\d+))\/\?folder=(\S+)/.exec(output);
    if (match) url = { base: match[1], page: match[0], port: Number(match[2]), folder: decodeURIComponent(match[3]) };
    else if (exit) fail(`npm start ended (code ${exit.code}, signal ${exit.signal}) without printing the address of code-server.`);
    else if (Date.now() > deadline) fail(`npm start printed no address within ${timeoutMin} minutes.`);
    else {
      for (const [pid, stat] of processesOf(child.pid, home)) seen.set(pid, stat);
      await sleep(1000);
    }
  }
  phases.push([lastPhase[0], Date.now() - lastPhase[1]]);
  lastPhase = undefined;
  phases.push(['npm start until the address (total)', Date.now() - t0]);
  say(`address printed: ${url.page}`);
  if (url.port !== port) fail(`npm start used port ${url.port}, not PORT=${port}.`);
  if (path.resolve(url.folder) !== path.join(clone, 'sample')) fail(`the address opens ${url.folder}, not the clone's sample/ folder.`);

  // 3. It answers HTTP on 127.0.0.1, and the page shows VS Code with the extension.
  const health = await fetch(`${url.base}/healthz`, { signal: AbortSignal.timeout(10_000) });
  if (!health.ok) fail(`${url.base}/healthz answered ${health.status}.`);
  const res = await fetch(url.page, { signal: AbortSignal.timeout(30_000) });
  const html = await res.text();
  if (res.status !== 200) fail(`${url.page} answered ${res.status}.`);
  if (!/workbench/i.test(html)) fail(`${url.page} is not VS Code's page:\n${html.slice(0, 500)}`);
  say(`${url.page} answers 200 (${html.length} bytes of HTML)`);
  const t1 = Date.now();
  await checkPage(url.page, tmpRoot);
  phases.push(['page loads in Chromium with the extension', Date.now() - t1]);
  for (const [pid, stat] of processesOf(child.pid, home)) seen.set(pid, stat);
  const running = [...seen].filter(([pid, stat]) => stillAlive(pid, stat)).map(([pid]) => pid);
  say(`npm start has started ${seen.size} processes so far; running now: ${running.join(' ')}`);
  if (exit) fail(`npm start ended (code ${exit.code}) while code-server should be running.`);

  // 4. Ctrl+C.
  say(`Ctrl+C: SIGINT to the process group ${child.pid}`);
  const t2 = Date.now();
  process.kill(-child.pid, 'SIGINT');
  const ended = await Promise.race([exited, sleep(60_000).then(() => undefined)]);
  if (!ended) fail('npm start did not end within 60 s of Ctrl+C.');
  phases.push(['Ctrl+C until npm start ended', Date.now() - t2]);
  say(`npm start ended (code ${ended.code}, signal ${ended.signal})`);
  if (!/stopping code-server/.test(output)) fail('npm start did not say it stopped code-server.');
  if (ended.code !== 0 && ended.signal !== 'SIGINT' && ended.code !== 130) fail(`npm start ended with code ${ended.code} after Ctrl+C.`);
  // The group is killed synchronously; give the kernel a moment to reap it.
  let left = [];
  for (const until = Date.now() + 10_000; Date.now() < until; await sleep(250)) {
    for (const [pid, stat] of processesOf(child.pid, home)) if (!seen.has(pid)) seen.set(pid, stat);
    left = [...seen].filter(([pid, stat]) => stillAlive(pid, stat));
    if (!left.length) break;
  }
  if (left.length) {
    const list = left.map(([pid]) => `  ${pid} ${cmdline(pid)}`).join('\n');
    fail(`${left.length} processes started by npm start are still running after Ctrl+C:\n${list}`);
  }
  say(`none of the ${seen.size} processes is left`);
  const closed = await fetch(`${url.base}/healthz`, { signal: AbortSignal.timeout(5000) }).then(() => false, () => true);
  if (!closed) fail(`${url.base} still answers after Ctrl+C.`);
  say(`${url.base} no longer answers`);
  say(`left in the new home folder: ${fs.readdirSync(home).sort().join(', ')} (the npm cache and ${path.join('.cache', 'orchestration-qda-test')} are expected)`);
}

/** Headless Chromium: VS Code's workbench, the sample in the explorer, the extension's views. */
async function checkPage(pageUrl, root) {
  const { chromium } = await import('playwright-core');
  const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  if (!chromiumPath) fail('no Chromium found to load the page (scripts/setup-vscode-test.sh installs it).');
  // Its own home and temporary folder: no trace of the browser in the real home folder.
  const browserHome = path.join(root, 'browser-home');
  fs.mkdirSync(browserHome, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: { ...process.env, HOME: browserHome, XDG_CONFIG_HOME: browserHome, XDG_CACHE_HOME: browserHome, TMPDIR: browserHome },
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pageUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'codebook.json' }).first().waitFor({ timeout: 60_000 });
    say('the page shows VS Code with sample/ (codebook.json) in the explorer');
    await page.locator('.activitybar .action-item [aria-label^="Qualitative coding"], .activitybar .action-item[aria-label^="Qualitative coding"]')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => fail('the activity bar has no "Qualitative coding" item: the extension is not installed in code-server.'));
    say('the activity bar has the extension\'s "Qualitative coding" item');
  } finally {
    await browser.close();
  }
}

/** Ends whatever npm start left (its own processes only, by pid). */
function killLeftovers() {
  if (!child) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is gone
  }
  for (const [pid, stat] of seen) {
    if (!stillAlive(pid, stat)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

function cleanUp() {
  if (!tmpRoot) return;
  if (keep) say(`kept ${tmpRoot}`);
  else fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`[fresh] ${signal}: stopping npm start`);
    killLeftovers();
    cleanUp();
    process.exit(1);
  });
}

let failed = false;
try {
  await run();
} catch (err) {
  failed = true;
  console.error(`\n[fresh] FAILED: ${err instanceof Failure ? err.message : err.stack || err}`);
  if (output) console.error(`[fresh] (the output of npm start is above, after "| ")`);
  killLeftovers();
  await sleep(500);
}
console.log('\n[fresh] how long each phase took:');
for (const [name, ms] of phases) console.log(`  ${secs(ms).padStart(7)} s  ${name}`);
console.log(`  ${secs(Date.now() - started).padStart(7)} s  the whole test`);
cleanUp();
console.log(failed ? '[fresh] failed' : '[fresh] passed: npm start works from a fresh clone with an empty cache and a new home folder');
process.exit(failed ? 1 : 0);
