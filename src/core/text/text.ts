/**
 * Document text as the sidecar sees it: BOM removed, every CRLF or lone CR turned into LF, and
 * positions counted in Unicode code points (as W3C Web Annotation and REFI-QDA require), while
 * JavaScript strings and VS Code count UTF-16 units. This module is the one boundary between the
 * two units; it has a fast path for the common text with no astral characters.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Strips a leading BOM and turns CRLF / lone CR into LF. Returns the input when nothing changes. */
export function normalizeText(raw: string): string {
  let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
  return text;
}

/** A stable hash of normalised text, recorded in the sidecar to tell whether the text changed. */
export function hashText(normalized: string): string {
  return 'sha256:' + bytesToHex(sha256(new TextEncoder().encode(normalized)));
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Number of values in the sorted array that are strictly below x. */
function countBelow(sorted: Int32Array | number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Normalised text with conversions between code-point offsets (the sidecar's unit) and UTF-16
 * offsets (JavaScript's). Immutable: build a new one when the text changes.
 */
export class Text {
  readonly text: string;
  /** UTF-16 offsets of the first unit of each surrogate pair, ascending. */
  private readonly astralUtf16: Int32Array;
  /** Code-point offsets of the same characters, ascending. */
  private readonly astralCp: Int32Array;
  /** Length in code points. */
  readonly length: number;

  constructor(normalized: string) {
    this.text = normalized;
    const u16: number[] = [];
    const cp: number[] = [];
    for (let i = 0; i < normalized.length; i++) {
      if (isHighSurrogate(normalized.charCodeAt(i)) && isLowSurrogate(normalized.charCodeAt(i + 1))) {
        u16.push(i);
        cp.push(i - u16.length + 1);
        i++;
      }
    }
    this.astralUtf16 = Int32Array.from(u16);
    this.astralCp = Int32Array.from(cp);
    this.length = normalized.length - u16.length;
  }

  static fromRaw(raw: string): Text {
    return new Text(normalizeText(raw));
  }

  get hasAstral(): boolean {
    return this.astralCp.length > 0;
  }

  /** UTF-16 offset of a code-point offset. */
  toUtf16(cp: number): number {
    return this.astralCp.length === 0 ? cp : cp + countBelow(this.astralCp, cp);
  }

  /**
   * Code-point offset of a UTF-16 offset. An offset between the two halves of a surrogate pair
   * counts as the start of that character.
   */
  toCodePoint(utf16: number): number {
    return this.astralUtf16.length === 0 ? utf16 : utf16 - countBelow(this.astralUtf16, utf16);
  }

  /** The text between two code-point offsets. */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }

  /** Whether the text between the code-point offsets equals `s`, without allocating. */
  matchesAt(start: number, end: number, s: string): boolean {
    const a = this.toUtf16(start);
    const b = this.toUtf16(end);
    return b - a === s.length && this.text.startsWith(s, a);
  }

  /** Up to `n` code points before `start`. */
  before(start: number, n = CONTEXT_LENGTH): string {
    return this.slice(Math.max(0, start - n), start);
  }

  /** Up to `n` code points after `end`. */
  after(end: number, n = CONTEXT_LENGTH): string {
    return this.slice(end, Math.min(this.length, end + n));
  }
}

/** How much context a TextQuoteSelector keeps either side of the quote, in code points. */
export const CONTEXT_LENGTH = 32;

/** Length of a string in code points. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if (isHighSurrogate(s.charCodeAt(i)) && isLowSurrogate(s.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  return n;
}

/** The last `n` code points of a string. */
export function lastCodePoints(s: string, n: number): string {
  const cps = Array.from(s);
  return cps.length <= n ? s : cps.slice(cps.length - n).join('');
}

/** The first `n` code points of a string. */
export function firstCodePoints(s: string, n: number): string {
  const cps = Array.from(s);
  return cps.length <= n ? s : cps.slice(0, n).join('');
}

/** Where each line of a text starts (UTF-16 offsets), to turn offsets into line and column. */
export class LineIndex {
  private readonly starts: Int32Array;

  constructor(text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = Int32Array.from(starts);
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    return Math.max(0, countBelow(this.starts, offset + 1) - 1);
  }

  /** 0-based line and column of an offset. */
  position(offset: number): { line: number; character: number } {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line] };
  }
}
