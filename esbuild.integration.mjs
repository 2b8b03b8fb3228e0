// Bundles the integration tests (test/integration/*.ts) into out/test/integration/, one CommonJS
// file per source, as the extension host loads them. `vscode` comes from the extension host and
// `mocha` is loaded from node_modules at run time. The extension itself is built by esbuild.mjs.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const srcDir = 'test/integration';
const outdir = 'out/test/integration';

const entryPoints = fs
  .readdirSync(srcDir)
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
  .map((name) => path.join(srcDir, name));

// Start clean so that a deleted test does not keep running from a stale bundle.
fs.rmSync(outdir, { recursive: true, force: true });

await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['vscode', 'mocha'],
  // As the extension's own build: jsonc-parser's UMD entry requires files esbuild cannot follow.
  mainFields: ['module', 'main'],
  logLevel: 'info',
});
