/**
 * The `qda.segmentAtCursor` context key: true while the cursor of the active editor is inside a
 * coded segment, so that "Remove Code from Segment…", "Recode Segment…" and "Add or Edit Segment
 * Memo…" are offered in the editor's context menu only where there is a segment to act on.
 */
import * as vscode from 'vscode';
import type { CodingManager } from '../../codingManager';

export class SegmentContext implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The value last given to the context key. */
  value = false;

  constructor(private readonly manager: CodingManager) {
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.update();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      manager.onDidChange((c) => {
        if (c.doc.document === vscode.window.activeTextEditor?.document) this.update();
      }),
    );
    this.update();
  }

  private update(): void {
    const editor = vscode.window.activeTextEditor;
    const doc = editor ? this.manager.get(editor.document) : undefined;
    let on = false;
    if (editor && doc) {
      const at = editor.document.offsetAt(editor.selection.active);
      on = doc.segments.some((s) => s.start !== undefined && s.end !== undefined && s.start <= at && at <= s.end);
    }
    if (on === this.value) return;
    this.value = on;
    void vscode.commands.executeCommand('setContext', 'qda.segmentAtCursor', on);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
