/**
 * The one place where the core's units meet VS Code's. The sidecar counts code points over text
 * with LF line ends; a VS Code document counts UTF-16 units with its own line ends (LF or CRLF,
 * never mixed). While the user types, the editor keeps segment positions as document offsets
 * (cheap: VS Code reports changes in them); conversions happen when loading and saving.
 */
import * as vscode from 'vscode';
import type { Problem } from '../core/problems';
import { LineIndex, Text } from '../core/text/text';

/** Converts between a document's offsets and code points over its normalised text, for one version of it. */
export class DocumentMapper {
  readonly text: Text;
  private readonly crlf: boolean;
  /** Lines of the normalised text, built only for CRLF documents. */
  private lines?: LineIndex;

  /** `text`: the document's text as a Text, when the caller has it already. */
  constructor(readonly document: vscode.TextDocument, text?: Text) {
    this.text = text ?? Text.fromRaw(document.getText());
    this.crlf = document.eol === vscode.EndOfLine.CRLF;
  }

  /** Document offset of a code-point offset. */
  toDocumentOffset(cp: number): number {
    const u16 = this.text.toUtf16(cp);
    return this.crlf ? u16 + (this.lines ??= new LineIndex(this.text.text)).lineOf(u16) : u16;
  }

  /** Code-point offset of a document offset. */
  toCodePoint(docOffset: number): number {
    const u16 = this.crlf ? docOffset - this.document.positionAt(docOffset).line : docOffset;
    return this.text.toCodePoint(u16);
  }
}

/** The editor position of a document offset. */
export function positionOf(document: vscode.TextDocument, offset: number): vscode.Position {
  return document.positionAt(offset);
}

/** The editor range between two document offsets. */
export function rangeOf(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}

/** The empty range at a position (where a label, a cursor or a reveal goes). */
export function emptyRangeAt(position: vscode.Position): vscode.Range {
  return new vscode.Range(position, position);
}

/** The empty range at the start of a 0-based line (gutter stripes, problems of the whole document). */
export function lineStart(line: number): vscode.Range {
  return new vscode.Range(line, 0, line, 0);
}

/**
 * Positions of UTF-16 offsets in a document's normalised text (LF line ends, as the core parses its
 * structure): the same line and column in a CRLF document. `lines`: the normalised text's line
 * index, asked for only for CRLF documents (the caller keeps it, one per document version, so the
 * outline of a 1 MB document is converted without a scan per position).
 */
export function normalizedPositionOf(document: vscode.TextDocument, offset: number, lines: () => LineIndex): vscode.Position {
  if (document.eol === vscode.EndOfLine.LF) return document.positionAt(offset);
  const { line, character } = lines().position(offset);
  return new vscode.Position(line, character);
}

/** The editor range between two offsets in the document's normalised text (see normalizedPositionOf). */
export function normalizedRangeOf(document: vscode.TextDocument, start: number, end: number, lines: () => LineIndex): vscode.Range {
  return new vscode.Range(normalizedPositionOf(document, start, lines), normalizedPositionOf(document, end, lines));
}

/** The offset in the document's normalised (LF) text of a document offset. */
export function normalizedOffsetOf(document: vscode.TextDocument, docOffset: number): number {
  return document.eol === vscode.EndOfLine.LF ? docOffset : docOffset - document.positionAt(docOffset).line;
}

export function toDiagnostic(p: Problem): vscode.Diagnostic {
  const line = Math.max(0, (p.line ?? 1) - 1);
  const col = Math.max(0, (p.column ?? 1) - 1);
  const d = new vscode.Diagnostic(new vscode.Range(line, col, line, col + 1), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = 'Orchestration QDA';
  return d;
}

/** "#rrggbb" plus an alpha in 0–255 as "#rrggbbaa". */
export function withAlpha(hex: string, alpha: number): string {
  return hex + Math.round(alpha).toString(16).padStart(2, '0');
}
