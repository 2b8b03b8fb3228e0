// Runs inside a real VS Code: while typing, the editor moves the highlights itself; the extension
// draws them again only when an edit reaches a segment's start or end, or adds or removes a line,
// where the editor's own tracking and the coding's rules could part.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateWithCodebook, eventually, fileUri, sleep, testApi, writeText } from './helpers';

interface Drawn {
  loaded: boolean;
  segments: number;
  refreshedAt?: number;
  highlightRanges: number;
}
interface State {
  segments: { codes: string[]; text?: string }[];
}

const drawn = async (uri: vscode.Uri) => (await (await testApi()).decorations({ uri: uri.toString() })) as Drawn;
const state = async (uri: vscode.Uri) => (await (await testApi()).state({ uri: uri.toString() })) as State;
/** Longer than the extension's redraw delay after typing. */
const AFTER_REDRAW_MS = 600;

describe('Typing in a coded document', () => {
  before(activateWithCodebook);

  it('leaves the highlights to the editor inside and around a segment, and redraws at its edges and on new lines', async () => {
    const uri = fileUri('typing/board.md');
    const quote = 'the board agreed to share the audit figures';
    await writeText(uri, `# Board\n\nChair: After a long debate ${quote} with every spoke.\n\nSecretary: Minutes to follow.\n`);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const at = editor.document.getText().indexOf(quote);
    editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + quote.length));
    await vscode.commands.executeCommand('qda.codeSelection', { codes: ['forging-shared-values'] });
    const first = await eventually(async () => {
      const d = await drawn(uri);
      assert.equal(d.highlightRanges, 1);
      return d.refreshedAt!;
    }, 'the coded passage to be highlighted');

    // Inside the passage, and well before it: no redraw.
    const type = async (offset: number, text: string) => {
      const p = editor.document.positionAt(offset);
      assert.ok(await editor.edit((b) => b.insert(p, text)));
    };
    await type(at + 10, 'XX');
    await type(at - 12, 'Y');
    await sleep(AFTER_REDRAW_MS);
    assert.equal((await drawn(uri)).refreshedAt, first, 'not redrawn after typing inside and before the passage');

    // At the end of the passage (the coding does not grow there; the editor's tracking would): redrawn.
    const end = editor.document.getText().indexOf(' with every spoke');
    await type(end, 'Z');
    const second = await eventually(async () => {
      const d = await drawn(uri);
      assert.ok(d.refreshedAt! > first, 'redrawn after typing at the end of the passage');
      return d.refreshedAt!;
    }, 'a redraw after typing at the edge');

    // A new line inside the passage: redrawn (the stripes cover one more line).
    await type(editor.document.getText().indexOf('share the audit'), '\n');
    await eventually(async () => assert.ok((await drawn(uri)).refreshedAt! > second), 'a redraw after a new line');

    // What the coding says after all this: grown by what was typed inside, not by what was typed at its end.
    const s = await state(uri);
    assert.equal(s.segments.length, 1);
    assert.equal(s.segments[0].text, 'the board XXagreed to \nshare the audit figures');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('builds the stage outline once typing pauses, with what was typed', async () => {
    const uri = fileUri('typing/outline.md');
    await writeText(uri, '# Field notes\n\n## Morning huddle\n\nThe coordinator reads the list.\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(5, 0), '\n## Handover to the night team\n')));
    const t0 = Date.now();
    const symbols = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
    const waited = Date.now() - t0;
    // The stage groups (this provider's top level), with the new section in one of them.
    const groups = symbols.filter((s) => s.kind === vscode.SymbolKind.Namespace);
    const names = (list: readonly vscode.DocumentSymbol[]): string[] => list.flatMap((s) => [s.name, ...names(s.children)]);
    assert.ok(groups.length > 0, 'the stage outline is there');
    assert.ok(names(groups).some((n) => n.includes('Handover to the night team')), `the typed section is in the stage outline: ${names(groups).join(' | ')}`);
    assert.ok(waited >= 250, `built after a pause in typing (${waited} ms after the edit)`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
