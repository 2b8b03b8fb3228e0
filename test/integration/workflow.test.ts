// Runs inside a real VS Code, after the other suites (files run in alphabetical order): the hover,
// the Problems quick fix that re-attaches an orphaned segment, document memos, and the codebook
// commands of the side panel that other suites do not drive.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateWithCodebook, eventually, fileUri, readText, testApi } from './helpers';

const DOC = 'transcripts/ward-rounds.md';
const CODE = 'coordinating-activities';
const LIST = 'The coordinator at the hub rings us every morning with the list';
const DEAL = 'the network director steps in and brokers a deal';

interface Segment {
  id: string;
  codes: string[];
  start?: number;
  end?: number;
  text?: string;
}
interface State {
  segments: Segment[];
  diagnostics: { message: string }[];
}

const state = async (uri: vscode.Uri) => (await (await testApi()).state({ uri: uri.toString() })) as State;
const folderArg = () => vscode.workspace.workspaceFolders![0].uri.toString();

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function select(editor: vscode.TextEditor, quote: string): Promise<vscode.Range> {
  const at = editor.document.getText().indexOf(quote);
  assert.ok(at >= 0, `“${quote}” is in the document`);
  const range = new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + quote.length));
  editor.selection = new vscode.Selection(range.start, range.end);
  return range;
}

describe('More of what researchers do in the editor and the panel', () => {
  let editor: vscode.TextEditor;
  let uri: vscode.Uri;

  before(async () => {
    await activateWithCodebook();
    uri = fileUri(DOC);
    editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  it('shows the codes, the coder and actions when hovering over coded text', async () => {
    const range = await select(editor, LIST);
    await vscode.commands.executeCommand('qda.codeSelection', { codes: [CODE] });
    await eventually(async () => assert.equal((await state(uri)).segments.length, 1), 'the segment');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, range.start.translate(0, 5));
    const text = hoverText(hovers);
    assert.match(text, /Coordinating activities/);
    assert.match(text, /command:qda\.removeCode\?/);
    assert.match(text, /command:qda\.addMemo\?/);
    const outside = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 3));
    assert.doesNotMatch(hoverText(outside), /Coordinating activities/);
  });

  it('re-attaches an orphaned segment to the selection with the quick fix in Problems', async () => {
    const range = await select(editor, LIST);
    await editor.edit((e) => e.delete(range));
    const orphan = await eventually(async () => {
      const s = await state(uri);
      assert.equal(s.segments[0].start, undefined);
      assert.ok(s.diagnostics.some((d) => /lost its text/.test(d.message)));
      return s.segments[0];
    }, 'the orphan in Problems');
    const diagnostic = vscode.languages.getDiagnostics(uri).find((d) => /lost its text/.test(d.message))!;
    const target = await select(editor, DEAL);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const reattach = actions.find((a) => /Re-attach/.test(a.title));
    assert.ok(reattach?.command, `a re-attach quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(reattach.command.command, ...(reattach.command.arguments ?? []));
    await eventually(async () => {
      const s = await state(uri);
      const seg = s.segments.find((x) => x.id === orphan.id)!;
      assert.equal(seg.text, DEAL);
      assert.equal(editor.document.offsetAt(target.start), seg.start);
      assert.ok(!s.diagnostics.some((d) => /lost its text/.test(d.message)));
    }, 'the segment re-attached');
  });

  it('writes a memo on the whole document, W3C-style with the document as target', async () => {
    await vscode.commands.executeCommand('qda.documentMemo', { uri: uri.toString(), memo: 'Interview cut short by a bleep.' });
    const sidecar = await eventually(async () => {
      const json = JSON.parse(await readText(fileUri(DOC + '.annotations.json'))) as { items: { target: { id?: string; source?: string }; body?: { value?: string }[] }[] };
      const memo = json.items.find((i) => i.target.id === 'file:ward-rounds.md');
      assert.ok(memo, 'a whole-document annotation');
      return memo;
    }, 'the document memo in the sidecar');
    assert.equal(sidecar.body?.[0]?.value, 'Interview cut short by a bleep.');
    const views = (await (await testApi()).views()) as { memos: { kind: string; text: string }[] };
    assert.ok(views.memos.some((m) => m.kind === 'document' && m.text === 'Interview cut short by a bleep.'));
  });

  it('adds a code and a sub-code, recolours it, edits its definition and reveals it in the codebook', async () => {
    const folder = folderArg();
    const id = await vscode.commands.executeCommand<string>('qda.codebook.newCode', { folder, name: 'Ward rounds', stage: 'relationships' });
    assert.equal(id, 'ward-rounds');
    const sub = await vscode.commands.executeCommand<string>('qda.codebook.newSubCode', { folder, code: id, name: 'Night rounds' });
    await vscode.commands.executeCommand('qda.codebook.recolour', { folder, code: id, colour: '#123456' });
    await vscode.commands.executeCommand('qda.codebook.editDefinition', { folder, code: id, field: 'definition', text: 'Daily review of patients with the network.' });
    const cb = JSON.parse(await readText(fileUri('codebook.json'))) as { codes: { id: string; name: string; parent?: string; stage?: string; colour?: string; definition?: string }[] };
    const code = cb.codes.find((c) => c.id === id);
    assert.deepEqual(
      { name: code?.name, stage: code?.stage, colour: code?.colour, definition: code?.definition },
      { name: 'Ward rounds', stage: 'relationships', colour: '#123456', definition: 'Daily review of patients with the network.' },
    );
    assert.equal(cb.codes.find((c) => c.id === sub)?.parent, id);
    await vscode.commands.executeCommand('qda.revealCode', { uri: folder, code: id });
    await eventually(() => {
      const active = vscode.window.activeTextEditor!;
      assert.match(active.document.uri.path, /codebook\.json$/);
      assert.match(active.document.lineAt(active.selection.active.line).text, /"id": "ward-rounds"/);
    }, 'the codebook open at the code');
  });
});
