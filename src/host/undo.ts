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
import { CodingHistory, type HistoryEntry } from '../core/coding/history';
import type { CodedDocument, Segment } from './codedDocument';

type Entry = HistoryEntry<Segment>;

/** Puts the segments an entry concerns back as one side of it (and writes the sidecar). */
export type ApplySegments = (doc: CodedDocument, ids: Set<string>, segments: Segment[]) => Promise<void>;

/** What the editor needs of the coding: the coded document of an editor. */
export type CodedDocumentOf = (document: vscode.TextDocument) => CodedDocument | undefined;

export class CodingUndo implements vscode.Disposable {
  private readonly histories = new Map<CodedDocument, CodingHistory<Segment>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly apply: ApplySegments,
    private readonly codedDocumentOf: CodedDocumentOf,
  ) {
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
  }

  private history(doc: CodedDocument): CodingHistory<Segment> {
    let h = this.histories.get(doc);
    if (!h) {
      h = new CodingHistory<Segment>();
      this.histories.set(doc, h);
    }
    return h;
  }

  // Segments kept for undo move with the text like live ones.
  private follow(doc: CodedDocument, e: Entry): void {
    doc.followers.add(e.before);
    doc.followers.add(e.after);
  }
  private unfollow(doc: CodedDocument, e: Entry): void {
    doc.followers.delete(e.before);
    doc.followers.delete(e.after);
  }

  record(doc: CodedDocument, label: string, before: Segment[], after: Segment[]): void {
    const e = { label, before, after };
    this.follow(doc, e);
    for (const dropped of this.history(doc).record(e)) this.unfollow(doc, dropped);
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
    for (const e of h.entries()) this.unfollow(doc, e);
    this.histories.delete(doc);
    this.updateContext();
  }

  /** Undoes the document's last coding action; returns its label, or undefined when there is none. */
  async undo(doc: CodedDocument): Promise<string | undefined> {
    return this.step(doc, 'undo');
  }

  async redo(doc: CodedDocument): Promise<string | undefined> {
    return this.step(doc, 'redo');
  }

  private async step(doc: CodedDocument, which: 'undo' | 'redo'): Promise<string | undefined> {
    const h = this.history(doc);
    const e = which === 'undo' ? h.undo() : h.redo();
    if (!e) return undefined;
    try {
      await this.apply(doc, ids(e), which === 'undo' ? e.before : e.after);
    } catch (err) {
      h.restore(e, which);
      throw err;
    } finally {
      this.updateContext();
    }
    return e.label;
  }

  private updateContext(): void {
    const editor = vscode.window.activeTextEditor;
    const doc = editor ? this.codedDocumentOf(editor.document) : undefined;
    const h = doc ? this.histories.get(doc) : undefined;
    void vscode.commands.executeCommand('setContext', 'qda.codingUndoAvailable', !!h && h.codingLast && h.canUndo);
    void vscode.commands.executeCommand('setContext', 'qda.codingRedoAvailable', !!h && h.codingLast && h.canRedo);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function ids(e: Entry): Set<string> {
  return new Set([...e.before, ...e.after].map((s) => s.ann.id));
}
