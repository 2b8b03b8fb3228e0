// npm start: builds the extension and opens the sample workspace (sample/) with it loaded.
//
// - If VS Code's `code` command is on the PATH: `code --extensionDevelopmentPath=<repo> <repo>/sample`.
// - Otherwise code-server (VS Code in the browser): installed by scripts/setup-vscode-test.sh if
//   needed, the extension packaged (npm run package) and installed into a user-data folder of its
//   own under the cache, then code-server started on 127.0.0.1 with no password, opening sample/.
//   Open the URL it prints in a browser. Ctrl+C stops code-server and everything it started.
//
// Environment:
//   PORT             code-server's port (default 8080)
//   QDA_TEST_CACHE   where setup-vscode-test.sh installs code-server (default ~/.cache/orchestration-qda-test)
//   QDA_USE_CODE_SERVER=1   use code-server even when `code` is on the PATH
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopProcessGroup, xdgFolders } from './lib/code-server.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sampleDir = path.join(repoRoot, 'sample');
const cacheDir = process.env.QDA_TEST_CACHE || path.join(os.homedir(), '.cache', 'orchestration-qda-test');
const startDir = path.join(cacheDir, 'start');
const userDataDir = path.join(startDir, 'user-data');
const extensionsDir = path.join(startDir, 'extensions');
const vsix = path.join(repoRoot, 'dist', 'orchestration-qda.vsix');
const port = Number(process.env.PORT || 8080);

// Written once; your own changes to it are kept on later runs.
const DEFAULT_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
};

const say = (msg) => console.log(`[start] ${msg}`);
const die = (msg) => {
  console.error(`[start] ${msg}`);
  process.exit(1);
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command in the foreground with its output shown; stops everything if it fails. */
function step(what, command, args, options = {}) {
  say(what);
  const res = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', ...options });
  if (res.error) die(`${what}: ${res.error.message}`);
  if (res.status !== 0) die(`${what} failed (exit code ${res.status ?? res.signal}).`);
}

function onPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function readInstallPaths() {
  const file = path.join(cacheDir, 'paths.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    const paths = JSON.parse(fs.readFileSync(file, 'utf8'));
    return ['node', 'codeServer'].every((k) => paths[k] && fs.existsSync(paths[k])) ? paths : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
if (!Number.isInteger(port) || port <= 0 || port > 65535) die(`PORT must be a port number; got "${process.env.PORT}".`);
// A fresh clone: install the project's packages first (from the lock file).
if (!fs.existsSync(path.join(repoRoot, 'node_modules', 'esbuild'))) {
  step('installing packages (npm ci)', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci']);
}
step('building (node esbuild.mjs)', process.execPath, ['esbuild.mjs']);

const code = process.env.QDA_USE_CODE_SERVER === '1' ? undefined : onPath('code');
if (code) {
  say(`opening ${sampleDir} in VS Code (${code}) with the extension from ${repoRoot}`);
  const res = spawnSync(code, [`--extensionDevelopmentPath=${repoRoot}`, sampleDir], { stdio: 'inherit' });
  process.exit(res.status ?? 1);
}

say('no "code" command on the PATH: using code-server (VS Code in the browser)');
let paths = readInstallPaths();
if (!paths) {
  step('installing code-server (bash scripts/setup-vscode-test.sh, a few minutes the first time)', 'bash', [
    path.join(repoRoot, 'scripts', 'setup-vscode-test.sh'),
  ]);
  paths = readInstallPaths();
  if (!paths) die(`setup-vscode-test.sh ran but ${path.join(cacheDir, 'paths.json')} does not point at code-server.`);
}

// --no-rewrite-relative-links: README.md shows screenshots by relative path, which vsce refuses
// to package without a repository URL to rewrite them against; a local install needs no rewriting.
step('packaging the extension (npm run package)', process.platform === 'win32' ? 'npm.cmd' : 'npm', [
  'run', '--silent', 'package', '--', '--no-rewrite-relative-links',
]);
if (!fs.existsSync(vsix)) die(`${vsix} was not written by "npm run package".`);

fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
fs.mkdirSync(extensionsDir, { recursive: true });
const settingsFile = path.join(userDataDir, 'User', 'settings.json');
if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(DEFAULT_SETTINGS, null, 2) + '\n');

// code-server keeps its config, sockets and caches out of the home folder and /tmp this way.
const xdg = xdgFolders(startDir);
const serverTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-start-'));
const env = {
  ...process.env,
  ...xdg,
  TMPDIR: serverTmp,
  NODE_OPTIONS: '',
  NODE_COMPILE_CACHE: path.join(cacheDir, 'node-compile-cache'),
  PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH}`,
};
const dirArgs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

step(
  `installing ${path.relative(repoRoot, vsix)} into ${extensionsDir}`,
  paths.node,
  [paths.codeServer, ...dirArgs, '--install-extension', vsix, '--force'],
  { env },
);

const logFile = path.join(startDir, 'code-server.log');
const log = fs.openSync(logFile, 'w');
const base = `http://127.0.0.1:${port}`;
say(`starting code-server ${paths.codeServerVersion ?? ''} on ${base} (log: ${logFile})`);
// detached: code-server leads its own process group, which is ended as a whole on Ctrl+C (the
// file watcher, extension host and language servers would outlive the main process otherwise).
const server = spawn(
  paths.node,
  [
    paths.codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...dirArgs,
    sampleDir,
  ],
  { cwd: startDir, detached: true, stdio: ['ignore', log, log], env },
);

let stopping = false;
async function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null && server.signalCode === null) say('stopping code-server');
  await stopProcessGroup(server);
  fs.rmSync(serverTmp, { recursive: true, force: true, maxRetries: 3 });
  process.exit(exitCode);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));

server.on('exit', (status, signal) => {
  if (stopping) return;
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
  console.error(`[start] code-server exited (code ${status}, signal ${signal}). Last lines of ${logFile}:\n${tail}`);
  if (/EADDRINUSE/.test(tail)) console.error(`[start] port ${port} is in use: try PORT=8081 npm start`);
  stop(1);
});

const deadline = Date.now() + 60000;
let up = false;
while (!up && !stopping && Date.now() < deadline) {
  try {
    up = (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    // not listening yet
  }
  if (!up) await sleep(250);
}
if (!up) {
  if (!stopping) {
    console.error(`[start] code-server did not answer ${base}/healthz within 60 s; see ${logFile}.`);
    await stop(1);
  }
} else {
  console.log('');
  console.log(`  Orchestration QDA is running in code-server. Open this in your browser:`);
  console.log('');
  console.log(`    ${base}/?folder=${encodeURIComponent(sampleDir).replace(/%2F/g, '/')}`);
  console.log('');
  console.log('  Press Ctrl+C to stop.');
  console.log('');
}
