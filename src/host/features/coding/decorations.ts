/**
 * Highlighting coded segments in the editor:
 * - a translucent background in each code's colour (or its stage's), with a solid underline that
 *   stays visible in high-contrast themes; overlapping and nested segments stack their colours;
 * - coding stripes in the gutter, in the spirit of MAXQDA: one bar per code covering the line,
 *   side by side, so overlaps stay distinguishable;
 * - a mark per code in the overview ruler;
 * - optional inline code labels at the end of each segment (setting `qda.inlineLabels`).
 * Decorations move with typing on their own (VS Code tracks them). Only an edit that reaches a
 * segment's start or end (where the coding's rules differ from the editor's tracking), removes a
 * segment or adds or removes a line has them drawn again, after a short debounce: highlights
 * follow typing without flicker, and typing elsewhere costs no redraw.
 */
import * as vscode from 'vscode';
import type { CodebookIndex } from '../../../core/codebook/codebook';
import type { CodedDocument, Segment } from '../../codedDocument';
import type { CodingManager } from '../../codingManager';
import { emptyRangeAt, lineStart, rangeOf, withAlpha } from '../../convert';
import { Debounce, KeyedDebounce } from '../../debounce';

/** What the editor shows for one document, as the last refresh set it (for tests and diagnostics). */
export interface DecorationSnapshot {
  uri: string;
  /** Code id → ranges as [startLine, startChar, endLine, endChar]. */
  highlights: Record<string, [number, number, number, number][]>;
  colours: Record<string, string>;
  /** Line → code ids striped in the gutter. */
  stripes: Record<number, string[]>;
  labels: { line: number; text: string }[];
  refreshedAt: number;
}

/** What one refresh drew for a document. */
interface Drawn {
  byCode: Map<string, vscode.Range[]>;
  colours: Map<string, string>;
  stripes: Map<number, string[]>;
  labels: vscode.DecorationOptions[];
  refreshedAt: number;
}

const MAX_STRIPES = 6;
/** Stripes are drawn this many lines above and below what is visible. */
const STRIPE_MARGIN_LINES = 200;
const EDIT_DEBOUNCE_MS = 150;

export class Decorations implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private codeTypes = new Map<string, { colour: string; type: vscode.TextEditorDecorationType }>();
  private stripeTypes = new Map<string, vscode.TextEditorDecorationType>();
  private readonly labelType = vscode.window.createTextEditorDecorationType({
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    after: { margin: '0 0 0 0.4em', fontStyle: 'normal' },
  });
  private readonly debounce = new KeyedDebounce(EDIT_DEBOUNCE_MS);
  private readonly scrolled = new Debounce(30);
  /** What the last refresh drew per document, kept as drawn; `snapshot` turns it into plain data on request. */
  private readonly drawn = new Map<string, Drawn>();

  constructor(
    private readonly manager: CodingManager,
    /** Codes whose highlights the user has hidden from the Codebook view. */
    private readonly hidden: () => ReadonlySet<string> = () => new Set(),
    onHiddenChange?: vscode.Event<void>,
  ) {
    this.disposables.push(this.labelType);
    if (onHiddenChange) this.disposables.push(onHiddenChange(() => this.refreshVisible()));
    this.disposables.push(
      manager.onDidChange(({ doc, reason, redraw }) => (reason !== 'edit' ? this.refreshDocument(doc) : redraw ? this.schedule(doc) : undefined)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshVisible()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qda.inlineLabels') || e.affectsConfiguration('qda.highlightOpacity')) {
          this.resetTypes();
          this.refreshVisible();
        }
      }),
      vscode.window.onDidChangeActiveColorTheme(() => this.refreshVisible()),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => {
        this.scrolled.run(() => this.drawStripes(e.textEditor));
      }),
    );
  }

  private schedule(doc: CodedDocument): void {
    this.debounce.run(doc.document.uri.toString(), () => this.refreshDocument(doc));
  }

  refreshVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const doc = this.manager.get(editor.document);
      if (doc) this.refresh(editor, doc);
      else void this.manager.ensure(editor.document);
    }
  }

  refreshDocument(doc: CodedDocument): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === doc.document) this.refresh(editor, doc);
  }

  private codeType(codeId: string, colour: string): vscode.TextEditorDecorationType {
    const have = this.codeTypes.get(codeId);
    if (have && have.colour === colour) return have.type;
    have?.type.dispose();
    const opacity = Math.min(1, Math.max(0.05, vscode.workspace.getConfiguration('qda').get<number>('highlightOpacity', 0.25)));
    const type = vscode.window.createTextEditorDecorationType({
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      borderRadius: '2px',
      borderStyle: 'none none solid none',
      borderWidth: '0 0 2px 0',
      borderColor: colour,
      overviewRulerColor: withAlpha(colour, 0xcc),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      light: { backgroundColor: withAlpha(colour, 255 * opacity) },
      dark: { backgroundColor: withAlpha(colour, 255 * Math.min(1, opacity * 1.4)) },
    });
    this.codeTypes.set(codeId, { colour, type });
    return type;
  }

  private stripeType(colours: string[]): vscode.TextEditorDecorationType {
    const key = colours.join(',');
    let type = this.stripeTypes.get(key);
    if (!type) {
      const bar = 3;
      const gap = 1;
      const width = colours.length * (bar + gap);
      const rects = colours.map((c, i) => `<rect x="${i * (bar + gap)}" y="0" width="${bar}" height="16" fill="${c}"/>`).join('');
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="16" viewBox="0 0 ${width} 16" preserveAspectRatio="none">${rects}</svg>`;
      type = vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.parse('data:image/svg+xml;base64,' + base64(svg)),
        gutterIconSize: 'contain',
      });
      this.stripeTypes.set(key, type);
    }
    return type;
  }

  /** Per editor: lines grouped by their combination of codes, from the last refresh. */
  private readonly stripeGroups = new WeakMap<vscode.TextEditor, Map<string, { colours: string[]; lines: number[] }>>();

  /**
   * Stripes are drawn for the lines in and around the visible part of the editor only (and again
   * when it scrolls): a long document has thousands of distinct combinations of codes, each a
   * decoration type of its own, and creating them all at once would delay the first highlight.
   */
  private drawStripes(editor: vscode.TextEditor): void {
    const groups = this.stripeGroups.get(editor);
    if (!groups) return;
    const margin = STRIPE_MARGIN_LINES;
    const visible = editor.visibleRanges.length > 0 ? editor.visibleRanges : [lineStart(0)];
    const near = (line: number) => visible.some((r) => line >= r.start.line - margin && line <= r.end.line + margin);
    const used = new Set<vscode.TextEditorDecorationType>();
    for (const g of groups.values()) {
      const lines = g.lines.filter(near);
      if (lines.length === 0) continue;
      const t = this.stripeType(g.colours);
      editor.setDecorations(t, lines.map(lineStart));
      used.add(t);
    }
    for (const t of this.stripeTypes.values()) if (!used.has(t)) editor.setDecorations(t, []);
  }

  private resetTypes(): void {
    for (const { type } of this.codeTypes.values()) type.dispose();
    for (const t of this.stripeTypes.values()) t.dispose();
    this.codeTypes.clear();
    this.stripeTypes.clear();
  }

  refresh(editor: vscode.TextEditor, doc: CodedDocument): void {
    const document = editor.document;
    const index = this.manager.folderOf(document.uri)?.codebook.index;
    const order = codeOrder(index);
    const byCode = new Map<string, vscode.Range[]>();
    const lines = new Map<number, Set<string>>();
    const labels: vscode.DecorationOptions[] = [];
    const showLabels = vscode.workspace.getConfiguration('qda', document.uri).get<boolean>('inlineLabels', false);
    const hidden = this.hidden();
    for (const s of doc.anchored()) {
      const visible = s.ann.codes.filter((c) => !hidden.has(c));
      if (visible.length === 0) continue;
      const range = rangeOf(document, s.start!, s.end!);
      for (const code of visible) {
        let list = byCode.get(code);
        if (!list) byCode.set(code, (list = []));
        list.push(range);
        for (let l = range.start.line; l <= range.end.line; l++) {
          if (l === range.end.line && range.end.character === 0 && l > range.start.line) break;
          let set = lines.get(l);
          if (!set) lines.set(l, (set = new Set()));
          set.add(code);
        }
      }
      if (showLabels) labels.push(labelFor(s, range, index));
    }
    const drawn: Drawn = { byCode, colours: new Map(), stripes: new Map(), labels, refreshedAt: 0 };
    // Highlights: every code type known gets its ranges (or none, to clear it).
    const used = new Set<string>();
    for (const [code, ranges] of byCode) {
      const colour = colourOf(code, index);
      editor.setDecorations(this.codeType(code, colour), ranges);
      used.add(code);
      drawn.colours.set(code, colour);
    }
    for (const [code, { type }] of this.codeTypes) if (!used.has(code)) editor.setDecorations(type, []);
    // Stripes: lines grouped by the ordered set of codes covering them (drawn near the viewport).
    const byKey = new Map<string, { colours: string[]; lines: number[] }>();
    for (const [line, set] of lines) {
      const codes = [...set].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b)).slice(0, MAX_STRIPES);
      const colours = codes.map((c) => colourOf(c, index));
      const key = colours.join(',');
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = { colours, lines: [] }));
      g.lines.push(line);
      drawn.stripes.set(line, codes);
    }
    this.stripeGroups.set(editor, byKey);
    this.drawStripes(editor);
    editor.setDecorations(this.labelType, labels);
    drawn.refreshedAt = Date.now(); // when everything is handed to the editor
    this.drawn.set(document.uri.toString(), drawn);
  }

  /** What the editor shows for a document, as the last refresh set it (tests and diagnostics). */
  snapshot(uri: string): DecorationSnapshot | undefined {
    const d = this.drawn.get(uri);
    if (!d) return undefined;
    const snapshot: DecorationSnapshot = { uri, highlights: {}, colours: Object.fromEntries(d.colours), stripes: Object.fromEntries(d.stripes), labels: [], refreshedAt: d.refreshedAt };
    for (const [code, ranges] of d.byCode) snapshot.highlights[code] = ranges.map((r) => [r.start.line, r.start.character, r.end.line, r.end.character]);
    snapshot.labels = d.labels.map((l) => ({ line: l.range.end.line, text: l.renderOptions?.after?.contentText ?? '' }));
    return snapshot;
  }

  /** How many highlight ranges the last refresh of a document drew, and when. */
  drawnCount(uri: string): { highlightRanges: number; refreshedAt: number } | undefined {
    const d = this.drawn.get(uri);
    if (!d) return undefined;
    let n = 0;
    for (const ranges of d.byCode.values()) n += ranges.length;
    return { highlightRanges: n, refreshedAt: d.refreshedAt };
  }

  dispose(): void {
    this.debounce.dispose();
    this.scrolled.dispose();
    this.resetTypes();
    for (const d of this.disposables) d.dispose();
  }
}

function codeOrder(index: CodebookIndex | undefined): Map<string, number> {
  return new Map((index?.codebook.codes ?? []).map((c, i) => [c.id, i]));
}

/** Unknown codes (not in the codebook) are shown in grey, so nothing coded disappears from view. */
export function colourOf(code: string, index: CodebookIndex | undefined): string {
  return index?.has(code) ? index.colourOf(code) : '#808080';
}

function labelFor(s: Segment, range: vscode.Range, index: CodebookIndex | undefined): vscode.DecorationOptions {
  const names = s.ann.codes.map((c) => index?.codes.get(c)?.name ?? c);
  const colour = colourOf(s.ann.codes[0] ?? '', index);
  return {
    range: emptyRangeAt(range.end),
    renderOptions: { after: { contentText: `⟨${names.join(', ')}⟩`, color: colour, fontStyle: 'italic' } },
  };
}

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
