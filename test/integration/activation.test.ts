// Runs inside a real VS Code extension host (see test/integration/run.mjs), on a fresh copy of
// test/fixtures/workspace/.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'orchestration-qda.orchestration-qda';

// The fixture's exact text (test/fixtures/workspace/interview.md).
const INTERVIEW_LINES = [
  '# Interview 1: Allotment gardening',
  '',
  'Interviewer: How did you start gardening on the allotment?',
  'P1: My neighbour gave me her plot when she moved away, about six years ago.',
  'Interviewer: What keeps you coming back?',
  'P1: Honestly, the quiet. And the tomatoes, when the slugs leave me any.',
];

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests must run with the fixture workspace open');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Extension activation', () => {
  it('is installed under its publisher.name id', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not present`);
    assert.equal(extension.id, EXTENSION_ID);
    assert.equal(extension.packageJSON.name, 'orchestration-qda');
    assert.equal(extension.packageJSON.publisher, 'orchestration-qda');
    assert.equal(extension.packageJSON.main, './dist/extension.js');
  });

  it('is not active before a Markdown file is opened (no codebook.json in the fixture)', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    assert.equal(extension.isActive, false, 'activated before any Markdown file was opened');
  });

  it('activates when a Markdown file from the workspace is opened', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);

    const document = await vscode.workspace.openTextDocument(workspaceFile('interview.md'));
    const editor = await vscode.window.showTextDocument(document);
    assert.equal(editor.document.uri.toString(), document.uri.toString());
    assert.equal(document.languageId, 'markdown');

    // onLanguage:markdown activation is asynchronous once the document is open.
    await waitFor(() => extension.isActive, `${EXTENSION_ID} to activate`);
    assert.equal(extension.isActive, true);
  });
});

describe('Markdown transcript in the workspace', () => {
  it('opens with the fixture text', async () => {
    const uri = workspaceFile('interview.md');
    const document = await vscode.workspace.openTextDocument(uri);

    assert.equal(document.languageId, 'markdown');
    assert.equal(document.isDirty, false);
    assert.equal(document.lineCount, INTERVIEW_LINES.length + 1, 'six lines and a final newline');
    assert.equal(document.getText(), INTERVIEW_LINES.join('\n') + '\n');
    assert.equal(document.lineAt(2).text, 'Interviewer: How did you start gardening on the allotment?');

    // What the editor shows is what is on disk.
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.equal(document.getText(), onDisk);
  });

  it('has the speaker labels where the transcript puts them', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('interview.md'));
    const speakers: string[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      const match = /^([A-Za-z0-9]+):\s/.exec(document.lineAt(line).text);
      if (match) speakers.push(`${line}:${match[1]}`);
    }
    assert.deepEqual(speakers, ['2:Interviewer', '3:P1', '4:Interviewer', '5:P1']);
  });
});
