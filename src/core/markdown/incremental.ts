/**
 * Re-reading a document's structure after an edit without parsing the whole text again.
 *
 * A full remark parse costs about 0.8 s per MB with GFM and front matter: too slow for every
 * keystroke in long field notes. Markdown blocks are mostly independent once a blank line
 * separates them, so an edit only needs the top-level blocks it touches parsed again, widened to
 * boundaries where the parser starts afresh; everything after them just moves.
 *
 * The region parsed again starts at the beginning of a line that follows a blank line, after a
 * block that nothing below can extend, and ends at the end of a line before a blank line, with a
 * last block that cannot extend past it. Concretely:
 *
 * - it takes the top-level blocks the edit touches (typing just after a block touches it), and the
 *   block before as well when the edit starts in the space between two blocks;
 * - it widens backwards while the block before is a list, code or a definition (a list item or
 *   indented code can go on across a blank line) or no blank line separates it from the region (a
 *   paragraph can become a setext heading, a list can take in a lazy line);
 * - it widens forwards the same way, and also past HTML blocks (a comment runs across blank
 *   lines until its `-->`);
 * - it parses the region on its own; if the region's new last block is anything but a paragraph,
 *   heading, thematic break, block quote or table (an unclosed code fence or comment runs to the
 *   end of the document; a list can take in what follows), it parses from the region's start to
 *   the end of the document instead ('suffix');
 * - it parses the whole text ('full') when the edit touches the front matter or the space after
 *   it; when the text opens with `---` but has no front matter (a `---` line anywhere would close
 *   it); when the region would begin with `---` (parsed on its own, that would be front matter);
 *   whenever the old or new text contains `]:` (a link or footnote definition anywhere changes how
 *   `[text]` reads in every other block); and when `previous` did not come from parseStructure or
 *   updateStructure, or the lengths do not add up.
 *
 * A property test checks that the result always deep-equals parseStructure(newText).
 */
import { assemble, type BlockRecord, parseStats, parseStructure, readBlocks, remember, stateOf, type DocumentStructure, type Range } from './structure';

/** One edit in UTF-16 offsets of the previous text: `removed` units at `offset` replaced by `inserted`. */
export interface TextChange {
  offset: number;
  removed: number;
  inserted: string;
}

export interface StructureUpdate {
  structure: DocumentStructure;
  /**
   * 'partial': only the blocks around the edit were parsed (`reparsed`, which reaches the end when
   * the edit is in the last blocks); 'suffix': the region's new last block could run on, so
   * everything from the region's start to the end was parsed; 'full': the whole text.
   */
  mode: 'partial' | 'suffix' | 'full';
  /** What was parsed, in offsets of the new text. */
  reparsed: Range;
}

/** Block types that a following block can continue across a blank line, or that the parser cannot tell apart cheaply. */
const EXTENDS_FORWARD = new Set(['list', 'code', 'definition', 'footnoteDefinition']);
/** Block types that end for good at a blank line (or at their own line's end) whatever follows. */
const CLOSED_BY_BLANK = new Set(['paragraph', 'heading', 'thematicBreak', 'blockquote', 'table']);

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  const i = text.indexOf('\n', at);
  return i === -1 ? text.length : i;
}

/** Whether text[from, to) is only spaces, tabs and line ends, with a blank line: at least two line ends. */
function blankLineBetween(text: string, from: number, to: number): boolean {
  let newlines = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) newlines++;
    else if (c !== 32 && c !== 9) return false;
  }
  return newlines >= 2;
}

function countNewlines(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Index of the first record with end >= x (records.length if none). */
function firstEndingAtOrAfter(records: readonly BlockRecord[], x: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid].end < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last record with start <= x (-1 if none). */
function lastStartingAtOrBefore(records: readonly BlockRecord[], x: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid].start <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function full(newText: string): StructureUpdate {
  return { structure: parseStructure(newText), mode: 'full', reparsed: { start: 0, end: newText.length } };
}

/**
 * The structure of `newText`, which is `previousText` with `change` applied, re-using `previous`
 * (the structure of `previousText`) for every block the edit cannot have changed. Gives exactly
 * what parseStructure(newText) gives.
 */
export function updateStructure(previous: DocumentStructure, previousText: string, change: TextChange, newText: string): DocumentStructure {
  return updateStructureDetailed(previous, previousText, change, newText).structure;
}

/** updateStructure, also saying how much was parsed again. */
export function updateStructureDetailed(previous: DocumentStructure, previousText: string, change: TextChange, newText: string): StructureUpdate {
  const state = stateOf(previous);
  const { offset, removed, inserted } = change;
  const delta = inserted.length - removed;
  if (
    !state || previous.length !== previousText.length || newText.length !== previousText.length + delta ||
    offset < 0 || removed < 0 || offset + removed > previousText.length
  ) return full(newText);
  const mayHaveDefinitions = newText.includes(']:');
  if (mayHaveDefinitions || state.mayHaveDefinitions) return full(newText);

  // A text that opens with `---` but has no front matter gets some as soon as a `---` line appears anywhere.
  if (!state.frontMatter && (newText.startsWith('---') || previousText.startsWith('---'))) return full(newText);

  const records = state.records;
  const n = records.length;
  if (n === 0) return full(newText);
  const editStart = offset;
  const editEnd = offset + removed;

  // The blocks the edit touches (inclusive at both ends: typing just after a block changes it).
  let i0 = firstEndingAtOrAfter(records, editStart);
  if (i0 === n) i0 = n - 1;
  if (i0 > 0 && lineStart(previousText, records[i0].start) > editStart) i0--;
  let i1 = Math.max(0, lastStartingAtOrBefore(records, editEnd));
  if (i1 < n - 1 && lineEnd(previousText, records[i1].end) < editEnd) i1++;
  if (i1 < i0) i1 = i0;

  // Widen backwards to a fresh start.
  for (;;) {
    if (records[i0].type === 'yaml') return full(newText);
    if (i0 === 0) break; // no front matter: the region starts at the start of the text
    const before = records[i0 - 1];
    if (EXTENDS_FORWARD.has(before.type) || !blankLineBetween(previousText, before.end, lineStart(previousText, records[i0].start))) {
      i0--;
      continue;
    }
    break;
  }
  // The region starts at the beginning of its first block's line, before the edit.
  const start = i0 === 0 ? 0 : lineStart(previousText, records[i0].start);
  if (newText.startsWith('---', start)) return full(newText);

  // Widen forwards to a clean end.
  let toEnd = false;
  for (;;) {
    if (i1 >= n - 1) {
      toEnd = true;
      break;
    }
    const last = records[i1];
    if (last.type === 'html' || EXTENDS_FORWARD.has(last.type) || !blankLineBetween(previousText, last.end, lineStart(previousText, records[i1 + 1].start))) {
      i1++;
      continue;
    }
    break;
  }
  const oldEnd = toEnd ? previousText.length : lineEnd(previousText, records[i1].end);
  const newEnd = oldEnd + delta;
  const line = i0 === 0 ? 1 : records[i0].line;

  let mode: StructureUpdate['mode'] = 'partial';
  let parsed = readBlocks(newText, start, line, newText.slice(start, newEnd), true);
  if (parsed.yaml) return full(newText);
  let fresh = parsed.records;
  if (!toEnd && fresh.length > 0 && !CLOSED_BY_BLANK.has(fresh[fresh.length - 1].type)) {
    // The new last block may run on into what follows: read to the end.
    toEnd = true;
    mode = 'suffix';
    parsed = readBlocks(newText, start, line, newText.slice(start), true);
    if (parsed.yaml) return full(newText);
    fresh = parsed.records;
  }
  const reparsedEnd = toEnd ? newText.length : newEnd;
  parseStats.partial++;
  parseStats.units += reparsedEnd - start;

  // Splice: blocks before the region as they were, the region's new blocks, the rest moved.
  const tail = toEnd ? 0 : n - i1 - 1;
  const out: BlockRecord[] = new Array(i0 + fresh.length + tail);
  for (let i = 0; i < i0; i++) out[i] = records[i];
  for (let i = 0; i < fresh.length; i++) out[i0 + i] = fresh[i];
  if (tail > 0) {
    const lineDelta = countNewlines(inserted) - countNewlines(previousText, editStart, editEnd);
    let k = i0 + fresh.length;
    for (let i = i1 + 1; i < n; i++) {
      const r = records[i];
      out[k++] = delta === 0 && lineDelta === 0 ? r : { ...r, start: r.start + delta, end: r.end + delta, line: r.line + lineDelta };
    }
  }
  const structure = assemble(out, newText, state.frontMatter, state.frontMatterProblems);
  remember(structure, { records: out, frontMatter: state.frontMatter, frontMatterProblems: state.frontMatterProblems, mayHaveDefinitions });
  return { structure, mode, reparsed: { start, end: reparsedEnd } };
}
