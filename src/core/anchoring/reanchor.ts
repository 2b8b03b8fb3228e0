/**
 * Re-anchoring on load: finds each annotation's place in a text that changed since the sidecar
 * was saved (edited outside VS Code, a git checkout, a merge).
 *
 * For each annotation, in document order, the first step that succeeds wins:
 * 1. the quote is still at its recorded position: `exact`;
 * 2. the quote is at its recorded position shifted by how far its nearest anchored neighbour
 *    moved, or elsewhere near there: `moved`;
 * 3. the quote is elsewhere in the text, best by context and distance: `moved`;
 * 4. an approximate match (Myers' bit-parallel algorithm from approx-string-match, as used by
 *    Hypothesis) near the expected place, then around every place within about 64,000 characters
 *    where a piece of the quote (its start, middle or end) still stands unchanged (the whole text
 *    for an orphan), scored on quote, context and position: `fuzzy`;
 * 5. otherwise `orphan`: kept with its quote, position removed, never deleted.
 */
import search from 'approx-string-match';
import type { AnchorResult, Annotation } from '../model/annotation';
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

/** Length of the common suffix of a and b. */
function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}
/** Length of the common prefix of a and b. */
function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

interface Candidate {
  /** UTF-16 offsets in the text. */
  start: number;
  end: number;
  errors: number;
}

/**
 * Scores a candidate place: quote similarity matters most, then matching context, then nearness
 * to the expected place. Scores are comparable only for the same annotation.
 */
function score(text: string, ann: Annotation, c: Candidate, expected: number): number {
  const quoteSim = ann.exact.length === 0 ? 1 : 1 - c.errors / ann.exact.length;
  const before = text.slice(Math.max(0, c.start - ann.prefix.length), c.start);
  const after = text.slice(c.end, c.end + ann.suffix.length);
  const prefixSim = ann.prefix.length === 0 ? 1 : commonSuffix(before, ann.prefix) / ann.prefix.length;
  const suffixSim = ann.suffix.length === 0 ? 1 : commonPrefix(after, ann.suffix) / ann.suffix.length;
  const nearness = 1 - Math.min(1, Math.abs(c.start - expected) / Math.max(text.length, 1));
  return 50 * quoteSim + 20 * prefixSim + 20 * suffixSim + 2 * nearness;
}

function best(text: string, ann: Annotation, cands: Candidate[], expected: number): Candidate | undefined {
  let top: Candidate | undefined;
  let topScore = -Infinity;
  for (const c of cands) {
    const s = score(text, ann, c, expected);
    if (s > topScore || (s === topScore && top && Math.abs(c.start - expected) < Math.abs(top.start - expected))) {
      top = c;
      topScore = s;
    }
  }
  return top;
}

/** Exact occurrences of `quote` in text[from, to) (UTF-16), at most `limit`. */
function occurrences(text: string, quote: string, from: number, to: number, limit: number): Candidate[] {
  const out: Candidate[] = [];
  let i = text.indexOf(quote, from);
  while (i !== -1 && i + quote.length <= to && out.length < limit) {
    out.push({ start: i, end: i + quote.length, errors: 0 });
    i = text.indexOf(quote, i + 1);
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

function fuzzy(text: string, ann: Annotation, from: number, to: number, expected: number, minSim: number): Candidate | undefined {
  return best(text, ann, fuzzyCandidates(text, ann.exact, from, to, maxErrorsFor(ann.exact, minSim)), expected);
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
function seededFuzzy(text: string, ann: Annotation, expected: number, minSim: number, reach: number): Candidate | undefined {
  const quote = ann.exact;
  // Pieces are looked for within `reach` of the expected place (the whole text for an orphan).
  const from = Math.max(0, expected - reach);
  const region = text.slice(from, Math.min(text.length, expected + quote.length + reach));
  const maxErrors = maxErrorsFor(quote, minSim);
  const piece = Math.max(6, Math.min(24, Math.floor(quote.length / 4)));
  if (quote.length < piece) return undefined;
  const offsets = [...new Set([0, Math.floor((quote.length - piece) / 2), quote.length - piece])];
  const windows: [number, number][] = [];
  for (const o of offsets) {
    const p = quote.slice(o, o + piece);
    const hits: number[] = [];
    for (let i = region.indexOf(p); i !== -1 && hits.length <= MAX_SEED_HITS; i = region.indexOf(p, i + 1)) hits.push(from + i);
    if (hits.length > MAX_SEED_HITS) continue;
    for (const h of hits) windows.push([Math.max(0, h - o - maxErrors - 1), Math.min(text.length, h - o + quote.length + maxErrors + 1)]);
  }
  if (windows.length === 0) return undefined;
  windows.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  const cands = merged.flatMap(([from, to]) => fuzzyCandidates(text, quote, from, to, maxErrors));
  return best(text, ann, cands, expected);
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
  for (const ann of [...ordered, ...unplaced]) {
    const res = anchorOne(text, t, ann, shift, opts);
    if (res.status !== 'orphan' && ann.start !== undefined && res.start !== undefined) shift = res.start - ann.start;
    results.set(ann, res);
  }
  for (const ann of annotations) {
    const r = results.get(ann)!;
    ann.start = r.start;
    ann.end = r.end;
  }
  return annotations.map((a) => results.get(a)!);
}

function anchorOne(text: Text, t: string, ann: Annotation, shift: number, opts: Required<ReanchorOptions>): AnchorResult {
  const { id, exact } = ann;
  const len = text.length;
  const hasPos = ann.start !== undefined && ann.end !== undefined && ann.start >= 0 && ann.end! >= ann.start! && ann.end! <= len;
  if (exact.length === 0) {
    // A passage recorded by its position only (written by another tool): it stays there; saving fills in its quote.
    if (hasPos && ann.end! > ann.start!) return { id, status: 'exact', start: ann.start, end: ann.end };
    // A memo on the whole document has neither a position nor a quote: nothing to anchor.
    if (ann.start === undefined && ann.end === undefined && ann.kept?.passage !== true) return { id, status: 'exact' };
    return { id, status: 'orphan', reason: 'The annotation has no quoted text to look for.' };
  }
  // 1. Still in place.
  if (hasPos && text.matchesAt(ann.start!, ann.end!, exact)) {
    return { id, status: 'exact', start: ann.start, end: ann.end };
  }
  const recorded = ann.start ?? 0;
  const expectedCp = Math.max(0, Math.min(len, recorded + (ann.start === undefined ? 0 : shift)));
  const expected = text.toUtf16(expectedCp);
  const toResult = (c: Candidate, status: 'moved' | 'fuzzy', reason?: string): AnchorResult => {
    const r: AnchorResult = { id, status, start: text.toCodePoint(c.start), end: text.toCodePoint(c.end) };
    if (reason) r.reason = reason;
    return r;
  };
  // 2. Where its neighbour's shift puts it, or near there.
  if (ann.start !== undefined && t.startsWith(exact, expected)) {
    return toResult({ start: expected, end: expected + exact.length, errors: 0 }, 'moved');
  }
  const win = opts.window;
  const wFrom = Math.max(0, expected - win);
  const wTo = Math.min(t.length, expected + exact.length + win);
  if (ann.start !== undefined) {
    const near = occurrences(t, exact, wFrom, wTo, MAX_OCCURRENCES);
    const c = best(t, ann, near, expected);
    if (c) return toResult(c, 'moved');
  }
  // 3. Anywhere.
  const all = occurrences(t, exact, 0, t.length, MAX_OCCURRENCES);
  const anywhere = best(t, ann, all, expected);
  if (anywhere) return toResult(anywhere, 'moved');
  // 4. Approximately, near the expected place and then anywhere.
  if (exact.length >= opts.minFuzzyLength) {
    let c = ann.start !== undefined ? fuzzy(t, ann, wFrom, wTo, expected, opts.minSimilarity) : undefined;
    if (!c && !opts.noGlobalFuzzy) c = seededFuzzy(t, ann, expected, opts.minSimilarity, ann.start !== undefined ? opts.seedReach : t.length);
    if (c) {
      const similarity = Math.round((1 - c.errors / exact.length) * 100);
      return toResult(c, 'fuzzy', `The quoted text changed; matched a passage ${similarity}% similar (${c.errors} character${c.errors === 1 ? '' : 's'} differ).`);
    }
  }
  // 5. Orphan.
  return {
    id,
    status: 'orphan',
    reason: exact.length < opts.minFuzzyLength
      ? 'The quoted text is no longer in the document (too short to match approximately).'
      : 'The quoted text is no longer in the document, nor anything close to it.',
  };
}
