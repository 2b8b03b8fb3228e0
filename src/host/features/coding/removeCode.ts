/** `qda.removeCode`: removes codes from the segment at the cursor (or given by id). */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';
import { codeName, pickSegment, report, segmentLabel, type SegmentArgs } from '../../common';

export async function removeCode(manager: CodingManager, args?: SegmentArgs & { codes?: string[] }): Promise<void> {
  await report(async () => {
    const picked = await pickSegment(manager, args, 'Which segment?');
    if (!picked) return;
    const { seg, document } = picked;
    const index = manager.folderOf(document.uri)?.codebook.index;
    let codes = args?.codes;
    if (!codes) {
      if (seg.ann.codes.length <= 1) codes = seg.ann.codes;
      else {
        const pick = await vscode.window.showQuickPick(
          seg.ann.codes.map((c) => ({ label: codeName(index, c), code: c })),
          { canPickMany: true, placeHolder: `Remove which codes from ${segmentLabel(seg)}?` },
        );
        if (!pick || pick.length === 0) return;
        codes = pick.map((p) => p.code);
      }
    }
    await manager.removeCodes(document, seg.ann.id, codes);
    vscode.window.setStatusBarMessage(`Removed ${codes.map((c) => codeName(index, c)).join(', ')} from ${segmentLabel(seg)}. Undo with Ctrl+Z.`, 5000);
  });
}
