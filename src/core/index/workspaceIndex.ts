/**
 * An incremental index of the coding of a whole workspace, for the codebook side panel: per-code
 * counts of segments and documents (own, and with sub-codes), the coded segments of some codes
 * grouped by document, memos (segment, document, code and stage memos) with search, and filters
 * by case attributes (from each document's front matter, parsed by the caller).
 *
 * Fed by file events: `upsertSidecar` / `removeSidecar` / `setAttributes` each cost the size of the
 * one document concerned, never a rescan. `loadAll` walks the workspace once at start.
 *
 * Counting rules (the one definition of every count, used by the `qda stats` command, every view
 * and the export):
 * - a coded segment is an annotation with at least one code (orphans included: they are still
 *   coded, kept and reported; a whole-document annotation with codes counts too); an annotation
 *   with a memo and no code (a document memo, a passage memo) is a memo, not a segment; a code
 *   repeated on one annotation counts once;
 * - a document counts for a code (or a stage, or the totals) when it has a coded segment there;
 * - a stage's count is of distinct segments having a code of that stage (a code without a stage
 *   takes its nearest ancestor's): a segment with two codes of one stage counts once there; one
 *   with codes of two stages counts once in each; codes not in the codebook belong to no stage;
 * - `withDescendants`: the annotations and documents that have the code or any of its sub-codes,
 *   each counted once (an annotation coded with a parent and its child is one segment of the parent);
 * - a sidecar that cannot be read is recorded as a problem and counts nothing (its previous
 *   content is dropped from the counts); one that can be read but not written (a newer format,
 *   repeated ids) is counted, with its problems recorded.
 */
import type { CodebookIndex } from '../codebook/codebook';
import type { Annotation } from '../model/annotation';
import type { Problem } from '../problems';
import { isDocumentPath, isSidecarPath, readSidecarText } from '../project';
import { compareAnnotations, isWholeDocument, parseSidecar, type SidecarLoad } from '../sidecar/format';
import { documentPathFor } from '../sidecar/iri';
import { FileRefusedError, walk, type FileStat, type FileStore } from '../store';

/** What tells one version of a file from another: its size and modification time. */
export type FileStamp = Pick<FileStat, 'size' | 'mtime'>;

/** A case attribute's value, as front matter gives it. */
export type AttributeValue = string | number | boolean | string[];
export type Attributes = Record<string, AttributeValue>;

/**
 * Which documents to consider: a document passes when, for each named attribute, its value (or,
 * for a list, one of its values) is one of those given, compared as text (`3`, `true`). A document
 * without the attribute does not pass; an empty list lets no document pass.
 */
export interface IndexFilter {
  attributes?: Record<string, string[]>;
}

export interface Counts {
  segments: number;
  documents: number;
}

/** A code's own counts, and its counts including its sub-codes (the same without a codebook). */
export interface CodeCount extends Counts {
  withDescendants: Counts;
}

export interface IndexedSegment {
  /** The annotation's id. */
  id: string;
  codes: string[];
  /** The quoted text as last saved (empty for a whole-document annotation). */
  quote: string;
  /** Code points; undefined for an orphan or a whole-document annotation. */
  start?: number;
  end?: number;
  memo?: string;
  creator: string;
  created: string;
}

export interface DocumentSegments {
  document: string;
  segments: IndexedSegment[];
}

export type MemoEntry =
  | { kind: 'stage'; stage: string; name: string; text: string }
  | { kind: 'code'; code: string; name: string; text: string }
  | { kind: 'document'; document: string; id: string; text: string; codes: string[]; creator: string; created: string }
  | { kind: 'segment'; document: string; id: string; text: string; quote: string; codes: string[]; start?: number; end?: number; creator: string; created: string };

/** One document's coded segments, and how many of them have each code (codebook order, then others sorted). */
export interface DocumentCount {
  document: string;
  segments: number;
  codes: Map<string, number>;
}

interface DocEntry {
  document: string;
  /** Coded segments (annotations with at least one code). */
  segments: number;
  /** In document order. */
  annotations: Annotation[];
  /** The distinct codes of its segments (code numbers), and how many segments have each. */
  codes: number[];
  counts: number[];
  /** Segments with exactly one distinct code: that code, and how many segments. */
  singleCodes: number[];
  singleCounts: number[];
  /** The distinct codes of each segment with several. */
  multi: number[][];
  /** Annotations with a non-empty memo, in document order. */
  memos: Annotation[];
}

/** Segments and documents per code number. */
interface Tally {
  segments: number[];
  documents: number[];
}

/** The text forms of an attribute value, as filters compare them. */
export function attributeStrings(v: AttributeValue | null | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null).map((x) => String(x));
  return [String(v)];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class WorkspaceIndex {
  private readonly docs = new Map<string, DocEntry>();
  private readonly problemsBySidecar = new Map<string, Problem[]>();
  private readonly attrs = new Map<string, Attributes>();
  /** Attribute name → value → how many documents have it. */
  private readonly attrValues = new Map<string, Map<string, number>>();
  /** Codes by number (interned): counts are kept in arrays indexed by code number. */
  private readonly codeNo = new Map<string, number>();
  private readonly codeNames: string[] = [];
  /** Own counts over every document. */
  private readonly own: Tally = { segments: [], documents: [] };
  /** Code → documents that have a segment with it. */
  private readonly codeDocs = new Map<string, Set<string>>();
  /** Counts with descendants over every document; built on first use, then kept current. */
  private hier?: Tally;
  /** Code number → it and its ancestors (code numbers). */
  private ancestorCache: (number[] | undefined)[] = [];
  /** Marks for de-duplicating codes within one segment or one document. */
  private readonly stamp: number[] = [];
  private stampNo = 0;
  private codebook?: CodebookIndex;
  private changeCount = 0;
  private filtered?: { version: number; key: string; own: Tally; hier: Tally };
  /** Code number → the index of its stage in the codebook (-1: none); built on use, per codebook. */
  private stageCache: (number | undefined)[] = [];
  private stageTally?: { version: number; key: string; counts: Map<string | undefined, Counts> };

  constructor(codebook?: CodebookIndex) {
    this.setCodebook(codebook);
    this.changeCount = 0;
  }

  /** Increases with every change; views can compare it to know whether to refresh. */
  get version(): number {
    return this.changeCount;
  }

  /** The codebook used for hierarchy (with descendants), names and code and stage memos. */
  setCodebook(codebook: CodebookIndex | undefined): void {
    this.codebook = codebook;
    this.hier = undefined;
    this.ancestorCache = [];
    this.stageCache = [];
    // Every code of the codebook has a number before any count uses its ancestors.
    if (codebook) for (const c of codebook.codebook.codes) this.intern(c.id);
    this.changeCount++;
  }

  /** Indexes (or re-indexes) one sidecar from its text. Never throws. */
  upsertSidecar(sidecarPath: string, text: string): void {
    this.upsertLoad(sidecarPath, parseSidecar(text, sidecarPath));
  }

  /**
   * Indexes (or re-indexes) one sidecar as read or written (see SidecarFiles, through which every
   * read and write of the extension goes). The index takes what it needs; later changes to `load`
   * do not reach it.
   */
  upsertLoad(sidecarPath: string, load: SidecarLoad): void {
    const document = documentPathFor(sidecarPath);
    this.changeCount++;
    if (document === undefined) {
      this.problemsBySidecar.set(sidecarPath, [{ file: sidecarPath, severity: 'warning', message: 'Not an annotations file (its name must end in .annotations.json); not indexed.' }]);
      return;
    }
    this.detach(document);
    if (load.problems.length > 0) this.problemsBySidecar.set(sidecarPath, load.problems);
    else this.problemsBySidecar.delete(sidecarPath);
    if (!load.sidecar) return;
    this.attach(this.buildEntry(document, load.sidecar.annotations));
  }

  /** Forgets a sidecar (deleted, or its document renamed). */
  removeSidecar(sidecarPath: string): void {
    this.changeCount++;
    this.problemsBySidecar.delete(sidecarPath);
    const document = documentPathFor(sidecarPath);
    if (document !== undefined) this.detach(document);
  }

  /** Sets a document's case attributes (undefined: forget them, e.g. the document was deleted). */
  setAttributes(documentPath: string, attrs: Attributes | undefined): void {
    this.changeCount++;
    const old = this.attrs.get(documentPath);
    if (old) this.countAttributes(old, -1);
    if (attrs === undefined) {
      this.attrs.delete(documentPath);
      return;
    }
    const copy: Attributes = {};
    for (const [k, v] of Object.entries(attrs)) copy[k] = Array.isArray(v) ? [...v] : v;
    this.attrs.set(documentPath, copy);
    this.countAttributes(copy, 1);
  }

  attributes(documentPath: string): Attributes | undefined {
    return this.attrs.get(documentPath);
  }

  /** Attribute name → its distinct values over all documents, sorted (for filter menus). */
  attributeValues(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const name of [...this.attrValues.keys()].sort(byText)) {
      out.set(name, [...this.attrValues.get(name)!.keys()].sort(byText));
    }
    return out;
  }

  /** Problems of the sidecars that could not be read (or not safely written), by file. */
  problems(): Problem[] {
    return [...this.problemsBySidecar.keys()].sort(byText).flatMap((k) => this.problemsBySidecar.get(k)!);
  }

  /** Whether a document (coded or not) passes the case-attribute filter. */
  passes(documentPath: string, filter?: IndexFilter): boolean {
    return this.compileFilter(filter)(documentPath);
  }

  /** Documents with a readable sidecar, sorted, optionally filtered. */
  documents(filter?: IndexFilter): string[] {
    const pass = this.compileFilter(filter);
    return [...this.docs.keys()].filter((d) => pass(d)).sort(byText);
  }

  /**
   * Segments and documents per code: every code of the codebook (in its order, zeros included),
   * then codes used but not in the codebook (sorted).
   */
  codeCounts(filter?: IndexFilter): Map<string, CodeCount> {
    let own: Tally;
    let hier: Tally;
    if (!hasConstraints(filter)) {
      own = this.own;
      hier = this.codebook ? this.hierarchyCounts() : this.own;
    } else {
      const key = JSON.stringify(filter!.attributes);
      if (!this.filtered || this.filtered.version !== this.changeCount || this.filtered.key !== key) {
        const pass = this.compileFilter(filter);
        const o = this.newTally();
        const h = this.newTally();
        for (const entry of this.docs.values()) {
          if (!pass(entry.document)) continue;
          for (let i = 0; i < entry.codes.length; i++) {
            o.segments[entry.codes[i]] += entry.counts[i];
            o.documents[entry.codes[i]]++;
          }
          if (this.codebook) this.contribute(h, entry, 1);
        }
        this.filtered = { version: this.changeCount, key, own: o, hier: this.codebook ? h : o };
      }
      own = this.filtered.own;
      hier = this.filtered.hier;
    }
    const out = new Map<string, CodeCount>();
    const add = (code: string) => {
      const n = this.codeNo.get(code);
      const at = (t: Tally): Counts => (n === undefined ? { segments: 0, documents: 0 } : { segments: t.segments[n] ?? 0, documents: t.documents[n] ?? 0 });
      out.set(code, { ...at(own), withDescendants: at(hier) });
    };
    if (this.codebook) for (const c of this.codebook.codebook.codes) add(c.id);
    const others = this.codeNames.filter((c, n) => (own.segments[n] ?? 0) > 0 && !out.has(c)).sort(byText);
    for (const c of others) add(c);
    return out;
  }

  /**
   * The segments having any of `codeIds` (with `withDescendants`, or any of their sub-codes),
   * grouped by document (sorted by path), each group in document order.
   */
  segments(codeIds: Iterable<string>, filter?: IndexFilter, options: { withDescendants?: boolean } = {}): DocumentSegments[] {
    const wanted = new Set<string>();
    for (const id of codeIds) {
      wanted.add(id);
      if (options.withDescendants && this.codebook) for (const d of this.descendants(id)) wanted.add(d);
    }
    const docs = new Set<string>();
    for (const code of wanted) for (const d of this.codeDocs.get(code) ?? []) docs.add(d);
    const pass = this.compileFilter(filter);
    const out: DocumentSegments[] = [];
    for (const document of [...docs].sort(byText)) {
      if (!pass(document)) continue;
      const segments = this.docs
        .get(document)!
        .annotations.filter((a) => a.codes.some((c) => wanted.has(c)))
        .map(toSegment);
      if (segments.length > 0) out.push({ document, segments });
    }
    return out;
  }

  /** Coded segments over the workspace, and the documents that have any (see the counting rules). */
  totals(filter?: IndexFilter): Counts {
    const pass = this.compileFilter(filter);
    let segments = 0;
    let documents = 0;
    for (const entry of this.docs.values()) {
      if (entry.segments === 0 || !pass(entry.document)) continue;
      segments += entry.segments;
      documents++;
    }
    return { segments, documents };
  }

  /** Per document with coded segments (sorted by path): its segments and how many have each code. */
  documentCounts(filter?: IndexFilter): DocumentCount[] {
    const order = this.codeOrder();
    const pass = this.compileFilter(filter);
    const out: DocumentCount[] = [];
    for (const document of [...this.docs.keys()].sort(byText)) {
      const entry = this.docs.get(document)!;
      if (entry.segments === 0 || !pass(document)) continue;
      const pairs = entry.codes.map((c, i) => [c, entry.counts[i]] as const).sort((x, y) => order(x[0]) - order(y[0]));
      out.push({ document, segments: entry.segments, codes: new Map(pairs.map(([c, n]) => [this.codeNames[c], n])) });
    }
    return out;
  }

  /**
   * Per stage of the codebook (in its order), then `undefined` for the codebook's codes of no
   * stage: the distinct coded segments having a code of that stage, and their documents. Empty
   * without a codebook.
   */
  stageCounts(filter?: IndexFilter): Map<string | undefined, Counts> {
    const cb = this.codebook;
    if (!cb) return new Map();
    const key = hasConstraints(filter) ? JSON.stringify(filter!.attributes) : '';
    if (this.stageTally && this.stageTally.version === this.changeCount && this.stageTally.key === key) return copyCounts(this.stageTally.counts);
    const stages = cb.codebook.stages;
    const none = stages.length; // the slot of "no stage"
    const segments = new Array<number>(none + 1).fill(0);
    const documents = new Array<number>(none + 1).fill(0);
    const seen = new Array<number>(none + 1).fill(0);
    let mark = 0;
    const pass = this.compileFilter(filter);
    for (const entry of this.docs.values()) {
      if (entry.segments === 0 || !pass(entry.document)) continue;
      const docMark = ++mark;
      const inDoc = (st: number) => {
        if (seen[st] === docMark) return;
        seen[st] = docMark;
        documents[st]++;
      };
      for (let i = 0; i < entry.singleCodes.length; i++) {
        const st = this.stageSlot(entry.singleCodes[i]);
        if (st < 0) continue;
        segments[st] += entry.singleCounts[i];
        inDoc(st);
      }
      // A segment with several codes: once per distinct stage of its codes.
      const segSeen = new Array<number>(none + 1).fill(-1);
      entry.multi.forEach((codes, k) => {
        for (const c of codes) {
          const st = this.stageSlot(c);
          if (st < 0 || segSeen[st] === k) continue;
          segSeen[st] = k;
          segments[st]++;
          inDoc(st);
        }
      });
    }
    const counts = new Map<string | undefined, Counts>();
    stages.forEach((s, i) => counts.set(s.id, { segments: segments[i], documents: documents[i] }));
    counts.set(undefined, { segments: segments[none], documents: documents[none] });
    this.stageTally = { version: this.changeCount, key, counts };
    return copyCounts(counts);
  }

  /**
   * Memos: stage and code memos from the codebook (in its order), then per document (sorted by
   * path) its document memos (by date) and segment memos (in document order). `query` keeps the
   * memos where every word of it occurs, ignoring case, in the memo, the names (and ids) of its
   * codes or stage, or its document's path. The filter applies to document and segment memos.
   */
  memos(query?: string, filter?: IndexFilter): MemoEntry[] {
    const terms = (query ?? '').toLowerCase().split(/\s+/).filter((t) => t !== '');
    const matches = (...parts: string[]) => {
      if (terms.length === 0) return true;
      const hay = parts.join('\n').toLowerCase();
      return terms.every((t) => hay.includes(t));
    };
    const nameOf = (code: string) => this.codebook?.codes.get(code)?.name ?? code;
    const out: MemoEntry[] = [];
    if (this.codebook) {
      for (const s of this.codebook.codebook.stages) {
        if (s.memo && matches(s.memo, s.name, s.id)) out.push({ kind: 'stage', stage: s.id, name: s.name, text: s.memo });
      }
      for (const c of this.codebook.codebook.codes) {
        if (c.memo && matches(c.memo, c.name, c.id, this.codebook.pathOf(c.id))) out.push({ kind: 'code', code: c.id, name: c.name, text: c.memo });
      }
    }
    const pass = this.compileFilter(filter);
    for (const document of [...this.docs.keys()].sort(byText)) {
      const entry = this.docs.get(document)!;
      if (entry.memos.length === 0 || !pass(document)) continue;
      const docMemos: Extract<MemoEntry, { kind: 'document' }>[] = [];
      const segMemos: MemoEntry[] = [];
      for (const a of entry.memos) {
        const text = a.memo!;
        if (!matches(text, document, ...a.codes, ...a.codes.map(nameOf))) continue;
        if (isWholeDocument(a)) {
          docMemos.push({ kind: 'document', document, id: a.id, text, codes: [...a.codes], creator: a.creator, created: a.created });
        } else {
          segMemos.push({ kind: 'segment', document, id: a.id, text, quote: a.exact, codes: [...a.codes], start: a.start, end: a.end, creator: a.creator, created: a.created });
        }
      }
      docMemos.sort((x, y) => byText(x.created, y.created) || byText(x.id, y.id));
      out.push(...docMemos, ...segMemos);
    }
    return out;
  }

  // ---- internals ----

  /** The stage slot of a code number: its stage's index in the codebook, the codebook's stage count for "no stage", -1 for a code not in the codebook. */
  private stageSlot(n: number): number {
    let slot = this.stageCache[n];
    if (slot === undefined) {
      const cb = this.codebook!;
      const id = this.codeNames[n];
      if (!cb.has(id)) slot = -1;
      else {
        const stage = cb.stageOf(id);
        const i = stage ? cb.codebook.stages.findIndex((s) => s.id === stage.id) : -1;
        slot = i >= 0 ? i : cb.codebook.stages.length;
      }
      this.stageCache[n] = slot;
    }
    return slot;
  }

  /** Sort key of a code number: its place in the codebook, then codes not in it by name. */
  private codeOrder(): (n: number) => number {
    const place = new Map<number, number>();
    const codes = this.codebook?.codebook.codes ?? [];
    codes.forEach((c, i) => {
      const n = this.codeNo.get(c.id);
      if (n !== undefined && !place.has(n)) place.set(n, i);
    });
    const others = this.codeNames.map((_, n) => n).filter((n) => !place.has(n)).sort((x, y) => byText(this.codeNames[x], this.codeNames[y]));
    others.forEach((n, i) => place.set(n, codes.length + i));
    return (n) => place.get(n)!;
  }

  private intern(code: string): number {
    let n = this.codeNo.get(code);
    if (n === undefined) {
      n = this.codeNames.length;
      this.codeNo.set(code, n);
      this.codeNames.push(code);
      this.own.segments.push(0);
      this.own.documents.push(0);
      this.hier?.segments.push(0);
      this.hier?.documents.push(0);
      this.stamp.push(0);
    }
    return n;
  }

  private newTally(): Tally {
    const n = this.codeNames.length;
    return { segments: new Array<number>(n).fill(0), documents: new Array<number>(n).fill(0) };
  }

  private buildEntry(document: string, annotations: Annotation[]): DocEntry {
    const sorted = [...annotations].sort(compareAnnotations);
    const own = new Map<number, number>();
    const single = new Map<number, number>();
    const multi: number[][] = [];
    const memos: Annotation[] = [];
    for (const a of sorted) {
      if (a.memo !== undefined && a.memo !== '') memos.push(a);
      if (a.codes.length === 0) continue;
      const codes = a.codes.length === 1 ? [this.intern(a.codes[0])] : [...new Set(a.codes)].map((c) => this.intern(c));
      for (const c of codes) own.set(c, (own.get(c) ?? 0) + 1);
      if (codes.length === 1) single.set(codes[0], (single.get(codes[0]) ?? 0) + 1);
      else multi.push(codes);
    }
    let segments = multi.length;
    for (const n of single.values()) segments += n;
    return { document, segments, annotations: sorted, codes: [...own.keys()], counts: [...own.values()], singleCodes: [...single.keys()], singleCounts: [...single.values()], multi, memos };
  }

  private attach(entry: DocEntry): void {
    this.docs.set(entry.document, entry);
    this.tallyOwn(entry, 1);
    for (const c of entry.codes) {
      const code = this.codeNames[c];
      let set = this.codeDocs.get(code);
      if (!set) this.codeDocs.set(code, (set = new Set()));
      set.add(entry.document);
    }
    if (this.hier) this.contribute(this.hier, entry, 1);
  }

  private detach(document: string): void {
    const entry = this.docs.get(document);
    if (!entry) return;
    this.docs.delete(document);
    this.tallyOwn(entry, -1);
    for (const c of entry.codes) {
      const code = this.codeNames[c];
      const set = this.codeDocs.get(code);
      set?.delete(document);
      if (set?.size === 0) this.codeDocs.delete(code);
    }
    if (this.hier) this.contribute(this.hier, entry, -1);
  }

  private tallyOwn(entry: DocEntry, sign: 1 | -1): void {
    for (let i = 0; i < entry.codes.length; i++) {
      this.own.segments[entry.codes[i]] += sign * entry.counts[i];
      this.own.documents[entry.codes[i]] += sign;
    }
  }

  private hierarchyCounts(): Tally {
    if (!this.hier) {
      const h = this.newTally();
      // Segments with one code: summed over all documents first, then each code's ancestors once.
      const singles = new Array<number>(this.codeNames.length).fill(0);
      for (const entry of this.docs.values()) {
        for (let i = 0; i < entry.singleCodes.length; i++) singles[entry.singleCodes[i]] += entry.singleCounts[i];
        for (const codes of entry.multi) this.addSegment(h, codes, 1);
        this.addDocument(h, entry, 1);
      }
      singles.forEach((n, c) => {
        if (n > 0) for (const a of this.ancestors(c)) h.segments[a] += n;
      });
      this.hier = h;
    }
    return this.hier;
  }

  /** Adds (sign 1) or removes (-1) one document's counts with descendants. */
  private contribute(t: Tally, entry: DocEntry, sign: 1 | -1): void {
    for (let i = 0; i < entry.singleCodes.length; i++) {
      const n = sign * entry.singleCounts[i];
      for (const a of this.ancestors(entry.singleCodes[i])) t.segments[a] += n;
    }
    for (const codes of entry.multi) this.addSegment(t, codes, sign);
    this.addDocument(t, entry, sign);
  }

  /** A segment with several codes counts once for each of them and each of their ancestors. */
  private addSegment(t: Tally, codes: number[], sign: 1 | -1): void {
    const mark = ++this.stampNo;
    for (const c of codes) {
      for (const a of this.ancestors(c)) {
        if (this.stamp[a] === mark) continue;
        this.stamp[a] = mark;
        t.segments[a] += sign;
      }
    }
  }

  /** A document counts once for each code it uses and each of their ancestors. */
  private addDocument(t: Tally, entry: DocEntry, sign: 1 | -1): void {
    const mark = ++this.stampNo;
    for (const c of entry.codes) {
      for (const a of this.ancestors(c)) {
        if (this.stamp[a] === mark) continue;
        this.stamp[a] = mark;
        t.documents[a] += sign;
      }
    }
  }

  /** The code and its ancestors in the codebook (just the code when the codebook lacks it). */
  private ancestors(n: number): number[] {
    let list = this.ancestorCache[n];
    if (!list) {
      list = [n];
      const seen = new Set([this.codeNames[n]]);
      for (let p = this.codebook?.codes.get(this.codeNames[n])?.parent; p !== undefined && !seen.has(p); p = this.codebook?.codes.get(p)?.parent) {
        seen.add(p);
        // A parent missing from the codebook is ignored (checkCodebook reports it).
        const pn = this.codeNo.get(p);
        if (pn === undefined) break;
        list.push(pn);
      }
      this.ancestorCache[n] = list;
    }
    return list;
  }

  private descendants(code: string): string[] {
    const out: string[] = [];
    const seen = new Set([code]);
    const stack = [code];
    while (stack.length > 0) {
      for (const child of this.codebook!.children(stack.pop()!)) {
        if (seen.has(child.id)) continue;
        seen.add(child.id);
        out.push(child.id);
        stack.push(child.id);
      }
    }
    return out;
  }

  private countAttributes(attrs: Attributes, sign: 1 | -1): void {
    for (const [name, v] of Object.entries(attrs)) {
      let values = this.attrValues.get(name);
      if (!values) this.attrValues.set(name, (values = new Map()));
      for (const s of new Set(attributeStrings(v))) {
        const n = (values.get(s) ?? 0) + sign;
        if (n <= 0) values.delete(s);
        else values.set(s, n);
      }
      if (values.size === 0) this.attrValues.delete(name);
    }
  }

  private compileFilter(filter: IndexFilter | undefined): (document: string) => boolean {
    if (!hasConstraints(filter)) return () => true;
    const wanted = Object.entries(filter!.attributes!).map(([name, values]) => [name, new Set(values.map(String))] as const);
    return (document) => {
      const attrs = this.attrs.get(document);
      if (!attrs) return false;
      for (const [name, values] of wanted) {
        if (!attributeStrings(attrs[name]).some((v) => values.has(v))) return false;
      }
      return true;
    };
  }
}

function copyCounts<K>(m: Map<K, Counts>): Map<K, Counts> {
  return new Map([...m].map(([k, c]) => [k, { ...c }]));
}

function hasConstraints(filter: IndexFilter | undefined): boolean {
  return filter?.attributes !== undefined && Object.keys(filter.attributes).length > 0;
}

function toSegment(a: Annotation): IndexedSegment {
  const s: IndexedSegment = { id: a.id, codes: [...a.codes], quote: a.exact, creator: a.creator, created: a.created };
  if (a.start !== undefined) s.start = a.start;
  if (a.end !== undefined) s.end = a.end;
  if (a.memo !== undefined && a.memo !== '') s.memo = a.memo;
  return s;
}

export interface LoadAllOptions {
  /** Index into this one (default: a new index). */
  index?: WorkspaceIndex;
  codebook?: CodebookIndex;
  /**
   * Case attributes of a document from its text (its front matter); when given, every Markdown
   * document is read too.
   */
  attributes?: (documentPath: string, text: string) => Attributes | undefined;
  /** Reads a sidecar (default: from the store, parsed); the extension reads through its SidecarFiles. */
  readSidecar?: (sidecarPath: string) => Promise<SidecarLoad | undefined>;
  /**
   * The files to read (store paths), instead of walking the store (the editor finds them with its
   * own file search); those neither a sidecar nor, with `attributes`, a document are passed over.
   */
  paths?: readonly string[];
}

/** Walks the workspace once (or reads the files given) and indexes every sidecar (and, if asked, documents' attributes). */
export async function loadAll(store: FileStore, options: LoadAllOptions = {}): Promise<WorkspaceIndex> {
  const index = options.index ?? new WorkspaceIndex(options.codebook);
  if (options.index && options.codebook) index.setCodebook(options.codebook);
  const readAttributes = options.attributes;
  const wanted = (p: string) => isSidecarPath(p) || (readAttributes !== undefined && isDocumentPath(p));
  const paths = options.paths ? [...new Set(options.paths.filter(wanted))].sort() : await walk(store, '', wanted);
  const readSidecar = options.readSidecar ?? (async (p: string) => {
    const read = await readSidecarText(store, p);
    if (read === undefined) return undefined;
    return read.problem ? { problems: [read.problem], readOnly: true } : parseSidecar(read.text, p);
  });
  for (const p of paths) {
    if (isSidecarPath(p)) {
      const load = await readSidecar(p);
      if (load) index.upsertLoad(p, load);
      continue;
    }
    const text = await store.readText(p).catch((e: unknown) => {
      if (e instanceof FileRefusedError) return undefined; // a document the store refuses has no attributes
      throw e;
    });
    if (text !== undefined) index.setAttributes(p, readAttributes!(p, text));
  }
  return index;
}
