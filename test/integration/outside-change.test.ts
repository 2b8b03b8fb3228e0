// Runs inside a real VS Code: a coded document that is open and unmodified is rewritten on disk
// (as `git stash`, `git checkout` or another program does). VS Code reloads its text; the coding
// must be found again by its quotes, as when the document is opened, never treated as deleted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { createAnnotation } from '../../src/core/annotations';
import { serializeSidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { activateWithCodebook, eventually, fileUri, readText, sleep, testApi } from './helpers';

interface State {
  segments: { id: string; codes: string[]; status: string; text?: string; quote: string }[];
  diagnostics: { message: string }[];
}
const state = async (uri: vscode.Uri) => (await (await testApi()).state({ uri: uri.toString() })) as State;

const QUOTES = [
  'The coordinator at the hub rings us every morning with the list',
  'the network director steps in and brokers a deal',
  'we ring the trauma unit lead ourselves',
];

const ORIGINAL = [
  '# Spoke hospital interview',
  '',
  'Interviewer: How do referrals reach the hub?',
  '',
  `Nurse: ${QUOTES[0]}, and we agree who moves.`,
  '',
  `Nurse: When two hospitals both refuse a patient, ${QUOTES[1]}.`,
  '',
  `Nurse: At night ${QUOTES[2]} and hope someone answers.`,
  '',
].join('\n');

/** Rewrites the file on disk behind the editor's back, and waits until the editor shows it. */
async function rewriteOnDisk(uri: vscode.Uri, document: vscode.TextDocument, text: string): Promise<void> {
  fs.writeFileSync(uri.fsPath, text);
  await eventually(() => assert.equal(document.getText(), text), 'VS Code to reload the document from disk');
  await sleep(300);
}

describe('A coded document changed on disk while open', () => {
  before(activateWithCodebook);
  // The other test files count the fixture workspace's coding: leave it as it was.
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(fileUri('outside'), { recursive: true });
  });

  it('keeps every segment whose text survives on its text, through insertions, rewording and restoring, and saves no orphan', async () => {
    const path = 'outside/rewritten.md';
    const uri = fileUri(path);
    fs.mkdirSync(fileUri('outside').fsPath, { recursive: true });
    fs.writeFileSync(uri.fsPath, ORIGINAL);
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const codes = ['coordinating-activities', 'brokering-relations', 'shaping-boundaries'];
    for (let i = 0; i < QUOTES.length; i++) {
      const at = document.getText().indexOf(QUOTES[i]);
      editor.selection = new vscode.Selection(document.positionAt(at), document.positionAt(at + QUOTES[i].length));
      const ids = await vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection', { uri: uri.toString(), codes: [codes[i]] });
      assert.equal(ids?.length, 1, `segment ${i + 1} coded`);
    }
    assert.equal(document.isDirty, false, 'coding does not change the text');

    const onText = async (expected: string[]) => {
      await eventually(async () => {
        const st = await state(uri);
        assert.deepEqual(st.segments.map((s) => s.status === 'orphan'), expected.map(() => false), `no segment is an orphan: ${JSON.stringify(st.segments)}`);
        assert.deepEqual(
          [...st.segments].sort((a, b) => codes.indexOf(a.codes[0]) - codes.indexOf(b.codes[0])).map((s) => s.text),
          expected,
        );
        assert.ok(!st.diagnostics.some((d) => /deleted|lost its place/i.test(d.message)), `no segment reported as lost: ${JSON.stringify(st.diagnostics)}`);
      }, 'the segments to stay on their text');
    };

    // 1. A paragraph inserted above every segment.
    const inserted = ORIGINAL.replace('Interviewer:', 'Observer: [OC: the interview took place in the staff room]\n\nInterviewer:');
    await rewriteOnDisk(uri, document, inserted);
    await onText(QUOTES);

    // 2. A word changed inside the second segment; the others are untouched.
    const reworded = inserted.replace('brokers a deal', 'brokers an agreement');
    await rewriteOnDisk(uri, document, reworded);
    await eventually(async () => {
      const st = await state(uri);
      const second = st.segments.find((s) => s.codes[0] === codes[1])!;
      assert.notEqual(second.status, 'orphan', 'the reworded segment is not taken for deleted');
      assert.ok(second.text?.startsWith('the network director steps in and brokers an'), `the reworded segment covers what is left of its text: “${second.text}”`);
      assert.deepEqual(st.segments.filter((s) => s !== second).map((s) => s.text).sort(), [QUOTES[0], QUOTES[2]].sort());
    }, 'the reworded segment to be found again');

    // 3. The old version restored (as `git checkout` of the file would).
    await rewriteOnDisk(uri, document, ORIGINAL);
    await onText(QUOTES);

    // 4. Type, save: the sidecar holds every segment on its text, none as an orphan.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'Draft: '));
    assert.ok(await document.save(), 'the document saved');
    await eventually(async () => {
      const saved = JSON.parse(await readText(fileUri(path + '.annotations.json'))) as { items: { target: { selector: { type: string; exact?: string }[] } }[] };
      const text = document.getText();
      assert.equal(saved.items.length, 3);
      for (const item of saved.items) {
        const types = item.target.selector.map((s) => s.type);
        assert.ok(types.includes('TextPositionSelector'), `saved with a position (not an orphan): ${JSON.stringify(item.target)}`);
        const exact = item.target.selector.find((s) => s.type === 'TextQuoteSelector')!.exact!;
        assert.ok(QUOTES.includes(exact) && text.includes(exact), `saved quote “${exact}” is one of the coded passages`);
      }
    }, 'the sidecar to be saved with every segment on its text');
  });

  it('follows a sidecar deleted on disk (a checkout of a branch without it) for a document opened from the index’s reading', async () => {
    const path = 'outside/deleted.md';
    const uri = fileUri(path);
    fs.mkdirSync(fileUri('outside').fsPath, { recursive: true });
    fs.writeFileSync(uri.fsPath, ORIGINAL);
    const text = new Text(ORIGINAL);
    const at = text.toCodePoint(ORIGINAL.indexOf(QUOTES[0]));
    const ann = createAnnotation(text, { start: at, end: at + QUOTES[0].length, codes: ['coordinating-activities'], creator: 'Ben', memo: 'Read by the index first' });
    fs.writeFileSync(fileUri(path + '.annotations.json').fsPath, serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d09', annotations: [ann] }, path));
    await eventually(async () => {
      const views = await (await testApi()).views();
      assert.ok(JSON.stringify(views.memos).includes('Read by the index first'));
    }, 'the index to read the sidecar');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await eventually(async () => assert.equal((await state(uri)).segments.length, 1), 'the coding to load');
    fs.rmSync(fileUri(path + '.annotations.json').fsPath);
    await eventually(async () => assert.equal((await state(uri)).segments.length, 0), 'the editor to follow the deletion');
  });
});
