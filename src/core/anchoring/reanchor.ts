/**
 * Re-anchoring on load: finds each annotation's place in a text that changed since the sidecar
 * was saved (edited outside VS Code, a git checkout, a merge).
 *
 * For each annotation, in document order, the first step that succeeds wins:
 * 1. the quote is still at its recorded position: `exact`;
 * 2. the quote is at its recorded position shifted by how far its nearest anchored neighbour
 *    moved: `moved`;
 * 3. the quote is elsewhere, near there or anywhere, best by context (prefix, suffix) and then
 *    distance: `moved`;
 * 4. an approximate match (Myers' bit-parallel algorithm from approx-string-match, as used by
 *    Hypothesis) near the expected place, then around every place within about 64,000 characters
 *    where a piece of the quote (its start, middle or end) still stands unchanged (the whole text
 *    for an orphan). Each candidate is scored on quote, prefix, suffix and position, as
 *    Hypothesis's `matchQuote` does, but it is accepted only when quote and context together agree
 *    with what was saved well beyond chance: a short quote needs its context, and a deleted
 *    segment's look-alike elsewhere does not have it: `fuzzy`;
 * 5. otherwise `orphan`: kept with its quote, position removed, never deleted.
 *
 * Every result carries a confidence (0–1), the same in words, and a plain-language reason.
 */
import search from 'approx-string-match';
import { setTarget, type AnchorCertainty, type AnchorResult, type Annotation } from '../model/annotation';
import type { Text } from '../text/text';

export interface ReanchorOptions {
  /** Half-width, in code points, of the window searched around the expected place. */
  window?: number;
  /** Quotes shorter than this are never matched approximately (too many false friends). */
  minFuzzyLength?: number;
  /** Lowest quote similarity (0–1) an approximate match needs. */
  minSimilarity?: number;
  /** Search approximately only near the expected place, not around pieces found elsewhere. */
  noGlobalFuzzy?: boolean;
  /**
   * How far (UTF-16 units) from the expected place pieces of a changed quote are looked for; an
   * orphan being re-attached is looked for in the whole text.
   */
  seedReach?: number;
}

const DEFAULTS: Required<ReanchorOptions> = {
  window: 2048,
  minFuzzyLength: 8,
  minSimilarity: 0.75,
  noGlobalFuzzy: false,
  seedReach: 65536,
};

/** At most this many exact occurrences are scored when a quote is found all over the text. */
const MAX_OCCURRENCES = 1000;

/** How many characters a context may have gained or lost next to the quote and still line up. */
const SLACK = 8;

/** Scratch rows for `boundaryDistance` (contexts are at most 64 UTF-16 units, plus slack). */
let rowA = new Int32Array(128);
let rowB = new Int32Array(128);

/**
 * Edit distance between `pattern` and the text next to a boundary at `at`: read forwards from
 * `at` (a suffix, `dir` 1) or backwards from it (a prefix, `dir` -1), the pattern's far end free to
 * fall anywhere within a few characters of its length. 0 when the context lines up exactly.
 */
function boundaryDistance(t: string, at: number, pattern: string, dir: 1 | -1): number {
  const m = pattern.length;
  if (m === 0) return 0;
  const n = dir === 1 ? Math.min(t.length - at, m + SLACK) : Math.min(at, m + SLACK);
  if (n + 1 > rowA.length) {
    rowA = new Int32Array(2 * (n + 1));
    rowB = new Int32Array(2 * (n + 1));
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    const pc = dir === 1 ? pattern.charCodeAt(i - 1) : pattern.charCodeAt(m - i);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const tc = dir === 1 ? t.charCodeAt(at + j - 1) : t.charCodeAt(at - j);
      const sub = prev[j - 1] + (pc === tc ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    const x = prev;
    prev = cur;
    cur = x;
  }
  let best = m;
  for (let j = Math.max(0, m - SLACK); j <= n; j++) if (prev[j] < best) best = prev[j];
  return best;
}

interface Candidate {
  /** UTF-16 offsets in the text. */
  start: number;
  end: number;
  errors: number;
}

/** A candidate with how well it agrees with what was saved. */
interface Scored extends Candidate {
  /** Quote, prefix and suffix similarity, 0–1 (a missing context counts as agreeing). */
  quoteSim: number;
  prefixSim: number;
  suffixSim: number;
  /** Ranking score (comparable only for the same annotation). */
  rank: number;
}

/** How far from the expected place nearness stops counting, in UTF-16 units. */
const NEAR = 65536;

/** Where a segment is expected (its neighbour's shift applied) and was recorded (-1: unknown), UTF-16. */
interface Where {
  expected: number;
  recorded: number;
}

/** Distance from the nearer of the expected and the recorded place. */
function distanceFrom(at: Where, i: number): number {
  const d = Math.abs(i - at.expected);
  return at.recorded < 0 ? d : Math.min(d, Math.abs(i - at.recorded));
}

function evaluate(t: string, ann: Annotation, c: Candidate, at: Where): Scored {
  const q = ann.exact.length;
  const pl = ann.prefix.length;
  const sl = ann.suffix.length;
  const pd = pl === 0 ? 0 : t.startsWith(ann.prefix, c.start - pl) ? 0 : boundaryDistance(t, c.start, ann.prefix, -1);
  const sd = sl === 0 ? 0 : t.startsWith(ann.suffix, c.end) ? 0 : boundaryDistance(t, c.end, ann.suffix, 1);
  const quoteSim = q === 0 ? 1 : 1 - c.errors / q;
  const prefixSim = pl === 0 ? 1 : 1 - pd / pl;
  const suffixSim = sl === 0 ? 1 : 1 - sd / sl;
  const nearness = 1 - Math.min(1, distanceFrom(at, c.start) / NEAR);
  return {
    ...c, quoteSim, prefixSim, suffixSim,
    // Hypothesis's weights for quote, prefix and suffix; position counts more here (within NEAR),
    // so that of two equally good places the one nearer where the segment was wins.
    // Still at its recorded place breaks a tie with a look-alike where the shift points.
    rank: 50 * quoteSim + 20 * prefixSim + 20 * suffixSim + 4 * nearness + (c.start === at.recorded ? 1 : 0),
  };
}

function best(t: string, ann: Annotation, cands: readonly Candidate[], at: Where): Scored | undefined {
  let top: Scored | undefined;
  for (const c of cands) {
    const s = evaluate(t, ann, c, at);
    if (!top || s.rank > top.rank || (s.rank === top.rank && distanceFrom(at, c.start) < distanceFrom(at, top.start))) top = s;
  }
  return top;
}

/**
 * How many characters of a string carry information: those that differ from the one before. A run
 * of the same character (the "XXXX" of an anonymised name, a row of dashes) counts once, since two
 * such runs line up whatever they stood for.
 */
function information(s: string): number {
  let n = s.length > 0 ? 1 : 0;
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) !== s.charCodeAt(i - 1)) n++;
  return n;
}

/**
 * Two unrelated passages of ordinary prose line up on about half their characters under edit
 * distance (more for the best of many places), so a similarity counts as evidence only above this.
 */
const CHANCE = 0.5;

const above = (sim: number): number => Math.max(0, (sim - CHANCE) / (1 - CHANCE));

/**
 * Evidence, in informative characters, that a candidate is the segment's own text, from the quote
 * and from the context: each contributes its informative length times how far its similarity is
 * above chance. A long quote that is three-quarters the same is plenty on its own; a short one
 * needs its context; an anonymised run of X's counts for little.
 */
function quoteEvidence(s: Scored, ann: Annotation): number {
  return information(ann.exact) * above(s.quoteSim);
}
function contextEvidence(s: Scored, ann: Annotation): number {
  return information(ann.prefix) * above(s.prefixSim) + information(ann.suffix) * above(s.suffixSim);
}
function evidence(s: Scored, ann: Annotation): number {
  return quoteEvidence(s, ann) + contextEvidence(s, ann);
}

/** Evidence at which an approximate placement is as likely right as not; it needs at least this. */
const FUZZY_EVIDENCE = 40;
/**
 * What an approximate placement needs away from where the segment was expected (farther than
 * NEARBY characters, or its own length): a passage that was reworded stays where it was far more
 * often than it is also moved, while look-alikes are anywhere.
 */
const FAR_FUZZY_EVIDENCE = 64;
const NEARBY = 256;
/** The same for an exact quote found away from where it was expected (a coincidence is rarer). */
const EXACT_EVIDENCE = 12;

/** Confidence, 0–1, from evidence: 0.5 at `half`, approaching 1 as evidence grows. */
function confidenceFrom(e: number, half: number, cap: number): number {
  return Math.round(Math.min(cap, 1 - Math.pow(0.5, e / half)) * 100) / 100;
}

function certaintyOf(c: number): AnchorCertainty {
  return c >= 0.8 ? 'high' : c >= 0.5 ? 'medium' : 'low';
}

/**
 * Whether an approximate candidate stands where the segment's text was, or just next to where it
 * was deleted: when the saved suffix lines up at the candidate's start (or the saved prefix at its
 * end), the candidate is the text that followed (or preceded) the segment, and the segment's own
 * place is empty.
 */
function eatsContext(t: string, ann: Annotation, s: Scored): boolean {
  const sl = ann.suffix.length;
  const pl = ann.prefix.length;
  if (sl > 0 && 1 - boundaryDistance(t, s.start, ann.suffix, 1) / sl >= Math.max(0.75, s.suffixSim)) return true;
  if (pl > 0 && 1 - boundaryDistance(t, s.end, ann.prefix, -1) / pl >= Math.max(0.75, s.prefixSim)) return true;
  return false;
}

/** Without any agreeing context, an approximate quote needs this much evidence on its own. */
const QUOTE_ALONE_EVIDENCE = 120;
/** Context that agrees this much (informative characters above chance) counts as agreeing. */
const SOME_CONTEXT = 12;

interface FuzzyPick {
  top: Scored;
  /** Evidence for the top candidate, less half the evidence for the best place apart from it. */
  net: number;
  acceptable: boolean;
}

/**
 * Picks the best approximate candidate and judges whether it is the segment's text lightly edited
 * rather than a look-alike: the quote similar enough; quote and context together well beyond
 * chance, and beyond the next best place (a line that recurs, such as a speaker label with a
 * timestamp, matches in many places and is no evidence for any of them); some context agreeing,
 * unless the quote is long and close; and not the text next to a deleted segment's empty place.
 */
function pickFuzzy(t: string, ann: Annotation, cands: readonly Candidate[], at: Where, minSim: number): FuzzyPick | undefined {
  const scored = cands.map((c) => evaluate(t, ann, c, at));
  let top: Scored | undefined;
  for (const s of scored) {
    if (!top || s.rank > top.rank || (s.rank === top.rank && distanceFrom(at, s.start) < distanceFrom(at, top.start))) top = s;
  }
  if (!top) return undefined;
  let runnerUp = 0;
  for (const s of scored) if (s.end <= top.start || s.start >= top.end) runnerUp = Math.max(runnerUp, evidence(s, ann));
  const net = evidence(top, ann) - runnerUp / 2;
  const far = distanceFrom(at, top.start) > Math.max(NEARBY, ann.exact.length);
  const ok = top.quoteSim >= minSim
    && net >= (far ? FAR_FUZZY_EVIDENCE : FUZZY_EVIDENCE)
    && (contextEvidence(top, ann) >= SOME_CONTEXT || quoteEvidence(top, ann) >= QUOTE_ALONE_EVIDENCE)
    && !eatsContext(t, ann, top);
  return { top, net, acceptable: ok };
}

/**
 * Which 8-character pieces occur in a long text (a Bloom-like bit table of their hashes, built on
 * first use): a quote with a piece that occurs nowhere cannot occur either, so the exact and seed
 * searches over the whole text are skipped for the quotes an edit changed, most of the misses.
 */
class Grams {
  static readonly K = 8;
  private static readonly BITS = 23;
  private static readonly B = 0x01000193;
  private table: Uint32Array | undefined;
  constructor(private readonly t: string) {}

  /** Whether the text may contain `s` (never false when it does; short strings always may). */
  mayContain(s: string): boolean {
    const k = Grams.K;
    if (s.length < k || this.t.length < 65536) return true;
    const table = (this.table ??= this.build());
    const top = Grams.power();
    let h = 0;
    for (let i = 0; i < s.length; i++) {
      h = (Math.imul(h, Grams.B) + s.charCodeAt(i)) | 0;
      if (i >= k) h = (h - Math.imul(s.charCodeAt(i - k), top)) | 0;
      if (i >= k - 1) {
        const b = h >>> (32 - Grams.BITS);
        if ((table[b >>> 5] & (1 << (b & 31))) === 0) return false;
      }
    }
    return true;
  }

  /** B^K mod 2^32. */
  private static power(): number {
    let p = 1;
    for (let i = 0; i < Grams.K; i++) p = Math.imul(p, Grams.B);
    return p;
  }

  private build(): Uint32Array {
    const table = new Uint32Array(1 << (Grams.BITS - 5));
    const t = this.t;
    const k = Grams.K;
    const top = Grams.power();
    let h = 0;
    for (let i = 0; i < t.length; i++) {
      h = (Math.imul(h, Grams.B) + t.charCodeAt(i)) | 0;
      if (i >= k) h = (h - Math.imul(t.charCodeAt(i - k), top)) | 0;
      if (i >= k - 1) {
        const b = h >>> (32 - Grams.BITS);
        table[b >>> 5] |= 1 << (b & 31);
      }
    }
    return table;
  }
}

/** Exact occurrences of `quote` in text[from, to) (UTF-16), at most `limit`. */
function occurrences(text: string, quote: string, from: number, to: number, limit: number): Candidate[] {
  const out: Candidate[] = [];
  // Searched in a slice (cheap in V8), so a quote that is not there is not looked for to the end.
  const region = from === 0 && to === text.length ? text : text.slice(from, to);
  for (let i = region.indexOf(quote); i !== -1 && out.length < limit; i = region.indexOf(quote, i + 1)) {
    out.push({ start: from + i, end: from + i + quote.length, errors: 0 });
  }
  return out;
}

/** Moves an offset off the second half of a surrogate pair. */
function snap(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i;
}

function maxErrorsFor(quote: string, minSim: number): number {
  return Math.min(256, Math.floor(quote.length * (1 - minSim)));
}

/** Approximate matches of the quote inside text[from, to) (UTF-16). */
function fuzzyCandidates(text: string, quote: string, from: number, to: number, maxErrors: number): Candidate[] {
  const found = search(text.slice(from, to), quote, maxErrors);
  return found.map((m) => ({ start: snap(text, from + m.start), end: snap(text, from + m.end), errors: m.errors }));
}

/** A piece that occurs more often than this in the text says nothing about where the quote went. */
const MAX_SEED_HITS = 20;

/**
 * Approximate search away from the expected place, without scanning the whole text with the
 * (costly) approximate algorithm: the quote's start, middle and end pieces are looked up exactly
 * (fast), and the approximate search runs only in a window around each place one of them stands.
 * A passage that was moved and lightly reworded keeps some piece intact; a deleted one has none,
 * and is an orphan after a few cheap look-ups.
 */
function seededCandidates(text: string, quote: string, expected: number, minSim: number, reach: number, grams: Grams): Candidate[] {
  // Pieces are looked for within `reach` of the expected place (the whole text for an orphan).
  const from = Math.max(0, expected - reach);
  const to = Math.min(text.length, expected + quote.length + reach);
  const region = from === 0 && to === text.length ? text : text.slice(from, to);
  const maxErrors = maxErrorsFor(quote, minSim);
  const piece = Math.max(6, Math.min(24, Math.floor(quote.length / 4)));
  if (quote.length < piece) return [];
  const offsets = [...new Set([0, Math.floor((quote.length - piece) / 2), quote.length - piece])];
  const windows: [number, number][] = [];
  for (const o of offsets) {
    const p = quote.slice(o, o + piece);
    if (!grams.mayContain(p)) continue;
    const hits: number[] = [];
    for (let i = region.indexOf(p); i !== -1 && hits.length <= MAX_SEED_HITS; i = region.indexOf(p, i + 1)) hits.push(from + i);
    if (hits.length > MAX_SEED_HITS) continue;
    for (const h of hits) windows.push([Math.max(0, h - o - maxErrors - 1), Math.min(text.length, h - o + quote.length + maxErrors + 1)]);
  }
  if (windows.length === 0) return [];
  windows.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged.flatMap(([a, b]) => fuzzyCandidates(text, quote, a, b, maxErrors));
}

/**
 * Anchors every annotation against `text`, in place: positions are updated (removed for orphans).
 * Quotes are left as they were; the caller refreshes them from the text when it saves.
 * Returns one result per annotation, in the order given.
 */
export function reanchor(text: Text, annotations: readonly Annotation[], options: ReanchorOptions = {}): AnchorResult[] {
  const opts = { ...DEFAULTS, ...options };
  const t = text.text;
  const results = new Map<Annotation, AnchorResult>();
  // Document order, so each annotation can use how far its predecessor moved.
  const ordered = annotations
    .filter((a) => a.start !== undefined && a.end !== undefined)
    .sort((x, y) => x.start! - y.start! || x.end! - y.end!);
  const unplaced = annotations.filter((a) => a.start === undefined || a.end === undefined);
  let shift = 0; // code points the last anchored annotation moved by
  const grams = new Grams(t);
  for (const ann of [...ordered, ...unplaced]) {
    const res = anchorOne(text, t, ann, shift, opts, grams);
    if (res.status !== 'orphan' && ann.start !== undefined && res.start !== undefined) shift = res.start - ann.start;
    results.set(ann, res);
  }
  for (const ann of annotations) {
    const r = results.get(ann)!;
    setTarget(ann, r.start !== undefined && r.end !== undefined ? { target: 'passage', start: r.start, end: r.end } : ann.target === 'document' ? { target: 'document' } : { target: 'lost' });
  }
  return annotations.map((a) => results.get(a)!);
}

const percent = (x: number): string => `${Math.round(x * 100)}%`;

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** "the text before and after it matches 100% and 88%", or less when there is none. */
function contextWords(s: Scored, ann: Annotation): string {
  const parts: string[] = [];
  if (ann.prefix.length > 0) parts.push(`the text before it ${percent(s.prefixSim)}`);
  if (ann.suffix.length > 0) parts.push(`the text after it ${percent(s.suffixSim)}`);
  return parts.length === 0 ? '' : `; ${parts.join(', ')}`;
}

const CHECK = { high: '', medium: ' Probably right; check it.', low: ' Unsure: check it.' } as const;

function anchorOne(text: Text, t: string, ann: Annotation, shift: number, opts: Required<ReanchorOptions>, grams: Grams): AnchorResult {
  const { id, exact } = ann;
  const len = text.length;
  const hasPos = ann.start !== undefined && ann.end !== undefined && ann.start >= 0 && ann.end! >= ann.start! && ann.end! <= len;
  if (exact.length === 0) {
    // A passage recorded by its position only (written by another tool): it stays there; saving fills in its quote.
    if (hasPos && ann.end! > ann.start!) return { id, status: 'exact', start: ann.start, end: ann.end, confidence: 1, certainty: 'high', reason: 'Recorded by its position only; kept there.' };
    // A memo on the whole document has neither a position nor a quote: nothing to anchor.
    if (ann.target === 'document') return { id, status: 'exact', confidence: 1, certainty: 'high', reason: 'A note on the whole document: nothing to find.' };
    return { id, status: 'orphan', confidence: 0, certainty: 'low', reason: 'The annotation has no quoted text to look for.' };
  }
  const recorded = ann.start ?? 0;
  const recordedU16 = hasPos ? text.toUtf16(ann.start!) : -1;
  const expectedCp = Math.max(0, Math.min(len, recorded + (ann.start === undefined ? 0 : shift)));
  const expected = text.toUtf16(expectedCp);
  const at: Where = { expected, recorded: hasPos ? recordedU16 : -1 };
  /** Whether the saved prefix and suffix stand unchanged either side of text[from, from + quote). */
  const contextIntact = (from: number): boolean => t.startsWith(ann.prefix, from - ann.prefix.length) && t.startsWith(ann.suffix, from + exact.length);
  // 1. Still in place, with the text around it.
  const inPlace = hasPos && text.matchesAt(ann.start!, ann.end!, exact);
  if (inPlace && contextIntact(recordedU16)) {
    return { id, status: 'exact', start: ann.start, end: ann.end, confidence: 1, certainty: 'high', reason: 'Found unchanged in its place.' };
  }
  const place = (s: Scored, status: 'exact' | 'moved' | 'fuzzy', confidence: number, reason: string): AnchorResult => {
    const certainty = certaintyOf(confidence);
    return { id, status, start: text.toCodePoint(s.start), end: text.toCodePoint(s.end), confidence, certainty, reason: reason + CHECK[certainty] };
  };
  const movedBy = (s: Scored): string => {
    if (ann.start === undefined) return 'Found again';
    const d = text.toCodePoint(s.start) - ann.start;
    return d === 0 ? 'Found unchanged in its place' : `Found unchanged, ${plural(Math.abs(d), 'character')} ${d > 0 ? 'later' : 'earlier'} than before`;
  };
  // 2. Where its neighbour's shift puts it, with the text around it.
  if (ann.start !== undefined && t.startsWith(exact, expected) && contextIntact(expected)) {
    return { id, status: 'moved', start: text.toCodePoint(expected), end: text.toCodePoint(expected + exact.length), confidence: 1, certainty: 'high', reason: `${movedBy({ start: expected } as Scored)} (text was added or removed before it).` };
  }
  // 3. Unchanged but with different text around it: the best occurrence by context, then by
  // distance (its recorded place and where its neighbour's shift puts it are candidates too); near
  // the expected place when the context agrees there, else anywhere.
  const win = opts.window;
  const wFrom = Math.max(0, expected - win);
  const wTo = Math.min(t.length, expected + exact.length + win);
  let exactBest: Scored | undefined;
  if (ann.start !== undefined) {
    const near = occurrences(t, exact, wFrom, wTo, MAX_OCCURRENCES);
    if (inPlace && (recordedU16 < wFrom || recordedU16 + exact.length > wTo)) near.push({ start: recordedU16, end: recordedU16 + exact.length, errors: 0 });
    exactBest = best(t, ann, near, at);
  }
  // A quote found nearby with its context mostly there is looked for no further; a short one
  // (which may recur) unless its context is nearly all there.
  const nearContext = exactBest ? exactBest.prefixSim + exactBest.suffixSim : 0;
  if (!exactBest || nearContext < 1.5 || (exact.length < 32 && nearContext < 1.9)) {
    const anywhere = grams.mayContain(exact) ? best(t, ann, occurrences(t, exact, 0, t.length, MAX_OCCURRENCES), at) : undefined;
    if (anywhere && (!exactBest || anywhere.rank > exactBest.rank)) exactBest = anywhere;
  }
  if (exactBest) {
    const atRecorded = exactBest.start === recordedU16;
    const atExpected = atRecorded || exactBest.start === expected;
    const e = evidence(exactBest, ann);
    // At the place it was expected, a coincidence is unlikely; elsewhere the context must say so.
    const conf = atExpected ? Math.max(0.9, confidenceFrom(e, EXACT_EVIDENCE, 1)) : confidenceFrom(e, EXACT_EVIDENCE, 0.99);
    const differs = exactBest.prefixSim + exactBest.suffixSim < 2 ? '; the text around it changed' : '';
    const where = atRecorded ? 'Found unchanged in its place' : atExpected ? `${movedBy(exactBest)} (text was added or removed before it)` : `${movedBy(exactBest)}, elsewhere in the document`;
    return place(exactBest, atRecorded ? 'exact' : 'moved', conf, `${where}${differs}${differs ? contextWords(exactBest, ann) : ''}.`);
  }
  // 4. Approximately, near the expected place and then around pieces of the quote found elsewhere.
  if (exact.length >= opts.minFuzzyLength) {
    const maxErrors = maxErrorsFor(exact, opts.minSimilarity);
    // Just around the expected place (a quote edited where it stands), then around the pieces of
    // it found within reach; or, without that, in the whole window.
    const close = opts.noGlobalFuzzy ? win : Math.min(win, NEARBY + exact.length);
    const cFrom = Math.max(0, expected - close);
    const cTo = Math.min(t.length, expected + exact.length + close);
    let pick = ann.start !== undefined ? pickFuzzy(t, ann, fuzzyCandidates(t, exact, cFrom, cTo, maxErrors), at, opts.minSimilarity) : undefined;
    let lookAlike = pick !== undefined && !pick.acceptable;
    if ((!pick || lookAlike) && !opts.noGlobalFuzzy) {
      const far = pickFuzzy(t, ann, seededCandidates(t, exact, expected, opts.minSimilarity, ann.start !== undefined ? opts.seedReach : t.length, grams), at, opts.minSimilarity);
      if (far?.acceptable) {
        pick = far;
        lookAlike = false;
      } else if (far) {
        lookAlike = true;
      }
    }
    if (pick?.acceptable) {
      const c = pick.top;
      const conf = confidenceFrom(pick.net, FUZZY_EVIDENCE, 0.95);
      return place(c, 'fuzzy', conf, `The quoted text changed; matched a passage ${percent(c.quoteSim)} similar (${plural(c.errors, 'character')} differ${c.errors === 1 ? 's' : ''})${contextWords(c, ann)}.`);
    }
    if (lookAlike) {
      return { id, status: 'orphan', confidence: 0, certainty: 'low', reason: 'The quoted text is no longer in the document. Similar passages were found, but not with the text that surrounded it, so it was not attached to any of them.' };
    }
  }
  // 5. Orphan.
  return {
    id,
    status: 'orphan',
    confidence: 0,
    certainty: 'low',
    reason: exact.length < opts.minFuzzyLength
      ? 'The quoted text is no longer in the document (too short to match approximately).'
      : 'The quoted text is no longer in the document, nor anything close to it.',
  };
}
