// `npm run bench:extension`: benchmarks the extension inside a real VS Code extension host, as the
// integration tests run (code-server + headless Chromium, see test/integration/run.mjs, whose
// machinery this copies: that runner is tied to the test fixture and the tests bundle).
//
// 1. Builds the extension (esbuild.mjs) and the benchmark (bench/extension/build.mjs).
// 2. Writes a workspace into a temporary folder: copies of a synthetic 1 MB transcript, each with
//    a sidecar of 10,000 annotations, a plain copy without one, a codebook (bench/extension/workspace.ts).
// 3. Opens it in code-server with bench/extension/open-and-type.bench.ts as the tests module.
// 4. Prints a table of medians against the targets and writes bench/results/extension.json.
//
// A missed target is printed as MISSED and does not fail the run; the exit code is non-zero only
// when a measurement could not be made.
//
// Needs `bash scripts/setup-vscode-test.sh` (code-server, Node 24, Chromium), as the integration tests.
//
// Environment:
//   QDA_TEST_CACHE          where setup-vscode-test.sh installed things (default ~/.cache/orchestration-qda-test)
//   QDA_BENCH_OPENS         measured opens, each of a document never opened before (default 7)
//   QDA_BENCH_FROM_FILE     more opens, each with its sidecar touched just before, so that the coding
//                           is read from the file rather than the workspace index (default 3)
//   QDA_BENCH_ROUNDS        typing rounds, each on the coded document then on the plain copy (default 3)
//   QDA_BENCH_KEYSTROKES    keystrokes per round (default 200)
//   QDA_BENCH_ANNOTATIONS   annotations per transcript (default 10000)
//   QDA_BENCH_TYPING_BUDGET_MS  a typing run stops early after this long (default 60000)
//   QDA_BENCH_SETTINGS      JSON merged into the workspace's settings, e.g. '{"qda.stageOutline":false}'
//   QDA_BENCH_NO_BUILD=1    use dist/ as it is (do not run esbuild.mjs)
//   QDA_BENCH_EXTENSION     benchmark the extension in another folder (a built copy of this repository,
//                           e.g. with a proposed change); default: this repository
//   QDA_BENCH_TIMEOUT_MS    overall timeout of the editor part (default 900000)
//   QDA_BENCH_PROFILE=1     also CPU-profile the extension host (one more open, typing, saving): writes
//                           bench/results/extension-{open,typing,save}.cpuprofile and prints where the time goes
//   QDA_BENCH_KEEP_TMP=1    keep the temporary workspace and user-data-dir
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, freePort, readInstallPaths as readSharedInstallPaths, stopProcessGroup, xdgFolders } from '../../scripts/lib/code-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = process.env.QDA_TEST_CACHE || path.join(os.homedir(), '.cache', 'orchestration-qda-test');
const timeoutMs = Number(process.env.QDA_BENCH_TIMEOUT_MS || 15 * 60 * 1000);
const keepTmp = process.env.QDA_BENCH_KEEP_TMP === '1';
const extensionPath = path.resolve(process.env.QDA_BENCH_EXTENSION || repoRoot);
const opens = Number(process.env.QDA_BENCH_OPENS || 7);
const fromFile = Number(process.env.QDA_BENCH_FROM_FILE ?? 3);
const rounds = Number(process.env.QDA_BENCH_ROUNDS || 3);
const keystrokes = Number(process.env.QDA_BENCH_KEYSTROKES || 200);
const annotations = Number(process.env.QDA_BENCH_ANNOTATIONS || 10_000);
const profile = process.env.QDA_BENCH_PROFILE === '1';
const typingBudgetMs = Number(process.env.QDA_BENCH_TYPING_BUDGET_MS || 60_000);
const workspaceSettings = process.env.QDA_BENCH_SETTINGS ? JSON.parse(process.env.QDA_BENCH_SETTINGS) : {};
const buildDir = path.join(repoRoot, 'out', 'bench', 'extension');
const resultsDir = path.join(repoRoot, 'bench', 'results');
const artifactsDir = path.join(repoRoot, 'test-results', 'bench-extension');

const TARGET_OPEN_MS = 500;
const TARGET_KEYSTROKE_MS = 2;

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.colorTheme': 'Default Light Modern',
  'security.workspace.trust.enabled': false,
  // code-server (the web UI) saves after a delay by default; desktop VS Code does not. Typing is
  // measured without saves in between; saving is measured on its own.
  'files.autoSave': 'off',
  'files.hotExit': 'off',
};

const started = Date.now();
const say = (msg) => console.log(`[bench:extension ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

class RunnerError extends Error {}
const fail = (msg) => {
  throw new RunnerError(msg);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
function readInstallPaths() {
  return readSharedInstallPaths(cacheDir, fail);
}

function runNode(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) fail(`${what} failed (exit code ${r.status}${r.signal ? `, signal ${r.signal}` : ''}).`);
}

function build() {
  if (process.env.QDA_BENCH_NO_BUILD === '1' || extensionPath !== repoRoot) say('not building the extension (QDA_BENCH_NO_BUILD or QDA_BENCH_EXTENSION)');
  else runNode(['esbuild.mjs'], 'building the extension (esbuild.mjs)');
  runNode([path.join('bench', 'extension', 'build.mjs')], 'building the benchmark (bench/extension/build.mjs)');
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  const main = path.join(extensionPath, pkg.main);
  if (!fs.existsSync(main)) fail(`${main} (package.json "main") is missing: build the extension first.`);
}

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

// ---- statistics and the table -----------------------------------------------------------------
function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
function formatMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a';
  if (Math.abs(ms) < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (Math.abs(ms) < 100) return `${ms.toFixed(2)} ms`;
  if (Math.abs(ms) < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Rows of the table from the extension host's raw results. */
function rowsOf(r) {
  const rows = [];
  const codedOpens = r.opens.filter((o) => o.target === 'coded');
  const plainOpens = r.opens.filter((o) => o.target === 'plain');
  const n = codedOpens.length;
  const highlighted = codedOpens.map((o) => o.highlightedMs);
  rows.push({ measure: `(a) open → fully highlighted (1 MB, ${r.manifest.annotations} annotations)`, median: median(highlighted), targetMs: TARGET_OPEN_MS, runs: n });
  rows.push({ measure: 'info: (a) first of those opens', median: highlighted[0], runs: 1 });
  rows.push({ measure: 'info: (a) coded: openTextDocument resolved', median: median(codedOpens.map((o) => o.openMs)), runs: n });
  rows.push({ measure: 'info: (a) coded: showTextDocument resolved', median: median(codedOpens.map((o) => o.shownMs)), runs: n });
  if (codedOpens.every((o) => o.didOpenMs !== undefined)) {
    rows.push({ measure: 'info: (a) coded: onDidOpenTextDocument fired (the extension starts loading)', median: median(codedOpens.map((o) => o.didOpenMs)), runs: n });
    rows.push({ measure: 'info: (a) coded: from onDidOpenTextDocument to highlighted', median: median(codedOpens.map((o) => o.highlightedMs - o.didOpenMs)), runs: n });
  }
  rows.push({ measure: 'info: (a) plain copy (no sidecar): openTextDocument resolved', median: median(plainOpens.map((o) => o.openMs)), runs: plainOpens.length });
  rows.push({ measure: 'info: (a) plain copy (no sidecar): showTextDocument resolved', median: median(plainOpens.map((o) => o.shownMs)), runs: plainOpens.length });
  rows.push({ measure: 'info: (a) highlighted (coded) − shown (plain): the extension\'s share', median: median(highlighted) - median(plainOpens.map((o) => o.shownMs)), runs: n });
  rows.push({ measure: 'info: (a) extension host CPU, coded: open → highlighted', median: median(codedOpens.map((o) => o.cpuMs)), runs: n });
  rows.push({ measure: 'info: (a) extension host CPU, plain copy: open → shown', median: median(plainOpens.map((o) => o.cpuMs)), runs: plainOpens.length });
  if (codedOpens.every((o) => o.refreshedAtMs !== undefined)) {
    rows.push({ measure: 'info: (a) the extension\'s refresh time stamp (hook, 1 ms resolution)', median: median(codedOpens.map((o) => o.refreshedAtMs)), runs: n });
  }
  const fileOpens = r.opens.filter((o) => o.target === 'file');
  if (fileOpens.length > 0) {
    rows.push({ measure: 'info: (a) open → highlighted, sidecar touched just before (coding read from the file)', median: median(fileOpens.map((o) => o.highlightedMs)), runs: fileOpens.length });
  }

  for (const [stage, ms] of Object.entries(r.stages)) rows.push({ measure: `info: (a) load stage in the host: ${stage}`, median: ms, runs: 3 });

  const clean = r.typing.filter((t) => t.target === 'clean');
  const plain = r.typing.filter((t) => t.target === 'plain');
  const problem = r.typing.filter((t) => t.target === 'problem');
  const keys = (runs) => runs.reduce((n, t) => n + t.keystrokes, 0);
  const cleanHandler = clean.flatMap((t) => t.handlerMs);
  const plainHandler = plain.flatMap((t) => t.handlerMs);
  const problemHandler = problem.flatMap((t) => t.handlerMs);
  const perKey = (t, k) => t[k] / t.keystrokes;
  const cpuDiff = clean.map((t, i) => perKey(t, 'cpuMs') - perKey(plain[i], 'cpuMs'));
  const activeDiff = clean.map((t, i) => perKey(t, 'activeMs') - perKey(plain[i], 'activeMs'));
  if (r.bracketValid) {
    rows.push({ measure: '(b) keystroke: the extension\'s change handler (coded 1 MB document)', median: median(cleanHandler), targetMs: TARGET_KEYSTROKE_MS, runs: cleanHandler.length });
    rows.push({ measure: 'info: (b) p95 of it', median: quantile(cleanHandler, 0.95), runs: cleanHandler.length });
    rows.push({ measure: 'info: (b) max of it', median: Math.max(...cleanHandler), runs: cleanHandler.length });
    rows.push({ measure: 'info: (b) the same handler, plain copy (no sidecar)', median: median(plainHandler), runs: plainHandler.length });
    rows.push({ measure: 'info: (b) the same handler, coded copy showing one problem', median: median(problemHandler), runs: problemHandler.length });
  } else {
    rows.push({ measure: '(b) keystroke: extension host CPU per keystroke, coded − plain', median: median(cpuDiff), targetMs: TARGET_KEYSTROKE_MS, runs: cpuDiff.length });
  }
  if (clean.some((t) => t.hookHandlerMs !== undefined)) {
    rows.push({ measure: 'info: (b) the extension\'s own timing of its handler (hook, mean)', median: median(clean.map((t) => t.hookHandlerMs)), runs: clean.length });
  }
  rows.push({ measure: 'info: (b) extension host CPU per keystroke, coded − plain', median: median(cpuDiff), runs: cpuDiff.length });
  rows.push({ measure: 'info: (b) extension host event-loop busy per keystroke, coded − plain', median: median(activeDiff), runs: activeDiff.length });
  rows.push({ measure: 'info: (b) editor.edit round trip, coded', median: median(clean.flatMap((t) => t.editMs)), runs: keys(clean) });
  rows.push({ measure: 'info: (b) editor.edit round trip, plain copy', median: median(plain.flatMap((t) => t.editMs)), runs: keys(plain) });
  rows.push({ measure: 'info: (b) editor.edit round trip, coded copy showing one problem', median: median(problem.flatMap((t) => t.editMs)), runs: keys(problem) });
  for (const [target, label] of [['clean', 'coded'], ['plain', 'plain copy'], ['problem', 'coded copy showing one problem']]) {
    const w = r.workbench.filter((x) => x.phase.startsWith(`typing-${target}-`));
    const keystrokesOf = (phase) => r.typing.find((t) => `typing-${t.target}-${t.round}` === phase)?.keystrokes || 1;
    if (w.length > 0) rows.push({ measure: `info: (b) workbench (browser) main thread busy per keystroke, ${label}`, median: median(w.map((x) => x.taskMs / keystrokesOf(x.phase))), runs: w.length });
  }
  rows.push({ measure: 'info: typing pause: longest event-loop block (debounced redraw), coded', median: median(clean.map((t) => t.pauseMaxBlockMs)), runs: clean.length });
  rows.push({ measure: 'info: typing pause: longest event-loop block, plain copy', median: median(plain.map((t) => t.pauseMaxBlockMs)), runs: plain.length });
  rows.push({ measure: 'info: typing pause: extension host CPU, coded − plain', median: median(clean.map((t, i) => t.pauseCpuMs - plain[i].pauseCpuMs)), runs: clean.length });
  if (clean.some((t) => t.hookRefreshMs !== undefined)) {
    rows.push({ measure: 'info: typing pause: the extension\'s redraw (hook)', median: median(clean.map((t) => t.hookRefreshMs)), runs: clean.length });
  }
  const cleanSave = r.saves.find((x) => x.target === 'clean');
  const plainSave = r.saves.find((x) => x.target === 'plain');
  if (cleanSave && plainSave) {
    rows.push({ measure: 'info: save (coded): document.save() resolved', median: cleanSave.saveMs, runs: 1 });
    rows.push({ measure: 'info: save (coded): sidecar rewritten', median: cleanSave.sidecarWrittenMs, runs: 1 });
    rows.push({ measure: 'info: save (plain copy): document.save() resolved', median: plainSave.saveMs, runs: 1 });
    rows.push({ measure: 'info: save (coded): longest event-loop block', median: cleanSave.maxBlockMs, runs: 1 });
    rows.push({ measure: 'info: save: extension host CPU, coded − plain', median: cleanSave.cpuMs - plainSave.cpuMs, runs: 1 });
  }
  rows.push({ measure: 'info: activating the extension', median: r.activationMs, runs: 1 });
  return rows;
}

function printTable(rows) {
  const table = rows.map((r) => ({
    measure: r.runs && r.runs > 1 ? `${r.measure} [n=${r.runs}]` : r.measure,
    median: formatMs(r.median),
    target: r.targetMs === undefined ? '—' : `≤ ${formatMs(r.targetMs)}`,
    ok: r.targetMs === undefined ? '—' : r.median <= r.targetMs ? 'ok' : 'MISSED',
  }));
  const headers = { measure: 'measure', median: 'median', target: 'target', ok: 'ok?' };
  const keys = ['measure', 'median', 'target', 'ok'];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(headers[k].length, ...table.map((t) => t[k].length))]));
  const line = (t) => '| ' + keys.map((k) => (k === 'measure' ? t[k].padEnd(width[k]) : t[k].padStart(width[k]))).join(' | ') + ' |';
  console.log(line(headers));
  console.log('|' + keys.map((k) => (k === 'measure' ? ':' + '-'.repeat(width[k] + 1) : '-'.repeat(width[k] + 1) + ':')).join('|') + '|');
  for (const t of table) console.log(line(t));
  return table.filter((t) => t.ok === 'MISSED').map((t) => t.measure);
}

/** Main-thread time of the workbench (Chromium's TaskDuration, ScriptDuration) between each phase's marks, in ms. */
function workbenchPhases(samples) {
  const out = [];
  for (const begin of samples.filter((x) => x.mark === 'begin')) {
    const end = samples.find((x) => x.mark === 'end' && x.phase === begin.phase);
    if (!end) continue;
    const d = (k) => ((end.metrics[k] ?? 0) - (begin.metrics[k] ?? 0)) * 1000;
    out.push({ phase: begin.phase, taskMs: d('TaskDuration'), scriptMs: d('ScriptDuration'), layoutMs: d('LayoutDuration'), styleMs: d('RecalcStyleDuration') });
  }
  return out;
}

// ---- CPU profiles -------------------------------------------------------------------------------
/**
 * Prints where a .cpuprofile's time goes: self time by function, total time inside the extension's
 * functions, the durations of its main functions' calls (runs of consecutive samples inside them),
 * and the longest stretches the extension host was busy.
 */
function summariseProfile(file, extensionRoot) {
  const p = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ours = path.join(extensionRoot, 'dist', 'extension.js');
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fileOf = (n) => {
    let url = n.callFrame.url || '';
    if (url.startsWith('file://')) url = fileURLToPath(url);
    return url;
  };
  const isOurs = (n) => fileOf(n) === ours;
  const where = (n) => {
    const url = fileOf(n);
    const short = !url ? '' : url === ours ? 'dist/extension.js' : url.includes('/extensions/') ? url.slice(url.lastIndexOf('/extensions/') + 12) : path.basename(url);
    return `${n.callFrame.functionName || '(anonymous)'}${short ? ` ${short}:${n.callFrame.lineNumber + 1}` : ''}`;
  };
  const self = new Map();
  const total = new Map();
  const CALLS = ['load', 'refresh', 'onEdit', 'update', 'persist', 'toSidecarText', 'applyChange', 'restoreByQuote', 'openDocument', 'parseSidecar'];
  const calls = new Map(CALLS.map((c) => [c, []]));
  const open = new Map();
  const blocks = [];
  let block;
  let t = 0;
  let all = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    t += dt;
    all += dt;
    const leaf = byId.get(p.samples[i]);
    const leafName = where(leaf);
    self.set(leafName, (self.get(leafName) ?? 0) + dt);
    const stack = [];
    for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) stack.push(byId.get(id));
    const seen = new Set();
    const inCall = new Set();
    for (const n of stack) {
      const k = where(n);
      if (!seen.has(k)) {
        seen.add(k);
        total.set(k, (total.get(k) ?? 0) + dt);
      }
      if (isOurs(n) && calls.has(n.callFrame.functionName)) inCall.add(n.callFrame.functionName);
    }
    // Garbage collection samples sit at the root: they interrupt no call.
    const gc = leaf.callFrame.functionName === '(garbage collector)' || leaf.callFrame.functionName === '(program)';
    for (const c of gc ? [] : CALLS) {
      if (inCall.has(c)) {
        if (!open.has(c)) open.set(c, t - dt);
      } else if (open.has(c)) {
        calls.get(c).push(t - dt - open.get(c));
        open.delete(c);
      }
    }
    // Busy stretches: consecutive samples that are not idle, labelled by their outermost frame in an extension.
    if (leaf.callFrame.functionName === '(idle)') {
      if (block) blocks.push(block);
      block = undefined;
    } else {
      block ??= { start: t - dt, end: t, by: new Map() };
      block.end = t;
      const ext = [...stack].reverse().find((n) => isOurs(n) || fileOf(n).includes('/extensions/'));
      const label = ext ? (isOurs(ext) ? `QDA ${where(ext)}` : where(ext)) : leafName;
      block.by.set(label, (block.by.get(label) ?? 0) + dt);
    }
  }
  if (block) blocks.push(block);
  for (const [c, start] of open) calls.get(c).push(t - start);
  const idle = self.get('(idle)') ?? 0;
  console.log(`Profile ${path.relative(process.cwd(), file)}: ${all.toFixed(0)} ms sampled, ${(all - idle).toFixed(0)} ms busy`);
  const top = (m, filter, k) => [...m].filter(([name]) => filter(name)).sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log('  self time, top 12:');
  for (const [name, ms] of top(self, (x) => x !== '(idle)', 12)) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  console.log('  total time in the extension (dist/extension.js), top 15:');
  for (const [name, ms] of top(total, (x) => x.includes(' dist/extension.js:'), 15)) console.log(`    ${ms.toFixed(1).padStart(8)} ms  ${name}`);
  console.log('  calls of the extension\'s main functions (runs of samples; calls shorter than the sampling interval are missed):');
  for (const [c, ds] of calls) {
    if (ds.length === 0) continue;
    console.log(`    ${c.padEnd(16)} ${String(ds.length).padStart(4)} calls, median ${formatMs(median(ds))}, max ${formatMs(Math.max(...ds))}, total ${formatMs(ds.reduce((a, b) => a + b, 0))}`);
  }
  console.log('  longest busy stretches of the extension host:');
  for (const b of [...blocks].sort((x, y) => y.end - y.start - (x.end - x.start)).slice(0, 6)) {
    const by = [...b.by].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([l, ms]) => `${l} ${ms.toFixed(0)} ms`).join('; ');
    console.log(`    at ${(b.start).toFixed(0).padStart(6)} ms for ${(b.end - b.start).toFixed(0).padStart(5)} ms: ${by}`);
  }
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const paths = readInstallPaths();
  build();

  const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-bench-extension-'));
  const workspace = path.join(tmpRoot, 'workspace');
  const userDataDir = path.join(tmpRoot, 'user-data');
  const codeServerLog = path.join(tmpRoot, 'code-server.log');
  const browserLog = path.join(tmpRoot, 'browser.log');
  const rawResults = path.join(tmpRoot, 'bench-result.json');
  let server;
  let browser;
  let page;
  let exitCode = 1;
  let hostLogs = [];
  let deadline = Date.now() + timeoutMs;

  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    await stopProcessGroup(server);
  };

  const saveArtifacts = async (reason) => {
    try {
      const dir = path.join(artifactsDir, new Date().toISOString().replace(/[:.]/g, '-'));
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
      console.error(`[bench:extension] ${reason}`);
      console.error(`[bench:extension] logs and screenshot: ${dir}`);
    } catch (err) {
      console.error(`[bench:extension] could not save logs: ${err}`);
    }
  };

  try {
    // ---- the workspace --------------------------------------------------------------------
    const require = createRequire(import.meta.url);
    const { generateWorkspace } = require(path.join(buildDir, 'workspace.cjs'));
    const t0 = Date.now();
    const manifest = generateWorkspace(workspace, { copies: opens + fromFile + (profile ? 1 : 0), annotations, settings: workspaceSettings });
    if (Object.keys(workspaceSettings).length > 0) say(`workspace settings: ${JSON.stringify(workspaceSettings)}`);
    say(`workspace ${workspace}: ${opens} copies of a ${(manifest.transcript.bytes / 1e6).toFixed(2)} MB transcript with ${manifest.annotations} annotations (sidecar ${(manifest.sidecarBytes / 1e6).toFixed(1)} MB each), written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    fs.writeFileSync(
      path.join(tmpRoot, 'bench-config.json'),
      JSON.stringify({ manifest, resultsPath: rawResults, opens, fromFile, rounds, keystrokes, typingBudgetMs, settleMs: 1000, profileDir: profile ? path.join(tmpRoot, 'profiles') : undefined }, null, 2),
    );
    // The tests module must lie inside the extension's folder (the extension host gives it that
    // extension's API); copy the bundle there when benchmarking another folder.
    let testsModule = path.join(buildDir, 'open-and-type.bench.js');
    if (extensionPath !== repoRoot) {
      const dir = path.join(extensionPath, 'out', 'bench', 'extension');
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(testsModule, path.join(dir, 'open-and-type.bench.js'));
      testsModule = path.join(dir, 'open-and-type.bench.js');
    }

    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    const xdg = xdgFolders(userDataDir);
    const serverTmp = path.join(tmpRoot, 'tmp');
    fs.mkdirSync(serverTmp);

    // ---- code-server and the browser (as test/integration/run.mjs) --------------------------
    deadline = Date.now() + timeoutMs;
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
    say(`code-server ${paths.codeServerVersion ?? ''} on ${base}`);
    const logStream = fs.createWriteStream(codeServerLog);
    server = spawn(paths.node, args, {
      cwd: tmpRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...xdg,
        TMPDIR: serverTmp,
        NODE_OPTIONS: '',
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
    browser = await chromium.launch({ executablePath: paths.chromium, headless: true, args: CHROMIUM_FLAGS, env: { ...process.env, ...xdg } });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const browserLogStream = fs.createWriteStream(browserLog);
    page.on('console', (msg) => browserLogStream.write(`[${msg.type()}] ${msg.text()}\n`));
    page.on('pageerror', (err) => browserLogStream.write(`[pageerror] ${err.stack || err}\n`));

    let resolveExit;
    const benchExited = new Promise((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      hostLogs = Array.isArray(logs) ? logs : [];
      resolveExit(typeof code === 'number' ? code : 1);
    });
    // The workbench's main-thread counters at the benchmark's phase marks (typing runs).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const phaseMetrics = [];
    await page.exposeFunction('codeAutomationLog', (type, message) => {
      const text = Array.isArray(message) ? message.join(' ') : String(message);
      const phase = /^\[bench\] phase (\S+) (begin|end)$/.exec(text);
      if (phase) {
        phaseMetrics.push(
          cdp.send('Performance.getMetrics').then(({ metrics }) => ({ phase: phase[1], mark: phase[2], metrics: Object.fromEntries(metrics.map((x) => [x.name, x.value])) })),
        );
        return;
      }
      if (type === 'error' || type === 'warn') console.error(text);
      else console.log(text);
    });

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(testsModule)],
    ];
    const url = `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    say(`opening the workbench: extension ${extensionPath}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(1000, deadline - Date.now()) });

    const timedOut = sleep(Math.max(0, deadline - Date.now())).then(() => 'timeout');
    const serverDied = new Promise((resolve) => server.once('exit', () => resolve('server-exit')));
    const outcome = await Promise.race([benchExited, timedOut, serverDied]);
    if (outcome === 'timeout') {
      await saveArtifacts(`TIMEOUT: no result after ${timeoutMs / 1000} s (QDA_BENCH_TIMEOUT_MS).`);
    } else if (outcome === 'server-exit') {
      await saveArtifacts('code-server exited before the benchmark finished (see code-server.log).');
    } else if (outcome !== 0) {
      await saveArtifacts(`the benchmark could not be made (exit code ${outcome}).`);
    } else if (!fs.existsSync(rawResults)) {
      await saveArtifacts(`the benchmark finished without writing ${rawResults}.`);
    } else {
      const r = JSON.parse(fs.readFileSync(rawResults, 'utf8'));
      r.workbench = workbenchPhases(await Promise.all(phaseMetrics));
      const rows = rowsOf(r);
      console.log();
      console.log(`Orchestration QDA in the editor — ${r.when}`);
      console.log(`VS Code ${r.machine.vscode} (code-server, ${r.machine.uiKind} UI, remote extension host on Node ${r.machine.node}), ${r.machine.cpu}, ${r.machine.cores} cores, load average ${r.machine.loadAverageAtStart[0].toFixed(1)} at the start, ${r.machine.loadAverageAtEnd[0].toFixed(1)} at the end`);
      console.log(`Data: ${(r.manifest.transcript.bytes / 1e6).toFixed(2)} MB transcript (${r.manifest.transcript.lines} lines), ${r.manifest.annotations} annotations, sidecar ${(r.manifest.sidecarBytes / 1e6).toFixed(1)} MB; typing: ${keystrokes} keystrokes × ${rounds} rounds on a coded copy and on a plain copy, 1 round on a coded copy showing a problem`);
      console.log(`Highlight detection: ${r.hook ? 'the decorations() of the extension\'s test API' : 'the coding\'s sentinel diagnostic (no hook in the extension)'}; keystroke timing: ${r.bracketValid ? 'listeners bracketing the extension\'s' : 'CPU-time difference'}`);
      console.log();
      const missed = printTable(rows);
      console.log();
      console.log(`(a) each open → highlighted (ms): ${r.opens.filter((o) => o.target === 'coded').map((o) => o.highlightedMs.toFixed(0)).join(', ')}`);
      console.log(`(a) each open with its sidecar touched just before → highlighted (ms): ${r.opens.filter((o) => o.target === 'file').map((o) => `${o.highlightedMs.toFixed(0)} (from the ${o.loadedFrom ?? '?'})`).join(', ')}`);
      console.log(`(a) each open's coding came from (the sidecar file, or the reading kept of the unchanged file): ${r.opens.filter((o) => o.target === 'coded').map((o) => o.loadedFrom ?? '?').join(', ')}`);
      if (r.profiles.length > 0) {
        for (const f of r.profiles) {
          const target = path.join(resultsDir, `extension-${path.basename(f)}`);
          fs.mkdirSync(resultsDir, { recursive: true });
          fs.copyFileSync(f, target);
          console.log();
          summariseProfile(target, extensionPath);
        }
      }
      for (const note of r.notes) console.log(`Note: ${note}`);
      console.log(missed.length === 0 ? 'All targets met.' : `MISSED: ${missed.join('; ')}`);

      fs.mkdirSync(resultsDir, { recursive: true });
      const out = {
        date: r.when,
        machine: r.machine,
        data: { transcript: r.manifest.transcript, annotations: r.manifest.annotations, sidecarBytes: r.manifest.sidecarBytes, keystrokes, rounds },
        method: { hook: r.hook, bracketValid: r.bracketValid, activatedMeanwhile: r.activatedMeanwhile, workspaceSettings, notes: r.notes },
        results: rows.map((row) => ({
          measure: row.measure,
          median: row.median,
          unit: 'ms',
          target: row.targetMs ?? null,
          ok: row.targetMs === undefined ? null : row.median <= row.targetMs,
          runs: row.runs ?? null,
        })),
        missed,
        opens: r.opens,
        saves: r.saves,
        verification: r.verification,
        loadStages: r.stages,
        workbench: r.workbench,
        typing: r.typing.map((t) => ({
          round: t.round, target: t.target, keystrokes: t.keystrokes,
          handlerMedianMs: median(t.handlerMs), handlerP95Ms: quantile(t.handlerMs, 0.95), handlerMaxMs: t.handlerMs.length ? Math.max(...t.handlerMs) : null,
          editMedianMs: median(t.editMs), cpuMs: t.cpuMs, activeMs: t.activeMs, wallMs: t.wallMs,
          pauseMaxBlockMs: t.pauseMaxBlockMs, pauseCpuMs: t.pauseCpuMs, hookRefreshMs: t.hookRefreshMs ?? null, hookHandlerMs: t.hookHandlerMs ?? null,
          handlerMs: t.handlerMs.map((x) => Math.round(x * 1000) / 1000),
        })),
        activationMs: r.activationMs,
      };
      const file = path.join(resultsDir, 'extension.json');
      fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
      console.log(`Results written to ${path.relative(process.cwd(), file)}`);
      exitCode = 0;
    }
  } catch (err) {
    exitCode = 1;
    const message = err instanceof RunnerError ? err.message : `runner error: ${err?.stack || err}`;
    await saveArtifacts(Date.now() >= deadline ? `TIMEOUT: ${message}` : message);
  } finally {
    await cleanup();
    if (keepTmp) say(`kept ${tmpRoot} (QDA_BENCH_KEEP_TMP=1)`);
    else fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
  }
  say(`done: exit code ${exitCode}`);
  return exitCode;
}

let code;
try {
  code = await main();
} catch (err) {
  console.error(`[bench:extension] ${err instanceof RunnerError ? err.message : err?.stack || err}`);
  code = 1;
}
process.exit(code);
