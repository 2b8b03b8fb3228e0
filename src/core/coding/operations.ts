/**
 * What coding actions do to an annotation: one set of rules for the editor, the `qda` tool and the
 * workspace-wide codebook changes (merge, delete a code in use), so that they never disagree.
 * Each function returns a new annotation and leaves the one given unchanged.
 */
import { timestamp } from '../annotations';
import type { Annotation } from '../model/annotation';

const copy = (a: Annotation, now?: Date): Annotation => ({ ...a, codes: [...a.codes], modified: timestamp(now) });

/**
 * Whether an annotation still holds anything a researcher wrote: a code, a memo, or a body another
 * tool wrote that this version keeps without using (a second memo, a tag).
 */
export function holdsCoding(a: Pick<Annotation, 'codes' | 'memo' | 'kept'>): boolean {
  return a.codes.length > 0 || (a.memo !== undefined && a.memo.trim() !== '') || (a.kept?.bodies?.length ?? 0) > 0 || (a.kept?.codeBodies?.length ?? 0) > 0;
}

/** The annotation with `codes` added (each once, after the ones it has); undefined when it has them all. */
export function withCodes(a: Annotation, codes: readonly string[], now?: Date): Annotation | undefined {
  const missing = [...new Set(codes)].filter((c) => !a.codes.includes(c));
  if (missing.length === 0) return undefined;
  const out = copy(a, now);
  out.codes.push(...missing);
  return out;
}

/**
 * The annotation with `codes` removed (all its codes when omitted). `undefined` means the segment
 * is to be deleted: it is left with neither a code nor a memo. A segment with a memo stays, as a
 * memo on its passage, so no memo is ever lost with its last code.
 */
export function withoutCodes(a: Annotation, codes?: readonly string[], now?: Date): Annotation | undefined {
  const out = copy(a, now);
  out.codes = codes ? a.codes.filter((c) => !codes.includes(c)) : [];
  return holdsCoding(out) ? out : undefined;
}

/** The annotation with the code `from` replaced by `to` (never twice, in the place `from` had). */
export function recoded(a: Annotation, from: string, to: string, now?: Date): Annotation {
  const out = copy(a, now);
  out.codes = [];
  for (const c of a.codes) {
    const r = c === from ? to : c;
    if (!out.codes.includes(r)) out.codes.push(r);
  }
  return out;
}

/** The annotation with its memo set; blank text removes the memo. */
export function withMemo(a: Annotation, memo: string, now?: Date): Annotation {
  const out = copy(a, now);
  if (memo.trim() === '') delete out.memo;
  else out.memo = memo;
  return out;
}
