/** The `qda` command built once per test run into a temporary folder, and ways to run it as users do. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');
let built: string | undefined;

/** Path of a freshly bundled dist-like cli.js (from the current sources). */
export function cliPath(): string {
  if (built) return built;
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'qda-cli-build-')), 'cli.js');
  buildSync({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return (built = out);
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const env = { ...process.env, QDA_CODER: 'Tester' };

/** Runs `qda` in a child process and waits for it (through pipes, as a script would). */
export function qdaSync(args: string[], cwd: string, timeout = 30_000): Run {
  const r = spawnSync(process.execPath, [cliPath(), ...args], { cwd, encoding: 'utf8', timeout, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `qda` in a child process without blocking, so that several run at once. */
export function qda(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath(), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
