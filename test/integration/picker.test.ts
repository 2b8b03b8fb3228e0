// Runs inside a real VS Code: the code picker as a user drives it (ticking codes, searching on,
// creating a code), where it refuses to open, and which segment commands the context menu offers.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import { activateWithCodebook, eventually, fileUri, readText, sleep, testApi, writeText } from './helpers';

interface State {
  readOnly: boolean;
  segments: { id: string; codes: string[]; text?: string }[];
  segmentAtCursor: boolean;
}
const state = async (uri: vscode.Uri) => (await (await testApi()).state({ uri: uri.toString() })) as State;
const api = () => vscode.extensions.getExtension<TestApi>('orchestration-qda.orchestration-qda')!.exports;

const TEXT = 'Interviewer: Who decides?\n\nChair: The board agrees the bypass protocol, then each spoke signs it.\n\nChair: Nobody asked the ambulance service.\n';

async function openWith(path: string, text: string): Promise<vscode.TextEditor> {
  await writeText(fileUri(path), text);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri(path)));
}

function select(editor: vscode.TextEditor, passage: string): void {
  const at = editor.document.getText().indexOf(passage);
  editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + passage.length));
}

/** Opens the picker on the selection as Ctrl+Alt+C does; resolves with what coding returned once it closes. */
async function openPicker(): Promise<{ done: Thenable<string[] | undefined> }> {
  const done = vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection');
  await eventually(async () => assert.ok(await api().picker(), 'the picker is open'), 'the code picker to open');
  return { done };
}

describe('The code picker', () => {
  let codebook = '';
  before(async () => {
    await activateWithCodebook();
    codebook = await readText(fileUri('codebook.json'));
  });
  // The other test files count the fixture workspace's coding: leave it as it was.
  after(async () => {
    await writeText(fileUri('codebook.json'), codebook);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(fileUri('picker'), { recursive: true });
  });

  it('keeps ticked codes ticked while the search text changes, and applies them all', async () => {
    const editor = await openWith('picker/ticks.md', TEXT);
    select(editor, 'The board agrees the bypass protocol');
    const { done } = await openPicker();
    await api().picker({ tick: ['brokering-relations'] });
    const typed = (await api().picker({ value: 'shap' }))!;
    assert.equal(typed.newItem, '$(add) New code “shap”', 'the picker saw the typing');
    await api().picker({ tick: ['shaping-boundaries'] });
    const again = (await api().picker({ value: 'coord' }))!;
    // (A recently used code is listed twice, under "Recently used" and "All codes": ticked once per listing.)
    assert.deepEqual([...new Set(again.ticked)].sort(), ['brokering-relations', 'shaping-boundaries'], 'both ticks survive the new search');
    await api().picker({ accept: true });
    const ids = await done;
    assert.equal(ids?.length, 1);
    const seg = (await state(editor.document.uri)).segments.find((s) => s.id === ids![0])!;
    assert.deepEqual([...seg.codes].sort(), ['brokering-relations', 'shaping-boundaries']);
  });

  it('creates a new code with the codebook’s own rules, from the text typed', async () => {
    const editor = await openWith('picker/new.md', TEXT);
    select(editor, 'Nobody asked the ambulance service');
    const { done } = await openPicker();
    await api().picker({ value: 'Excluding partners' });
    await api().picker({ tick: ['new'], accept: true });
    // Where it goes: the first choice, the top level. Then its name, as typed.
    await sleep(500);
    await vscode.commands.executeCommand('quickInput.accept');
    await sleep(500);
    await vscode.commands.executeCommand('quickInput.accept');
    const ids = await done;
    assert.equal(ids?.length, 1, 'the passage was coded with the new code');
    const codebook = JSON.parse(await readText(fileUri('codebook.json'))) as { codes: { id: string; name: string; parent?: string }[] };
    const made = codebook.codes.find((c) => c.name === 'Excluding partners');
    assert.ok(made, 'the code is in the codebook');
    assert.equal(made.parent, undefined);
    assert.deepEqual((await state(editor.document.uri)).segments.find((s) => s.id === ids![0])!.codes, [made.id]);
  });

  it('refuses before any code is picked when the document’s coding is paused', async () => {
    const path = 'picker/paused.md';
    await writeText(fileUri(path + '.annotations.json'), '{ "this is": "not a sidecar" ');
    const editor = await openWith(path, TEXT);
    await eventually(async () => assert.equal((await state(editor.document.uri)).readOnly, true), 'the coding to be paused');
    select(editor, 'Nobody asked');
    const result = await vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection');
    assert.equal(result, undefined);
    assert.equal(await api().picker(), undefined, 'the picker never opened');
  });

  it('offers Remove Code and Recode only with the cursor in a coded segment', async () => {
    const editor = await openWith('picker/context.md', TEXT);
    select(editor, 'Nobody asked the ambulance service');
    await vscode.commands.executeCommand('qda.codeSelection', { codes: ['shaping-boundaries'] });
    const inside = editor.document.positionAt(editor.document.getText().indexOf('ambulance'));
    editor.selection = new vscode.Selection(inside, inside);
    await eventually(async () => assert.equal((await state(editor.document.uri)).segmentAtCursor, true), 'the cursor in the segment');
    const outside = editor.document.positionAt(editor.document.getText().indexOf('Who decides'));
    editor.selection = new vscode.Selection(outside, outside);
    await eventually(async () => assert.equal((await state(editor.document.uri)).segmentAtCursor, false), 'the cursor outside any segment');
    const menus = (vscode.extensions.getExtension('orchestration-qda.orchestration-qda')!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus['editor/context'];
    for (const id of ['qda.removeCode', 'qda.recode', 'qda.addMemo']) assert.match(menus.find((m) => m.command === id)!.when!, /qda\.segmentAtCursor/, `${id} is offered only on a segment`);
  });
});
