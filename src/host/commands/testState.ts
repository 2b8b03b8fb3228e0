/**
 * `qda.test.state`: what the editor shows for a document (segments, highlights, stripes, labels,
 * problems), as plain data. Used by the integration tests; harmless for users, hidden from the palette.
 */
import * as vscode from 'vscode';
import type { CodingManager } from '../codingManager';
import type { Decorations } from '../decorations';
import { targetDocument } from './common';

export async function testState(manager: CodingManager, decorations: Decorations, args?: { uri?: string }) {
  const document = await targetDocument(args?.uri);
  if (!document) return undefined;
  const doc = await manager.ensure(document);
  if (!doc) return undefined;
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  if (editor) decorations.refresh(editor, doc);
  return {
    path: doc.path,
    readOnly: doc.readOnly,
    problems: doc.problems,
    segments: doc.segments.map((s) => ({
      id: s.ann.id,
      codes: [...s.ann.codes],
      memo: s.ann.memo,
      creator: s.ann.creator,
      status: s.status,
      start: s.start,
      end: s.end,
      text: s.start !== undefined ? document.getText().slice(s.start, s.end) : undefined,
      quote: s.ann.exact,
    })),
    decorations: decorations.snapshots.get(document.uri.toString()),
    diagnostics: vscode.languages.getDiagnostics(document.uri).map((d) => ({ message: d.message, severity: d.severity, line: d.range.start.line })),
  };
}
