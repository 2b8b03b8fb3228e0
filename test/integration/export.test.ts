// Runs inside a real VS Code: exporting coded segments with memos to CSV.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'orchestration-qda.orchestration-qda';
const AUDIT = 'We put the audit figures in front of the board';
const WAITING_TIMES = 'I showed them the waiting-time figures from the last three years';

describe('Exporting coded segments', () => {
  it('writes a CSV with a row per segment and code, memos and case attributes included', async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    // The codebook exists once the coding tests have created it; make sure of it here too.
    const codebook = vscode.Uri.joinPath(folder.uri, 'codebook.json');
    try {
      await vscode.workspace.fs.stat(codebook);
    } catch {
      await vscode.commands.executeCommand('qda.createCodebook', { template: 'network-orchestration', folder: folder.uri.toString() });
    }
    const target = vscode.Uri.joinPath(folder.uri, 'exports', 'segments.csv');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder.uri, 'exports'));
    let csv = '';
    const deadline = Date.now() + 15000;
    // The index fills in the background: export until the panel fixture's segments are in.
    while (!csv.includes(WAITING_TIMES) && Date.now() < deadline) {
      const written = await vscode.commands.executeCommand<string>('qda.exportSegments', { target: target.toString() });
      assert.equal(written, target.toString());
      // ignoreBOM keeps the byte-order mark (written so spreadsheets read UTF-8) in the text.
      csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await vscode.workspace.fs.readFile(target));
      if (!csv.includes(WAITING_TIMES)) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(csv.startsWith('\uFEFFdocument,segment id,code id,code,code path,stage,quote,start,end,memo,coder,created'), csv.slice(0, 200));
    const lines = csv.split('\r\n');
    const audit = lines.find((l) => l.includes(AUDIT));
    assert.ok(audit, 'the consultant’s audit passage is exported');
    assert.match(audit!, /^panel\/harbour-consultant\.md,urn:uuid:/);
    assert.match(audit!, /strategic-use-of-evidence,Strategic use of evidence/);
    const header = lines[0].split(',');
    assert.ok(header.includes('attribute: site'), lines[0]);
    const manager = lines.find((l) => l.includes(WAITING_TIMES))!;
    assert.ok(manager.includes('Evidence as persuasion: compare the audit figures at Harbour.'), 'the segment memo is exported with it');
  });
});
