// Runs the integration tests inside a real VS Code extension host: code-server (VS Code 1.139 on
// Node 24) opened in headless Debian Chromium, driven by playwright-core.
// See /work/shared/docs/real-vscode-testing.md for why it is done this way.
//
// Needs: `bash scripts/setup-vscode-test.sh` (code-server, Node 24, Chromium) and a build
// (`npm run build:integration`: dist/ and out/test/integration/). Builds nothing itself.
//
// Environment:
//   QDA_TEST_CACHE         where setup-vscode-test.sh installed things (default ~/.cache/orchestration-qda-test)
//   QDA_TEST_TIMEOUT_MS    overall timeout of one run (default 300000)
//   QDA_TEST_KEEP_TMP=1    keep the temporary workspace and user-data-dir
//
// Exit code: the test run's (0 when every test passed), 1 on any failure of the runner itself.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, freePort, readInstallPaths as readSharedInstallPaths, stopProcessGroup, xdgFolders } from '../../scripts/lib/code-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = process.env.QDA_TEST_CACHE || path.join(os.homedir(), '.cache', 'orchestration-qda-test');
const timeoutMs = Number(process.env.QDA_TEST_TIMEOUT_MS || 5 * 60 * 1000);
const keepTmp = process.env.QDA_TEST_KEEP_TMP === '1';
const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');
const testsIndex = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
const resultsDir = path.join(repoRoot, 'test-results', 'integration');

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.colorTheme': 'Default Light Modern',
  'security.workspace.trust.enabled': false,
};

const started = Date.now();
const say = (msg) => console.log(`[run-integration ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

class RunnerError extends Error {}
const fail = (msg) => {
  throw new RunnerError(msg);
};

// ---------------------------------------------------------------------------------------------
function readInstallPaths() {
  return readSharedInstallPaths(cacheDir, fail);
}

function checkBuild() {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const main = path.join(repoRoot, pkg.main);
  if (!fs.existsSync(main)) fail(`${main} (package.json "main") is missing: run "npm run build:integration".`);
  if (!fs.existsSync(testsIndex)) fail(`${testsIndex} is missing: run "npm run build:integration".`);
  if (!fs.existsSync(path.join(fixtureWorkspace, 'interview.md'))) fail(`fixture workspace ${fixtureWorkspace} is missing.`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealthz(url, server, deadline) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      fail(`code-server exited early (code ${server.exitCode}, signal ${server.signalCode}).`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  fail(`code-server did not answer ${url}/healthz in time.`);
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const paths = readInstallPaths();
  checkBuild();

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-integration-'));
  const workspace = path.join(tmpRoot, 'workspace');
  const userDataDir = path.join(tmpRoot, 'user-data');
  const codeServerLog = path.join(tmpRoot, 'code-server.log');
  const browserLog = path.join(tmpRoot, 'browser.log');
  let server;
  let browser;
  let page;
  let exitCode = 1;
  let hostLogs = [];
  const deadline = started + timeoutMs;

  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    await stopProcessGroup(server);
  };

  const saveArtifacts = async (reason) => {
    try {
      const dir = path.join(resultsDir, new Date().toISOString().replace(/[:.]/g, '-'));
      fs.mkdirSync(dir, { recursive: true });
      for (const f of [codeServerLog, browserLog]) {
        if (fs.existsSync(f)) fs.copyFileSync(f, path.join(dir, path.basename(f)));
      }
      for (const { relativePath, contents } of hostLogs) {
        const target = path.join(dir, 'vscode-logs', relativePath);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, contents);
      }
      if (page) await page.screenshot({ path: path.join(dir, 'screenshot.png'), timeout: 10000 }).catch(() => {});
      console.error(`[run-integration] ${reason}`);
      console.error(`[run-integration] logs and screenshot: ${dir}`);
      for (const f of fs.readdirSync(dir, { recursive: true })) {
        const file = path.join(dir, f);
        if (fs.statSync(file).isFile()) console.error(`[run-integration]   ${file}`);
      }
    } catch (err) {
      console.error(`[run-integration] could not save logs: ${err}`);
    }
  };

  try {
    // A fresh copy of the fixture workspace: tests may modify it.
    fs.cpSync(fixtureWorkspace, workspace, { recursive: true });
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    const xdg = xdgFolders(userDataDir);
    // code-server, the extension host and built-in extensions put sockets and caches in the
    // temp folder (vscode-ipc-*.sock, vscode-git-*.sock, node-compile-cache): keep them in ours.
    const serverTmp = path.join(tmpRoot, 'tmp');
    fs.mkdirSync(serverTmp);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const args = [
      paths.codeServer,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir', userDataDir,
      '--extensions-dir', path.join(userDataDir, 'ext'),
      '--vscode-option', 'enable-smoke-test-driver',
      workspace,
    ];
    say(`code-server ${paths.codeServerVersion ?? ''} on ${base} (Node: ${paths.node})`);
    say(`workspace: ${workspace}`);
    const logStream = fs.createWriteStream(codeServerLog);
    // detached: the child calls setsid(), so it leads a new session and process group that
    // cleanup() can end as a whole.
    server = spawn(paths.node, args, {
      cwd: tmpRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...xdg,
        TMPDIR: serverTmp,
        // The extension host must not pick up the test runner's own Node options.
        NODE_OPTIONS: '',
        // No extension gallery: nothing to install from it, and no network to reach it.
        EXTENSIONS_GALLERY: '{}',
        PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH}`,
      },
    });
    server.stdout.pipe(logStream, { end: false });
    server.stderr.pipe(logStream, { end: false });
    server.on('exit', (code, signal) => logStream.write(`\n[code-server exited: code ${code}, signal ${signal}]\n`));

    await waitForHealthz(base, server, Math.min(deadline, Date.now() + 60000));
    say('code-server is up');

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: paths.chromium,
      headless: true,
      args: CHROMIUM_FLAGS,
      env: { ...process.env, ...xdg },
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const browserLogStream = fs.createWriteStream(browserLog);
    page.on('console', (msg) => browserLogStream.write(`[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => browserLogStream.write(`[pageerror] ${err.stack || err}\n`));

    let resolveExit;
    const testsExited = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      hostLogs = Array.isArray(logs) ? logs : [];
      resolveExit(typeof code === 'number' ? code : 1);
    });
    // The extension host's output (mocha's report included) arrives here.
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      const text = Array.isArray(message) ? message.join(' ') : String(message);
      if (type === 'error' || type === 'warn') console.error(text);
      else console.log(text);
    });

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(testsIndex)],
    ];
    const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    say(`opening the workbench: extension ${repoRoot}, tests ${testsIndex}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(1000, deadline - Date.now()) });

    const timedOut = sleep(Math.max(0, deadline - Date.now())).then(() => 'timeout');
    const serverDied = new Promise((resolve) => server.once('exit', () => resolve('server-exit')));
    const outcome = await Promise.race([testsExited, timedOut, serverDied]);
    if (outcome === 'timeout') {
      await saveArtifacts(`TIMEOUT: no test result after ${timeoutMs / 1000} s (QDA_TEST_TIMEOUT_MS).`);
      exitCode = 1;
    } else if (outcome === 'server-exit') {
      await saveArtifacts(`code-server exited before the tests finished (see code-server.log).`);
      exitCode = 1;
    } else {
      exitCode = outcome;
      say(`tests finished with exit code ${exitCode}`);
      if (exitCode !== 0) await saveArtifacts(`integration tests FAILED (exit code ${exitCode}).`);
    }
  } catch (err) {
    exitCode = 1;
    const message = err instanceof RunnerError ? err.message : `runner error: ${err?.stack || err}`;
    await saveArtifacts(
      Date.now() >= deadline ? `TIMEOUT: over ${timeoutMs / 1000} s (QDA_TEST_TIMEOUT_MS). ${message}` : message,
    );
  } finally {
    await cleanup();
    if (keepTmp) say(`kept ${tmpRoot} (QDA_TEST_KEEP_TMP=1)`);
    else fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
  }
  say(`done: exit code ${exitCode}`);
  return exitCode;
}

let code;
try {
  code = await main();
} catch (err) {
  console.error(`[run-integration] ${err instanceof RunnerError ? err.message : err?.stack || err}`);
  code = 1;
}
process.exit(code);
