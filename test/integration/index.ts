// Entry point of the integration tests, loaded by the extension host (extensionTestsPath).
// Both runners use it: test/integration/run.mjs (code-server + Chromium) and
// test/integration/run-electron.mjs (@vscode/test-electron).
//
// It runs mocha over every compiled `*.test.js` next to it (out/test/integration/), prints one
// plain `N passed, N failed` line at the end (CI counts tests from it), and rejects when any test
// fails, which makes the extension host exit with a non-zero code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // Reporters call consoleLog(format, ...args). The extension host forwards console.log to the
  // runner as one string without applying the format, so format here.
  const consoleLog = console.log;
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => consoleLog(format(...data));

  // QDA_TEST_FILES (comma-separated file names, e.g. "coding,reopen") and QDA_TEST_GREP narrow a
  // run while working on one feature; `npm test` sets neither and runs everything.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, grep: process.env.QDA_TEST_GREP || undefined });
  const only = (process.env.QDA_TEST_FILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);

  const testsRoot = __dirname;
  const files = fs
    .readdirSync(testsRoot)
    .filter((name) => name.endsWith('.test.js'))
    .filter((name) => only.length === 0 || only.includes(name.replace(/\.test\.js$/, '')))
    .sort();
  for (const name of files) mocha.addFile(path.join(testsRoot, name));

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`No *.test.js files in ${testsRoot}: build them with "npm run build:integration".`));
      return;
    }
    let passed = 0;
    let failed = 0;
    try {
      const runner = mocha.run((failures) => {
        console.log(`${passed} passed, ${failed} failed`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
        else resolve();
      });
      runner.on('pass', () => passed++);
      // 'fail' also fires for failing hooks, which count as failures too.
      runner.on('fail', () => failed++);
    } catch (err) {
      console.log(`${passed} passed, ${failed + 1} failed`);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
