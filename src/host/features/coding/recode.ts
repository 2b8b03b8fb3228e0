/** `qda.recode`: replaces one code of a segment by another. */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';
import { codeName, pickSegment, report, type SegmentArgs } from '../../common';

export async function recode(manager: CodingManager, args?: SegmentArgs & { from?: string; to?: string }): Promise<void> {
  await report(async () => {
    const picked = await pickSegment(manager, args, 'Recode which segment?');
    if (!picked) return;
    const { seg, document } = picked;
    const index = manager.folderOf(document.uri)?.codebook.index;
    let from = args?.from;
    if (!from) {
      if (seg.ann.codes.length === 1) from = seg.ann.codes[0];
      else from = (await vscode.window.showQuickPick(seg.ann.codes.map((c) => ({ label: codeName(index, c), code: c })), { placeHolder: 'Replace which code?' }))?.code;
    }
    if (!from) return;
    let to = args?.to;
    if (!to) {
      if (!index) throw new Error('There is no usable codebook to recode with.');
      const pick = await vscode.window.showQuickPick(
        index.codebook.codes.filter((c) => c.id !== from).map((c) => ({ label: c.name, description: index.stageOf(c.id)?.name, detail: c.definition, code: c.id })),
        { placeHolder: `Replace “${codeName(index, from)}” by…`, matchOnDescription: true, matchOnDetail: true },
      );
      to = pick?.code;
    }
    if (!to) return;
    if (index && !index.has(to)) throw new Error(`“${to}” is not in the codebook. Nothing was changed.`);
    await manager.recode(document, seg.ann.id, from, to);
  });
}
