// Bundles the in-editor benchmark into out/bench/extension/:
// - open-and-type.bench.js: the module the extension host loads as its tests (CommonJS; `vscode`
//   comes from the extension host);
// - workspace.cjs: the generator of the benchmark's workspace, run by bench/extension/run.mjs.
// The extension itself is built by esbuild.mjs.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const outdir = path.join(repoRoot, 'out', 'bench', 'extension');

fs.rmSync(outdir, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // As esbuild.mjs: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: [path.join(here, 'open-and-type.bench.ts')], outfile: path.join(outdir, 'open-and-type.bench.js'), external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: [path.join(here, 'workspace.ts')], outfile: path.join(outdir, 'workspace.cjs') }),
]);
console.log(`[bench:extension] built ${path.relative(repoRoot, outdir)}/`);
