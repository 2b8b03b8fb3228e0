/** `qda.nextSegment` / `qda.previousSegment`: jump to and select the next or previous coded segment, wrapping around. */
import * as vscode from 'vscode';
import { rangeOf } from '../../convert';
import type { CodingManager } from '../../codingManager';

export async function gotoSegment(manager: CodingManager, direction: 1 | -1): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const doc = await manager.ensure(editor.document);
  const segs = (doc?.anchored() ?? []).slice().sort((a, b) => a.start! - b.start! || a.end! - b.end!);
  if (segs.length === 0) {
    void vscode.window.showInformationMessage('This document has no coded segments.');
    return;
  }
  const here = editor.document.offsetAt(editor.selection.start);
  const hereEnd = editor.document.offsetAt(editor.selection.end);
  const next =
    direction === 1
      ? (segs.find((s) => s.start! > here || (s.start === here && s.end! > hereEnd)) ?? segs[0])
      : ([...segs].reverse().find((s) => s.start! < here || (s.start === here && s.end! < hereEnd)) ?? segs[segs.length - 1]);
  const range = rangeOf(editor.document, next.start!, next.end!);
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
