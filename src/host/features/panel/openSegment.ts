/** `qda.openSegment`: opens a document at a coded segment, selects it and flashes it briefly. */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';
import { DocumentMapper, rangeOf } from '../../convert';
import { report } from '../../common';

export interface OpenSegmentArgs {
  folder: string;
  document: string;
  id?: string;
  /** Code points, as in the sidecar. */
  start?: number;
  end?: number;
}

const flash = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
  border: '1px solid',
  borderColor: new vscode.ThemeColor('focusBorder'),
});

export async function openSegment(manager: CodingManager, args: OpenSegmentArgs): Promise<vscode.Range | undefined> {
  return report(async () => {
    const folder = manager.allFolders().find((f) => f.folder.uri.toString() === args.folder);
    if (!folder) throw new Error('That folder is no longer open.');
    const document = await vscode.workspace.openTextDocument(folder.store.uri(args.document));
    const editor = await vscode.window.showTextDocument(document, { preview: true });
    const doc = await manager.ensure(document);
    // The live segment knows where the passage is now, even with unsaved edits.
    const live = args.id ? doc?.byId(args.id) : undefined;
    let start: number | undefined;
    let end: number | undefined;
    if (live?.start !== undefined && live.end !== undefined) {
      start = live.start;
      end = live.end;
    } else if (args.start !== undefined && args.end !== undefined) {
      const mapper = new DocumentMapper(document);
      start = mapper.toDocumentOffset(Math.min(args.start, mapper.text.length));
      end = mapper.toDocumentOffset(Math.min(args.end, mapper.text.length));
    }
    if (start === undefined || end === undefined) {
      void vscode.window.showWarningMessage('This coded segment lost its place in the document (see the Problems panel to re-attach it).');
      return undefined;
    }
    const range = rangeOf(document, start, end);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.setDecorations(flash, [range]);
    setTimeout(() => editor.setDecorations(flash, []), 1200);
    return range;
  });
}
