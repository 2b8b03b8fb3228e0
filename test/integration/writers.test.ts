// Runs inside a real VS Code: the editor is one of several writers of a sidecar (the qda tool,
// a colleague's coding pulled from git). Its saves never drop another writer's coding, and it
// refuses to write coding that `qda validate` would report an error for.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createAnnotation } from '../../src/core/annotations';
import { parseSidecar, serializeSidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { activateWithCodebook, eventually, fileUri, sleep, testApi } from './helpers';

interface State {
  readOnly: boolean;
  segments: { id: string; codes: string[]; text?: string }[];
}
const state = async (uri: vscode.Uri) => (await (await testApi()).state({ uri: uri.toString() })) as State;

const TEXT = 'Chair: The board agrees the bypass protocol.\n\nLead: Each spoke signs it, then the ambulance service is told.\n\nChair: Nobody asked the ambulance service first.\n';

async function openWith(path: string): Promise<vscode.TextEditor> {
  fs.mkdirSync(fileUri('writers').fsPath, { recursive: true });
  fs.writeFileSync(fileUri(path).fsPath, TEXT);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri(path)));
}

async function code(editor: vscode.TextEditor, passage: string, codes: string[]): Promise<string[] | undefined> {
  const at = editor.document.getText().indexOf(passage);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + passage.length));
  return vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection', { uri: editor.document.uri.toString(), codes });
}

const codesOnDisk = (path: string) =>
  parseSidecar(fs.readFileSync(fileUri(path + '.annotations.json').fsPath, 'utf8'), path).sidecar!.annotations.map((a) => [a.exact, a.codes.join()]).sort();

describe('The editor among other writers of a sidecar', () => {
  before(activateWithCodebook);
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(fileUri('writers'), { recursive: true });
  });

  it('puts its coding onto what another writer saved meanwhile, instead of over it', async () => {
    const path = 'writers/shared.md';
    const editor = await openWith(path);
    assert.equal((await code(editor, 'The board agrees the bypass protocol', ['coordinating-activities']))?.length, 1);
    // Another writer (as `qda add` does) adds a segment to the file on disk…
    const sidecarFile = fileUri(path + '.annotations.json').fsPath;
    const onDisk = parseSidecar(fs.readFileSync(sidecarFile, 'utf8'), path + '.annotations.json').sidecar!;
    const text = new Text(TEXT);
    const at = text.toCodePoint(TEXT.indexOf('Each spoke signs it'));
    onDisk.annotations.push(createAnnotation(text, { start: at, end: at + 'Each spoke signs it'.length, codes: ['shaping-boundaries'], creator: 'Ben' }));
    fs.writeFileSync(sidecarFile, serializeSidecar(onDisk, path));
    // …and the researcher codes in the editor right away, before VS Code reports the change.
    assert.equal((await code(editor, 'Nobody asked the ambulance service first', ['brokering-relations']))?.length, 1);
    await sleep(500);
    const expected = [
      ['Each spoke signs it', 'shaping-boundaries'],
      ['Nobody asked the ambulance service first', 'brokering-relations'],
      ['The board agrees the bypass protocol', 'coordinating-activities'],
    ];
    await eventually(() => assert.deepEqual(codesOnDisk(path), expected), 'the sidecar to hold both writers’ coding');
    await eventually(async () => assert.deepEqual((await state(editor.document.uri)).segments.map((s) => [s.text, s.codes.join()]).sort(), expected), 'the editor to show both writers’ coding');
  });

  it('refuses to code a document whose sidecar has a code the codebook does not have, and leaves the file as it is', async () => {
    const path = 'writers/unknown.md';
    const text = new Text(TEXT);
    const at = text.toCodePoint(TEXT.indexOf('Each spoke signs it'));
    const foreign = createAnnotation(text, { start: at, end: at + 'Each spoke signs it'.length, codes: ['a-code-only-a-colleague-has'], creator: 'Ben' });
    fs.mkdirSync(fileUri('writers').fsPath, { recursive: true });
    const sidecar = serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d02', annotations: [foreign] }, path);
    fs.writeFileSync(fileUri(path + '.annotations.json').fsPath, sidecar);
    const editor = await openWith(path);
    await eventually(async () => assert.equal((await state(editor.document.uri)).segments.length, 1), 'the colleague’s coding to load');
    const ids = await code(editor, 'The board agrees the bypass protocol', ['coordinating-activities']);
    assert.equal(ids, undefined, 'nothing was coded');
    assert.equal((await state(editor.document.uri)).segments.length, 1, 'the editor shows no new segment');
    assert.equal(fs.readFileSync(fileUri(path + '.annotations.json').fsPath, 'utf8'), sidecar, 'the file is untouched');
  });

  it('shows a document linked from outside the workspace but never codes it, and writes nothing there', async function () {
    if (process.platform === 'win32') this.skip();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'private.md'), TEXT);
      fs.mkdirSync(fileUri('writers').fsPath, { recursive: true });
      fs.symlinkSync(path.join(outside, 'private.md'), fileUri('writers/linked.md').fsPath);
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri('writers/linked.md')));
      assert.equal(editor.document.getText(), TEXT, 'the document is shown');
      const ids = await code(editor, 'The board agrees the bypass protocol', ['coordinating-activities']);
      assert.equal(ids, undefined, 'nothing was coded');
      await sleep(300);
      assert.deepEqual(fs.readdirSync(outside), ['private.md'], 'nothing was written outside the workspace');
      assert.equal(fs.existsSync(fileUri('writers/linked.md.annotations.json').fsPath), false, 'no sidecar in the workspace either');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
