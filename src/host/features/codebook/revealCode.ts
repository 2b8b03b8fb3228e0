/** `qda.revealCode`: shows a code's entry in the codebook file. */
import * as vscode from 'vscode';
import { emptyRangeAt, positionOf } from '../../convert';
import type { CodingManager } from '../../codingManager';
import { report } from '../../common';

export async function revealCode(manager: CodingManager, args?: { uri?: string; code?: string }): Promise<void> {
  await report(async () => {
    const uri = args?.uri ? vscode.Uri.parse(args.uri) : vscode.window.activeTextEditor?.document.uri;
    const folder = uri ? manager.folderOf(uri) : manager.allFolders()[0];
    if (!folder?.codebook.exists) throw new Error('There is no codebook in this folder.');
    const doc = await vscode.workspace.openTextDocument(folder.codebook.uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: true });
    if (args?.code) {
      const i = doc.getText().indexOf(`"id": ${JSON.stringify(args.code)}`);
      if (i !== -1) {
        const pos = positionOf(doc, i);
        editor.selection = new vscode.Selection(pos, pos);
        editor.revealRange(emptyRangeAt(pos), vscode.TextEditorRevealType.InCenter);
      }
    }
  });
}
