import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

/** The lint rule that keeps src/core free of VS Code (and of Node-only modules) so it runs anywhere. */
describe('core boundary lint rule', function () {
  this.timeout(60000);
  const root = path.resolve(__dirname, '../..');
  const eslint = new ESLint({ cwd: root });
  const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: path.join(root, file) }))[0].messages.map((m) => m.message);

  it('fails a core file that imports vscode, node:fs or the host', async () => {
    assert.ok((await lint('src/core/x.ts', "import * as vscode from 'vscode';\nexport const a = vscode;\n")).some((m) => /must not import vscode/.test(m)));
    assert.ok((await lint('src/core/x.ts', "import * as fs from 'node:fs';\nexport const a = fs;\n")).some((m) => /FileStore/.test(m)));
    assert.ok((await lint('src/core/x.ts', "import { a } from '../host/convert';\nexport const b = a;\n")).some((m) => /src\/host/.test(m)));
  });

  it('lets host code import vscode', async () => {
    assert.deepEqual(await lint('src/host/x.ts', "import * as vscode from 'vscode';\nexport const a = vscode;\n"), []);
  });
});
