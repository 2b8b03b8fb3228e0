/** Creating annotations and keeping their quotes in step with the text. */
import type { Annotation } from './model/annotation';
import { CONTEXT_LENGTH, type Text } from './text/text';

/** A new "urn:uuid:" id (Web Crypto, present in Node 20 and every browser). */
export function newAnnotationId(): string {
  return 'urn:uuid:' + globalThis.crypto.randomUUID();
}

/** An ISO 8601 UTC date-time to the second, as written in sidecars. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface NewAnnotation {
  start: number;
  end: number;
  codes: string[];
  creator: string;
  memo?: string;
  id?: string;
  now?: Date;
}

/** An annotation over text[start, end) (code points), with its quote and context. */
export function createAnnotation(text: Text, spec: NewAnnotation): Annotation {
  if (!(spec.start >= 0 && spec.end > spec.start && spec.end <= text.length)) {
    throw new RangeError(`A segment must cover some text between 0 and ${text.length}; got ${spec.start}–${spec.end}.`);
  }
  const at = timestamp(spec.now);
  const ann: Annotation = {
    id: spec.id ?? newAnnotationId(),
    creator: spec.creator,
    created: at,
    modified: at,
    codes: [...new Set(spec.codes)],
    target: 'passage',
    start: spec.start,
    end: spec.end,
    exact: '',
    prefix: '',
    suffix: '',
  };
  if (spec.memo) ann.memo = spec.memo;
  refreshQuote(ann, text);
  return ann;
}

/** Sets an anchored annotation's quote and context from the text; orphans keep theirs. */
export function refreshQuote(ann: Annotation, text: Text): void {
  if (ann.start === undefined || ann.end === undefined) return;
  ann.exact = text.slice(ann.start, ann.end);
  ann.prefix = text.before(ann.start, CONTEXT_LENGTH);
  ann.suffix = text.after(ann.end, CONTEXT_LENGTH);
}

export type QuoteLookup = { ok: true; start: number; end: number } | { ok: false; message: string };

/** Finds the one place a quote occurs (code points), or says why it cannot. */
export function locateQuote(text: Text, quote: string): QuoteLookup {
  const q = quote.replace(/\r\n?/g, '\n');
  if (q.length === 0) return { ok: false, message: 'The quote is empty.' };
  const first = text.text.indexOf(q);
  if (first === -1) return { ok: false, message: 'The quote does not occur in the document.' };
  let count = 0;
  for (let i = first; i !== -1 && count < 100; i = text.text.indexOf(q, i + 1)) count++;
  if (count > 1) return { ok: false, message: `The quote occurs ${count >= 100 ? '100 or more' : count} times in the document; give a longer quote or --start and --end.` };
  const start = text.toCodePoint(first);
  return { ok: true, start, end: text.toCodePoint(first + q.length) };
}
