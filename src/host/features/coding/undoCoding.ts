/** `qda.undoCoding` / `qda.redoCoding`: undo and redo of coding actions (see ../undo.ts). */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';
import { report } from '../../common';

export async function undoCoding(manager: CodingManager, redo: boolean): Promise<string | undefined> {
  return report(async () => {
    const editor = vscode.window.activeTextEditor;
    const doc = editor ? manager.get(editor.document) : undefined;
    if (!doc) return undefined;
    const label = redo ? await manager.undo.redo(doc) : await manager.undo.undo(doc);
    if (label) vscode.window.setStatusBarMessage(`${redo ? 'Redid' : 'Undid'}: ${label}`, 3000);
    else vscode.window.setStatusBarMessage(`Nothing to ${redo ? 'redo' : 'undo'} in the coding of this document.`, 3000);
    return label;
  });
}
