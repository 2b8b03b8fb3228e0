/**
 * The Markdown structure of open documents (headings, sections, speaker turns, stage markers,
 * front matter), parsed once per document version and shared by every feature. Edits are queued
 * as they happen (no work on the keystroke path) and applied, merged into one change, re-parsing
 * only the blocks they touched, the next time a feature asks. Coding changes never cause a re-parse.
 */
import * as vscode from 'vscode';
import { updateStructure } from '../../../core/markdown/incremental';
import { parseStructure, type DocumentStructure } from '../../../core/markdown/structure';
import { mergeEdits } from '../../../core/text/changes';
import { LineIndex, normalizeText } from '../../../core/text/text';

interface Entry {
  version: number;
  /** Normalised (LF) text the structure was parsed from. */
  text: string;
  structure: DocumentStructure;
  /** Changes since, in document offsets; undefined when the next request must parse in full. */
  pending?: { offset: number; removed: number; inserted: string }[];
  lines?: LineIndex;
}

export class StructureService implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];
  /** How many full and incremental parses were done (for tests and benchmarks). */
  readonly stats = { full: 0, incremental: 0 };

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const entry = this.entries.get(e.document.uri.toString());
        if (!entry || e.contentChanges.length === 0) return;
        // With CRLF line ends, document offsets are not offsets of the normalised text: parse in full.
        if (e.document.eol === vscode.EndOfLine.CRLF || entry.pending === undefined) entry.pending = undefined;
        else for (const c of e.contentChanges) entry.pending.push({ offset: c.rangeOffset, removed: c.rangeLength, inserted: c.text });
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString())),
    );
  }

  /** The structure of the document's current version. */
  get(document: vscode.TextDocument): Readonly<Entry> {
    const key = document.uri.toString();
    let entry = this.entries.get(key);
    if (entry && entry.version === document.version) return entry;
    if (entry && entry.pending && entry.pending.length > 0 && !entry.pending.some((c) => /\r/.test(c.inserted))) {
      // Everything typed since the last parse, as one change: one incremental parse of the region.
      const c = mergeEdits(entry.text, entry.pending)!;
      const text = entry.text.slice(0, c.offset) + c.inserted + entry.text.slice(c.offset + c.removed);
      const structure = updateStructure(entry.structure, entry.text, c, text);
      this.stats.incremental++;
      if (text.length === document.getText().length) {
        entry = { version: document.version, text, structure, pending: [] };
        this.entries.set(key, entry);
        return entry;
      }
    }
    const text = normalizeText(document.getText());
    this.stats.full++;
    entry = { version: document.version, text, structure: parseStructure(text), pending: [] };
    this.entries.set(key, entry);
    return entry;
  }

  /** The line index of the normalised text of the document's current version (for convert.ts's normalised positions). */
  lines(document: vscode.TextDocument): LineIndex {
    const entry = this.get(document) as Entry;
    return (entry.lines ??= new LineIndex(entry.text));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
