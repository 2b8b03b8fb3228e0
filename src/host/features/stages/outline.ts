/**
 * The stage outline of a transcript or field notes, as a DocumentSymbolProvider (so the Outline
 * view, breadcrumbs and Go to Symbol show it): the codebook's stages in order, then the sections,
 * speaker turns and marked passages (the plain paragraphs a stage marker opens, named by their
 * first words) placed in each, then the coded segments ("code: first words of the quote"), and a
 * "No stage" group last (its sections only, when the document has headings). Each item's detail says why it is where it is. Documents in
 * folders without a codebook get no stage outline (the ordinary Markdown outline stays).
 */
import * as vscode from 'vscode';
import { buildOutline, type Outline, type OutlineItem } from '../../../core/markdown/outline';
import type { CodedSegment } from '../../../core/markdown/stages';
import type { CodingManager } from '../../codingManager';
import { Debounce } from '../../debounce';
import { emptyRangeAt, normalizedOffsetOf, normalizedRangeOf, rangeOf } from '../../convert';
import type { StructureService } from './structureService';

/** The outline is built once typing has paused this long… */
const QUIET_MS = 300;
/** …or, during long unbroken typing, at least this often. */
const MAX_WAIT_MS = 2000;

export class StageOutline implements vscode.DocumentSymbolProvider {
  /** When each document was last edited (Date.now()), by URI. */
  private readonly lastEdit = new Map<string, number>();
  /** Documents VS Code has asked the outline of (by URI): only theirs can be out of date. */
  private readonly asked = new Set<string>();

  constructor(
    private readonly manager: CodingManager,
    private readonly structures: StructureService,
  ) {}

  /**
   * Registers the provider for Markdown files, and registers it anew when what it shows changes
   * without the text changing (coding, the codebook, the qda.stageOutline setting): VS Code keeps a
   * document's symbols until its text changes, and a new registration is the only way to have the
   * Outline view, breadcrumbs and Go to Symbol ask again (microsoft/vscode#108722).
   */
  register(): vscode.Disposable {
    let registration: vscode.Disposable | undefined;
    const later = new Debounce(50);
    const register = () => {
      registration?.dispose();
      registration = vscode.languages.registerDocumentSymbolProvider({ language: 'markdown', scheme: 'file' }, this, { label: 'Stages' });
    };
    const again = () => later.run(register);
    register();
    const subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && this.lastEdit.set(e.document.uri.toString(), Date.now())),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.lastEdit.delete(d.uri.toString());
        this.asked.delete(d.uri.toString());
      }),
      // A document's first load needs no new question: VS Code asks when it shows the document, and
      // the answer waits for the coding. (Asking again at once would have a long document parsed
      // while it is being opened.)
      this.manager.onDidChange(({ doc, reason }) => reason !== 'edit' && this.asked.has(doc.document.uri.toString()) && again()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('qda.stageOutline') && again()),
    ];
    return new vscode.Disposable(() => {
      later.dispose();
      registration?.dispose();
      for (const s of subscriptions) s.dispose();
    });
  }

  /** The outline of a document as the core builds it, or undefined when it has no codebook. */
  async outline(document: vscode.TextDocument): Promise<Outline | undefined> {
    if (!vscode.workspace.getConfiguration('qda', document.uri).get<boolean>('stageOutline', true)) return undefined;
    const index = this.manager.folderOf(document.uri)?.codebook.index;
    if (!index) return undefined;
    const doc = await this.manager.ensure(document);
    // Let the coding's highlights reach the editor before a long document's first parse.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { structure } = this.structures.get(document);
    const segments: CodedSegment[] = (doc?.anchored() ?? []).map((s) => ({
      id: s.ann.id,
      start: normalizedOffsetOf(document, s.start!),
      end: normalizedOffsetOf(document, s.end!),
      codes: s.ann.codes,
      quote: s.ann.exact || document.getText(rangeOf(document, s.start!, s.end!)),
    }));
    return buildOutline(structure, index.codebook.stages, segments, (id) => index.codes.get(id)?.name ?? id, (id) => index.stageOf(id)?.id);
  }

  async provideDocumentSymbols(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.DocumentSymbol[] | undefined> {
    // VS Code asks again a moment after each edit and cancels the question when the text changes
    // again: while the researcher types, wait for a pause instead of building the outline of a long
    // transcript (and sending it to the editor) several times a second.
    this.asked.add(document.uri.toString());
    const askedAt = Date.now();
    for (;;) {
      const quiet = Date.now() - (this.lastEdit.get(document.uri.toString()) ?? 0);
      if (quiet >= QUIET_MS || Date.now() - askedAt >= MAX_WAIT_MS) break;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS - quiet));
      if (token?.isCancellationRequested) return undefined;
    }
    const outline = await this.outline(document);
    if (!outline) return [];
    const lines = () => this.structures.lines(document);
    const range = (r: { start: number; end: number }) => normalizedRangeOf(document, r.start, r.end, lines);
    const symbol = (item: OutlineItem): vscode.DocumentSymbol => {
      const kind = item.kind === 'section' ? vscode.SymbolKind.String : item.kind === 'turn' ? vscode.SymbolKind.Event : item.kind === 'passage' ? vscode.SymbolKind.Property : vscode.SymbolKind.Field;
      const full = range(item.range);
      const sel = range(item.selectionRange);
      const s = new vscode.DocumentSymbol(item.name || ' ', item.detail, kind, full.union(sel), sel);
      s.children = (item.children ?? []).map(symbol);
      return s;
    };
    // Thousands of segment symbols would be sent to the editor after every keystroke and make the
    // Outline unreadable: past the limit, segments are left out here (the Stages view lists them).
    const limit = vscode.workspace.getConfiguration('qda', document.uri).get<number>('stageOutlineMaxSegments', 1000);
    const segmentCount = outline.groups.reduce((n, g) => n + g.items.filter((i) => i.kind === 'segment').length, 0);
    const withSegments = segmentCount <= limit;
    return outline.groups
      .filter((g) => g.range)
      .map((g) => {
        const r = range(g.range!);
        const items = withSegments ? g.items : g.items.filter((i) => i.kind !== 'segment');
        const left = g.items.length - items.length;
        const notListed: string[] = [];
        if (g.unlisted?.turns) notListed.push(`${g.unlisted.turns} speaker turn${g.unlisted.turns === 1 ? '' : 's'}`);
        if (g.unlisted?.passages) notListed.push(`${g.unlisted.passages} passage${g.unlisted.passages === 1 ? '' : 's'}`);
        const detail = `${items.length} item${items.length === 1 ? '' : 's'}${left > 0 ? `; ${left} coded segments not listed (see the Stages view)` : ''}${notListed.length > 0 ? `; ${notListed.join(' and ')} not listed (sections only)` : ''}`;
        const s = new vscode.DocumentSymbol(g.name, detail, vscode.SymbolKind.Namespace, r, emptyRangeAt(r.start));
        s.children = items.map(symbol);
        for (const c of s.children) s.range = s.range.union(c.range);
        return s;
      });
  }
}
