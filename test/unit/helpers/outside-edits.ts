/**
 * A simulation of editing a document outside the editor, tracking where every original character
 * went, to judge re-anchoring against the truth rather than against the quote text alone.
 *
 * Every code point of the edited document carries its origin: the index of the original code point
 * it is (or was copied from), or -1 for text typed in. Characters copied by "duplicate a passage"
 * keep their origin and are marked as copies, so a segment placed on an identical copy of its text
 * counts as on its own text, while "untouched" means the original, not a copy, is still whole.
 */
import type { AnchorResult, Annotation } from '../../../src/core/model/annotation';

export interface Char {
  c: string;
  /** Original code-point index, or -1 for inserted text. */
  orig: number;
  /** Copied from elsewhere by a duplication. */
  copy: boolean;
}

export type EditKind = 'insert' | 'delete' | 'reword' | 'deleteSegment' | 'duplicate' | 'move';

/** One edit, in numbers the simulator turns into positions in the current document. */
export interface EditSpec {
  kind: EditKind;
  a: number;
  b: number;
  c: number;
}

/** Word and sentence boundaries near an index (so edits look like a person's). */
function snapToSpace(doc: readonly Char[], i: number): number {
  for (let k = 0; k < 20 && i + k < doc.length; k++) if (doc[i + k].c === ' ' || doc[i + k].c === '\n') return i + k + 1;
  return Math.min(i, doc.length);
}

/**
 * Applies one edit to `doc` (returning the new array). `words` is the vocabulary typed text
 * comes from; `segments` are the original ranges of the annotations, for "delete a whole segment".
 */
export function applyEdit(doc: Char[], e: EditSpec, words: readonly string[], segments: readonly { start: number; end: number }[]): Char[] {
  const typed = (n: number, seed: number): Char[] => {
    const out: string[] = [];
    for (let k = 0; k < n; k++) out.push(words[(seed + k * 7919) % words.length]);
    return Array.from(out.join(' ') + ' ', (c) => ({ c, orig: -1, copy: false }));
  };
  const len = doc.length;
  if (len === 0) return doc;
  switch (e.kind) {
    case 'insert': {
      const at = snapToSpace(doc, e.a % (len + 1));
      return [...doc.slice(0, at), ...typed(1 + (e.b % 12), e.c), ...doc.slice(at)];
    }
    case 'delete': {
      const at = e.a % len;
      const n = Math.min(len - at, 1 + (e.b % 300));
      return [...doc.slice(0, at), ...doc.slice(at + n)];
    }
    case 'reword': {
      // One to three words replaced by others.
      const at = snapToSpace(doc, e.a % len);
      let end = at;
      let wordsLeft = 1 + (e.b % 3);
      while (end < len && wordsLeft > 0) {
        if (doc[end].c === ' ' || doc[end].c === '\n') wordsLeft--;
        end++;
      }
      return [...doc.slice(0, at), ...typed(1 + (e.b % 3), e.c), ...doc.slice(end)];
    }
    case 'deleteSegment': {
      // Everything left of one segment's original text, from its first to its last surviving character.
      if (segments.length === 0) return doc;
      const s = segments[e.a % segments.length];
      let first = -1;
      let last = -1;
      doc.forEach((d, i) => {
        if (!d.copy && d.orig >= s.start && d.orig < s.end) {
          if (first < 0) first = i;
          last = i;
        }
      });
      if (first < 0) return doc;
      return [...doc.slice(0, first), ...doc.slice(last + 1)];
    }
    case 'duplicate':
    case 'move': {
      const from = e.a % len;
      const n = Math.min(len - from, 20 + (e.b % 500));
      const piece = doc.slice(from, from + n);
      if (e.kind === 'duplicate') {
        const at = e.c % (len + 1);
        return [...doc.slice(0, at), ...piece.map((d) => ({ ...d, copy: d.orig >= 0 })), ...doc.slice(at)];
      }
      const rest = [...doc.slice(0, from), ...doc.slice(from + n)];
      const at = e.c % (rest.length + 1);
      return [...rest.slice(0, at), ...piece, ...rest.slice(at)];
    }
  }
}

export interface Verdict {
  /** Untouched segments (their original text still whole and in one piece). */
  untouched: number;
  /**
   * ... of which placed on another passage with exactly their words (a duplicated copy, or a
   * repetition in the transcript) whose surroundings match the saved context at least as well as
   * their own text's do, or when the edits changed the text on both sides of their own text:
   * nothing but position tells the two apart (allowed, counted).
   */
  untouchedOnCopy: number;
  /** ... of which not exactly on that text. */
  untouchedMisplaced: string[];
  /** Segments none of whose characters remain (nor any copy). */
  deleted: number;
  /** ... of which placed on text that is not their quote. */
  deletedPlaced: string[];
  /** ... of which placed on another occurrence of exactly their quote (allowed; counted). */
  deletedOnIdentical: number;
  /** Approximate (fuzzy) placements. */
  fuzzy: number;
  /** ... of which on text the segment never covered. */
  fuzzyWrong: string[];
  /** Every result, with whether it was right, for looking at confidences. */
  placements: { status: AnchorResult['status']; right: boolean; confidence?: number; quoteLength: number }[];
}

export function emptyVerdict(): Verdict {
  return { untouched: 0, untouchedOnCopy: 0, untouchedMisplaced: [], deleted: 0, deletedPlaced: [], deletedOnIdentical: 0, fuzzy: 0, fuzzyWrong: [], placements: [] };
}

/**
 * A fuzzy placement is on the segment's text when it covers at least half of the segment's
 * surviving characters (counting each original character once, whether it stands in the original
 * place or in a copy) and those make up at least a third of what it covers: the segment's text,
 * lightly edited, perhaps stretched over a few neighbouring words. Anything less is "text the
 * segment never covered".
 */
export const MIN_SURVIVING_SHARE = 0.5;
export const MIN_OWN_SHARE = 1 / 3;

/** Levenshtein distance (small strings: contexts of 32 characters). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Judges re-anchoring results for annotations whose original ranges are `original`. */
export function judge(
  doc: readonly Char[],
  original: readonly { start: number; end: number; exact: string; prefix: string; suffix: string }[],
  results: readonly AnchorResult[],
  into: Verdict = emptyVerdict(),
): Verdict {
  const text = doc.map((d) => d.c);
  results.forEach((r, i) => {
    const o = original[i];
    const len = o.end - o.start;
    const label = (what: string): string => `"${o.exact.slice(0, 60)}" (${len} characters) ${what}`;
    const placed = r.start !== undefined && r.end !== undefined ? text.slice(r.start, r.end).join('') : undefined;
    // Where the original (not a copy) still stands whole.
    const firstAt = doc.findIndex((d) => !d.copy && d.orig === o.start);
    const untouched = firstAt >= 0 && firstAt + len <= doc.length && doc.slice(firstAt, firstAt + len).every((d, k) => !d.copy && d.orig === o.start + k);
    const anySurvives = doc.some((d) => d.orig >= o.start && d.orig < o.end);
    let right: boolean;
    if (untouched) {
      into.untouched++;
      right = (r.status === 'exact' || r.status === 'moved') && r.start === firstAt && r.end === firstAt + len;
      if (!right && placed === o.exact) {
        // Another passage with exactly its words: excused when the text around it is at least as
        // close to the saved context as the text around the segment's own (nothing tells them apart).
        const misfit = (s: number, e: number) => distance(text.slice(Math.max(0, s - Array.from(o.prefix).length), s).join(''), o.prefix) + distance(text.slice(e, e + Array.from(o.suffix).length).join(''), o.suffix);
        // Or when the edits changed the text on both sides of the segment's own text: then only
        // position tells them apart, and a short quote may well recur near there.
        const pl = Array.from(o.prefix).length;
        const sl = Array.from(o.suffix).length;
        const ownContextGone = text.slice(Math.max(0, firstAt - pl), firstAt).join('') !== o.prefix && text.slice(firstAt + len, firstAt + len + sl).join('') !== o.suffix;
        if (misfit(r.start!, r.end!) <= misfit(firstAt, firstAt + len) || ownContextGone) {
          right = true;
          into.untouchedOnCopy++;
        }
      }
      if (!right) into.untouchedMisplaced.push(label(`was ${r.status} at ${r.start}–${r.end}, not on its untouched text at ${firstAt}–${firstAt + len}${placed !== undefined ? `: "${placed.slice(0, 60)}"` : ''}`));
    } else if (!anySurvives) {
      into.deleted++;
      right = r.status === 'orphan' || placed === o.exact;
      if (placed === o.exact) into.deletedOnIdentical++;
      else if (!right) into.deletedPlaced.push(label(`was deleted, yet placed (${r.status}) on "${placed?.slice(0, 60)}"`));
    } else if (r.status === 'fuzzy') {
      const own = new Set(doc.slice(r.start!, r.end!).filter((d) => d.orig >= o.start && d.orig < o.end).map((d) => d.orig)).size;
      const surviving = new Set(doc.filter((d) => d.orig >= o.start && d.orig < o.end).map((d) => d.orig)).size;
      right = own >= MIN_SURVIVING_SHARE * surviving && own >= MIN_OWN_SHARE * (r.end! - r.start!);
      if (!right) into.fuzzyWrong.push(label(`placed approximately on "${placed!.slice(0, 60)}", of which only ${own} of ${r.end! - r.start!} characters are its own (${surviving} survive)`));
    } else {
      right = r.status === 'orphan' || placed === o.exact;
    }
    if (r.status === 'fuzzy') into.fuzzy++;
    into.placements.push({ status: r.status, right, confidence: (r as { confidence?: number }).confidence, quoteLength: len });
  });
  return into;
}

export function tag(text: string): Char[] {
  return Array.from(text, (c, i) => ({ c, orig: i, copy: false }));
}

/** The annotations' original ranges and quotes, before re-anchoring changes them. */
export function originals(anns: readonly Annotation[]): { start: number; end: number; exact: string; prefix: string; suffix: string }[] {
  return anns.map((a) => ({ start: a.start!, end: a.end!, exact: a.exact, prefix: a.prefix, suffix: a.suffix }));
}

/** Vocabulary of a text, for typed words that look like the document's own. */
export function vocabulary(text: string): string[] {
  const ws = [...new Set(text.split(/\s+/).filter((w) => w.length > 0 && w.length < 20))];
  return ws.length > 0 ? ws : ['word'];
}

/** Word-aligned random spans: [start, end) code points over a text of `length`. */
export function spanAt(chars: readonly string[], startSeed: number, length: number): { start: number; end: number } | undefined {
  let s = startSeed % chars.length;
  while (s > 0 && chars[s - 1] !== ' ' && chars[s - 1] !== '\n' && startSeed % chars.length - s < 15) s--;
  let e = Math.min(chars.length, s + length);
  while (e < chars.length && chars[e] !== ' ' && chars[e] !== '\n' && e - s < length + 15) e++;
  while (e > s && (chars[e - 1] === ' ' || chars[e - 1] === '\n')) e--;
  return e > s ? { start: s, end: e } : undefined;
}
