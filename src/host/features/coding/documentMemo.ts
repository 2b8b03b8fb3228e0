/** `qda.documentMemo`: writes or edits the memo on the whole document in the active editor. */
import * as vscode from 'vscode';
import { isWholeDocument } from '../../../core/sidecar/format';
import type { CodingManager } from '../../codingManager';
import { report, targetDocument } from '../../common';

export async function documentMemo(manager: CodingManager, args?: { uri?: string; memo?: string }): Promise<void> {
  await report(async () => {
    const document = await targetDocument(args?.uri);
    if (!document) {
      void vscode.window.showInformationMessage('Open the document to write a memo on.');
      return;
    }
    const doc = await manager.ensure(document);
    if (!doc) throw new Error('Only Markdown documents inside the open folder can have memos.');
    const current = doc.segments.find((s) => isWholeDocument(s.ann))?.ann.memo ?? '';
    const memo = args?.memo ?? (await vscode.window.showInputBox({ title: `Memo on ${doc.path}`, value: current, prompt: 'Markdown is kept as written. Leave empty to remove the memo.' }));
    if (memo === undefined) return;
    await manager.setDocumentMemo(document, memo);
  });
}
