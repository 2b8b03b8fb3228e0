// Runs inside a real VS Code: opening a coded document takes its coding from the side panel's
// index when the sidecar is unchanged since the index read it, and from the file otherwise; either
// way the editor shows what the file holds, and saving unchanged coding does not rewrite the file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { createAnnotation } from '../../src/core/annotations';
import { serializeSidecar } from '../../src/core/sidecar/format';
import { hashText, Text } from '../../src/core/text/text';
import { activateWithCodebook, eventually, fileUri, readText, testApi, writeText } from './helpers';

interface State {
  loadedFrom: string;
  readOnly: boolean;
  segments: { id: string; codes: string[]; memo?: string; status: string; text?: string; quote: string }[];
}
interface Views {
  memos: { text?: string; memo?: string }[];
}

const state = async (uri: vscode.Uri) => (await (await testApi()).state({ uri: uri.toString() })) as State;

const TEXT = [
  '# Spoke hospital interview',
  '',
  'Interviewer: How do referrals reach the hub?',
  '',
  'Nurse: The coordinator at the hub rings us every morning with the list, and we agree who moves.',
  '',
  'Nurse: When two hospitals both refuse a patient, the network director steps in and brokers a deal.',
  '',
].join('\n');

/** A sidecar for TEXT coding `quote` with `code` and a memo, as the extension writes it. */
function sidecarFor(docPath: string, id: string, quote: string, code: string, memo: string): string {
  const text = new Text(TEXT);
  const start = text.toCodePoint(TEXT.indexOf(quote));
  const ann = createAnnotation(text, { start, end: start + quote.length, codes: [code], creator: 'Ana', memo, id, now: new Date('2026-11-01T09:00:00Z') });
  return serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d01', textHash: hashText(TEXT), annotations: [ann] }, docPath);
}

/** Waits until the side panel's index has read a sidecar, recognised by its memo. */
async function indexed(memo: string): Promise<void> {
  await eventually(async () => {
    const views = (await (await testApi()).views()) as Views;
    assert.ok(views.memos.some((m) => JSON.stringify(m).includes(memo)), `the memo “${memo}” is in the Memos view`);
  }, `the index to read the sidecar with the memo “${memo}”`);
}

describe('Opening a coded document', () => {
  before(activateWithCodebook);

  it('takes the coding the index read when the sidecar is unchanged, and saving it unchanged leaves the file alone', async () => {
    const doc = 'reopen/unchanged.md';
    const quote = 'The coordinator at the hub rings us every morning with the list';
    const sidecar = sidecarFor(doc, 'urn:uuid:0b7c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3', quote, 'coordinating-activities', 'Daily list from the hub');
    await writeText(fileUri(doc), TEXT);
    await writeText(fileUri(doc + '.annotations.json'), sidecar);
    await indexed('Daily list from the hub');

    const uri = fileUri(doc);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const s = await eventually(async () => {
      const st = await state(uri);
      assert.equal(st.segments.length, 1);
      return st;
    }, 'the coding to load');
    assert.equal(s.loadedFrom, 'kept');
    assert.equal(s.readOnly, false);
    assert.deepEqual(s.segments.map((x) => ({ codes: x.codes, memo: x.memo, status: x.status, text: x.text })), [{ codes: ['coordinating-activities'], memo: 'Daily list from the hub', status: 'exact', text: quote }]);

    // Type a character and take it back, then save: the coding is what the file holds, so the file is not rewritten.
    const sidecarUri = fileUri(doc + '.annotations.json');
    const before = await vscode.workspace.fs.stat(sidecarUri);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'x'));
    await editor.edit((b) => b.delete(new vscode.Range(0, 0, 0, 1)));
    assert.ok(await editor.document.save(), 'the document saved');
    await new Promise((r) => setTimeout(r, 500));
    const after = await vscode.workspace.fs.stat(sidecarUri);
    assert.equal(after.mtime, before.mtime, 'the sidecar was not written again');
    assert.equal(await readText(sidecarUri), sidecar);

    // A real change is saved as usual.
    const at = editor.document.getText().indexOf('brokers a deal');
    editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + 'brokers a deal'.length));
    await vscode.commands.executeCommand('qda.codeSelection', { codes: ['brokering-relations'] });
    await eventually(async () => {
      const page = JSON.parse(await readText(sidecarUri));
      assert.equal(page.items.length, 2);
    }, 'the new coding to be written');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('reads the file when the sidecar changed after the index read it, and shows what the file holds', async () => {
    const doc = 'reopen/changed.md';
    const first = sidecarFor(doc, 'urn:uuid:1c8d2e3f-4051-4b6c-9d7e-8f90a1b2c3d4', 'The coordinator at the hub rings us every morning with the list', 'coordinating-activities', 'First reading of the list');
    await writeText(fileUri(doc), TEXT);
    await writeText(fileUri(doc + '.annotations.json'), first);
    await indexed('First reading of the list');

    // Changed on disk (another coder's work pulled from git), then opened at once.
    const deal = 'the network director steps in and brokers a deal';
    const second = sidecarFor(doc, 'urn:uuid:2d9e3f40-5162-4c7d-8e8f-90a1b2c3d4e5', deal, 'brokering-relations', 'The director brokers between two spokes, after the pull');
    assert.notEqual(second.length, first.length);
    await writeText(fileUri(doc + '.annotations.json'), second);
    const uri = fileUri(doc);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const s = await eventually(async () => {
      const st = await state(uri);
      assert.equal(st.segments.length, 1);
      assert.deepEqual(st.segments[0].codes, ['brokering-relations']);
      return st;
    }, 'the changed coding to show');
    assert.equal(s.segments[0].text, deal);
    assert.equal(s.segments[0].memo, 'The director brokers between two spokes, after the pull');
    // The side panel follows too, whether its index read the file itself or took the editor's reading.
    await indexed('The director brokers between two spokes, after the pull');
    const views = (await (await testApi()).views()) as Views;
    assert.ok(!views.memos.some((m) => JSON.stringify(m).includes('First reading of the list')), 'the replaced memo is gone from the Memos view');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
