/** `qda.reattachSegment`: attaches a segment (usually an orphan) to the current selection. */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';
import { selectedRanges } from './codeSelection';
import { report, targetEditor, type SegmentArgs } from '../../common';

export async function reattachSegment(manager: CodingManager, args?: SegmentArgs): Promise<void> {
  await report(async () => {
    const editor = targetEditor(args?.uri);
    if (!editor || !args?.id) {
      void vscode.window.showInformationMessage('Use this from an orphaned segment in the Problems panel, with the passage selected.');
      return;
    }
    const [range] = selectedRanges(editor);
    if (!range) {
      void vscode.window.showInformationMessage('Select the passage to attach the segment to, then run this again.');
      return;
    }
    await manager.reattach(editor.document, args.id, range[0], range[1]);
  });
}
