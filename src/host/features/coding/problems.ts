/**
 * The Problems panel: sidecar files that could not be read (with their line), segments that lost
 * their text (orphans, with their quote and codes, and an action to re-attach one to the current
 * selection), segments re-attached approximately, and codes missing from the codebook.
 */
import * as vscode from 'vscode';
import { placementToCheck, shorten, sureness } from '../../../core/project';
import { isWholeDocument } from '../../../core/sidecar/format';
import type { CodedDocument } from '../../codedDocument';
import type { CodingManager } from '../../codingManager';
import { lineStart, rangeOf, toDiagnostic } from '../../convert';
import { KeyedDebounce } from '../../debounce';

const ORPHAN = 'orphaned-segment';

export class CodingProblems implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly manager: CodingManager) {
    this.disposables.push(
      manager.onDidChange(({ doc, reason }) => {
        if (reason !== 'edit') this.update(doc);
        // While typing, problems are brought up to date after a pause, not on every keystroke.
        else if (doc.orphans().length > 0 || this.shown.has(doc.document.uri.toString())) this.schedule(doc);
      }),
      vscode.languages.registerCodeActionsProvider({ language: 'markdown' }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    );
  }

  /** Documents that currently show coding problems. */
  private readonly shown = new Set<string>();
  private readonly debounce = new KeyedDebounce(300);

  private schedule(doc: CodedDocument): void {
    this.debounce.run(doc.document.uri.toString(), () => {
      if (!doc.document.isClosed) this.update(doc);
    });
  }

  update(doc: CodedDocument): void {
    const f = this.manager.folderOf(doc.document.uri);
    const index = f?.codebook.index;
    const sidecarUri = f?.store.uri(doc.sidecarPath);
    if (sidecarUri) this.manager.diagnostics.set(sidecarUri, doc.problems.map(toDiagnostic));
    const out: vscode.Diagnostic[] = [];
    const top = lineStart(0);
    for (const s of doc.segments) {
      if (isWholeDocument(s.ann)) continue;
      const codes = s.ann.codes.map((c) => index?.codes.get(c)?.name ?? c).join(', ') || 'no code';
      if (s.start === undefined || s.end === undefined) {
        const d = new vscode.Diagnostic(top, `Coded segment lost its text (${codes}): “${shorten(s.ann.exact, 80)}”. ${s.reason ?? ''} It is kept; select the passage and use the quick fix to re-attach it.`, vscode.DiagnosticSeverity.Warning);
        d.source = 'Orchestration QDA';
        d.code = { value: ORPHAN, target: (sidecarUri ?? doc.document.uri).with({ fragment: s.ann.id }) };
        out.push(d);
        continue;
      }
      const range = rangeOf(doc.document, s.start, s.end);
      const placement = { status: s.status, certainty: s.certainty ?? 'high', confidence: s.confidence ?? 1 };
      const check = placementToCheck(placement);
      if (check === 'approximate' || check === 'unsure') {
        const what = check === 'approximate' ? 're-attached approximately' : 'placed elsewhere, on its unchanged quote';
        const d = new vscode.Diagnostic(range, `Coded segment ${what}, with ${sureness(placement)} (${codes}): ${s.reason ?? ''}`, vscode.DiagnosticSeverity.Information);
        d.source = 'Orchestration QDA';
        out.push(d);
      }
      const unknown = index ? s.ann.codes.filter((c) => !index.has(c)) : [];
      if (unknown.length > 0) {
        const d = new vscode.Diagnostic(range, `Coded with ${unknown.map((c) => `“${c}”`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not in the codebook. The coding is kept; add the code to the codebook or recode the segment.`, vscode.DiagnosticSeverity.Warning);
        d.source = 'Orchestration QDA';
        out.push(d);
      }
    }
    this.manager.diagnostics.set(doc.document.uri, out);
    if (out.length > 0) this.shown.add(doc.document.uri.toString());
    else this.shown.delete(doc.document.uri.toString());
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const code = d.code as { value: string; target: vscode.Uri } | undefined;
      if (typeof code !== 'object' || code.value !== ORPHAN) continue;
      const id = code.target.fragment;
      const attach = new vscode.CodeAction('Re-attach this coded segment to the current selection', vscode.CodeActionKind.QuickFix);
      attach.command = { command: 'qda.reattachSegment', title: attach.title, arguments: [{ uri: document.uri.toString(), id }] };
      attach.diagnostics = [d];
      const remove = new vscode.CodeAction('Delete this orphaned coded segment', vscode.CodeActionKind.QuickFix);
      remove.command = { command: 'qda.removeCode', title: remove.title, arguments: [{ uri: document.uri.toString(), id }] };
      remove.diagnostics = [d];
      actions.push(attach, remove);
    }
    return actions;
  }

  dispose(): void {
    this.debounce.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
