// Runs the integration tests in a desktop VS Code downloaded by @vscode/test-electron, for
// machines that can reach update.code.visualstudio.com. (Machines that reach only npm and apt
// use test/integration/run.mjs, which runs the same tests inside code-server.)
//
// Same tests (out/test/integration/index.js), same fixture workspace, copied to a temp folder.
// Build first: npm run build:integration
//   node test/integration/run-electron.mjs        (VSCODE_TEST_VERSION=stable|insiders|1.100.0)
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const extensionTestsPath = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');

if (!fs.existsSync(extensionTestsPath)) {
  console.error(`${extensionTestsPath} is missing: run "npm run build:integration".`);
  process.exit(1);
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-integration-electron-'));
const workspace = path.join(tmpRoot, 'workspace');
fs.cpSync(fixtureWorkspace, workspace, { recursive: true });

let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${path.join(tmpRoot, 'user-data')}`,
    ],
  });
} catch (err) {
  console.error(`Integration tests failed: ${err instanceof Error ? err.message : err}`);
  code = 1;
} finally {
  fs.rmSync(tmpRoot, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(code);
