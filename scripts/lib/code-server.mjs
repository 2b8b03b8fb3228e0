// What every script that runs VS Code here shares (integration tests, UI tests, the editor
// benchmark): how Debian Chromium is started headless on this closed network, a free port on
// loopback, and where scripts/setup-vscode-test.sh installed Node 24, code-server and Chromium.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** Chromium as root, headless, and quiet on a machine without outside network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The install locations setup-vscode-test.sh wrote to `<cacheDir>/paths.json`; `fail(message)`
 * is called (and must throw) when they are missing.
 */
export function readInstallPaths(cacheDir, fail) {
  const file = path.join(cacheDir, 'paths.json');
  if (!fs.existsSync(file)) fail(`${file} not found: run "bash scripts/setup-vscode-test.sh" first.`);
  const paths = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const key of ['node', 'codeServer', 'chromium']) {
    if (!paths[key] || !fs.existsSync(paths[key])) {
      fail(`${key} (${paths[key]}) from ${file} does not exist: run "bash scripts/setup-vscode-test.sh" again.`);
    }
  }
  return paths;
}

/**
 * Ends a child that leads its own process group (code-server, started detached): SIGTERM to the
 * group, up to `graceMs` for the leader to exit, then SIGKILL to whatever is left in the group
 * (the file watcher, extension host and language servers sometimes outlive the leader).
 */
export async function stopProcessGroup(child, graceMs = 5000) {
  if (!child) return;
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // the group is gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    signal('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
  }
  signal('SIGKILL');
}

/**
 * Folders under `base` for code-server's config, data, caches and state (so it keeps them out of
 * the home folder), created, as the XDG_* variables to add to its environment.
 */
export function xdgFolders(base) {
  const xdg = {
    XDG_CONFIG_HOME: path.join(base, 'xdg-config'),
    XDG_DATA_HOME: path.join(base, 'xdg-data'),
    XDG_CACHE_HOME: path.join(base, 'xdg-cache'),
    XDG_STATE_HOME: path.join(base, 'xdg-state'),
  };
  for (const d of Object.values(xdg)) fs.mkdirSync(d, { recursive: true });
  return xdg;
}
