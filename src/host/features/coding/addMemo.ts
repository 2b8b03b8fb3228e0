/** `qda.addMemo`: writes or edits the memo of the segment at the cursor (or given by id). */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';
import { pickSegment, report, segmentLabel, type SegmentArgs } from '../../common';

export async function addMemo(manager: CodingManager, args?: SegmentArgs & { memo?: string }): Promise<void> {
  await report(async () => {
    const picked = await pickSegment(manager, args, 'Memo on which segment?');
    if (!picked) return;
    const { seg, document } = picked;
    const memo =
      args?.memo ??
      (await vscode.window.showInputBox({
        title: `Memo on ${segmentLabel(seg)}`,
        prompt: 'Markdown is kept as written. Leave empty to remove the memo.',
        value: seg.ann.memo ?? '',
      }));
    if (memo === undefined) return;
    await manager.setMemo(document, seg.ann.id, memo);
  });
}
