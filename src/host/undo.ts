/**
 * Undo and redo of coding actions (apply, remove, recode, memo, re-attach), per document.
 *
 * VS Code's editor undo stack holds only text edits, so coding has its own history. Right after a
 * coding action, Ctrl+Z (Cmd+Z) undoes it and Ctrl+Shift+Z / Ctrl+Y redoes it: the context key
 * `qda.codingUndoAvailable` routes those keys here until the user types in the document, when they
 * go back to the editor. "Undo Last Coding Action" in the palette works at any time. Segments kept
 * for undo move with the text like live ones.
 */
import * as vscode from 'vscode';
import type { CodedDocument, Segment } from './codedDocument';
import type { CodingManager } from './codingManager';

interface Entry {
  label: string;
  before: Segment[];
  after: Segment[];
}

interface History {
  undo: Entry[];
  redo: Entry[];
  /** True while the last thing done in the document was a coding action (not typing). */
  codingLast: boolean;
}

const LIMIT = 100;

export class CodingUndo implements vscode.Disposable {
  private readonly histories = new Map<CodedDocument, History>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly manager: CodingManager) {
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
  }

  private history(doc: CodedDocument): History {
    let h = this.histories.get(doc);
    if (!h) {
      h = { undo: [], redo: [], codingLast: false };
      this.histories.set(doc, h);
    }
    return h;
  }

  private follow(doc: CodedDocument, e: Entry): void {
    doc.followers.add(e.before);
    doc.followers.add(e.after);
  }
  private unfollow(doc: CodedDocument, e: Entry): void {
    doc.followers.delete(e.before);
    doc.followers.delete(e.after);
  }

  record(doc: CodedDocument, label: string, before: Segment[], after: Segment[]): void {
    const h = this.history(doc);
    const e = { label, before, after };
    h.undo.push(e);
    this.follow(doc, e);
    while (h.undo.length > LIMIT) this.unfollow(doc, h.undo.shift()!);
    for (const r of h.redo) this.unfollow(doc, r);
    h.redo = [];
    h.codingLast = true;
    this.updateContext();
  }

  textEdited(doc: CodedDocument): void {
    const h = this.histories.get(doc);
    if (h?.codingLast) {
      h.codingLast = false;
      this.updateContext();
    }
  }

  forget(doc: CodedDocument): void {
    const h = this.histories.get(doc);
    if (!h) return;
    for (const e of [...h.undo, ...h.redo]) this.unfollow(doc, e);
    this.histories.delete(doc);
    this.updateContext();
  }

  /** Undoes the document's last coding action; returns its label, or undefined when there is none. */
  async undo(doc: CodedDocument): Promise<string | undefined> {
    const h = this.history(doc);
    const e = h.undo.pop();
    if (!e) return undefined;
    await this.manager.replaceSegments(doc, ids(e), e.before);
    h.redo.push(e);
    h.codingLast = true;
    this.updateContext();
    return e.label;
  }

  async redo(doc: CodedDocument): Promise<string | undefined> {
    const h = this.history(doc);
    const e = h.redo.pop();
    if (!e) return undefined;
    await this.manager.replaceSegments(doc, ids(e), e.after);
    h.undo.push(e);
    h.codingLast = true;
    this.updateContext();
    return e.label;
  }

  private updateContext(): void {
    const editor = vscode.window.activeTextEditor;
    const doc = editor ? this.manager.get(editor.document) : undefined;
    const h = doc ? this.histories.get(doc) : undefined;
    void vscode.commands.executeCommand('setContext', 'qda.codingUndoAvailable', !!h && h.codingLast && h.undo.length > 0);
    void vscode.commands.executeCommand('setContext', 'qda.codingRedoAvailable', !!h && h.codingLast && h.redo.length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function ids(e: Entry): Set<string> {
  return new Set([...e.before, ...e.after].map((s) => s.ann.id));
}
