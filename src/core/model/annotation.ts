/** What every annotation has, whatever it points at. */
interface AnnotationCommon {
  /** "urn:uuid:…" */
  id: string;
  /** The coder's name. */
  creator: string;
  /** ISO 8601 date-times, UTC, second precision. */
  created: string;
  modified: string;
  /** Code ids, in the order they were applied. */
  codes: string[];
  /** Optional memo, Markdown. */
  memo?: string;
  /** The quoted text and up to 32 code points of context either side, as last anchored ('' for the whole document). */
  exact: string;
  prefix: string;
  suffix: string;
  /**
   * What the sidecar held for this annotation that the fields above do not carry (written by
   * another tool or a later version), kept to be written back; undefined when there was nothing.
   * Never changed in place: copies of an annotation share it.
   */
  kept?: KeptContent;
}

/** A passage at a place: code-point positions over the normalised text, `end` exclusive. */
export interface PassageTarget {
  target: 'passage';
  start: number;
  end: number;
}

/** A passage whose place is lost (an orphan: its text is gone); found again by its quote, never deleted. */
export interface LostTarget {
  target: 'lost';
  start?: undefined;
  end?: undefined;
}

/** The whole document (a document memo, or codes on the whole document). */
export interface DocumentTarget {
  target: 'document';
  start?: undefined;
  end?: undefined;
}

export type AnnotationTarget = PassageTarget | LostTarget | DocumentTarget;

/**
 * A coded segment or memo: what it says (codes, memo) and what it points at, one explicit kind of
 * target. Positions count Unicode code points over the document text with its BOM removed and
 * every CRLF (or lone CR) turned into LF; `end` is exclusive.
 */
export type Annotation = AnnotationCommon & AnnotationTarget;

/** The annotation pointing at another target (a copy; what it says is kept). */
export function retarget(a: Annotation, t: AnnotationTarget): Annotation {
  const { start: _s, end: _e, target: _t, ...rest } = a;
  void _s;
  void _e;
  void _t;
  return t.target === 'passage' ? { ...rest, target: 'passage', start: t.start, end: t.end } : { ...rest, target: t.target };
}

/** Points the annotation itself at a new target (for anchoring, which moves what it is given). */
export function setTarget(a: Annotation, t: AnnotationTarget): void {
  const m = a as unknown as Record<string, unknown>;
  m.target = t.target;
  if (t.target === 'passage') {
    m.start = t.start;
    m.end = t.end;
  } else {
    delete m.start;
    delete m.end;
  }
}

/** A JSON object's properties as [name, value] pairs, in the order read. */
export type KeptProperties = readonly (readonly [string, unknown])[];

/**
 * The parts of a W3C annotation the model does not use, as read. See "Content this version does
 * not understand" in src/core/sidecar/format.ts for how each is written back.
 */
export interface KeptContent {
  /** Properties of the annotation other than ours (for example generator, rights, label). */
  readonly properties?: KeptProperties;
  /** The motivation as read (undefined: none), and whether the annotation had codes then. */
  readonly motivation?: { readonly value: unknown; readonly coded: boolean };
  /** The creator as read (undefined: none), when not `{ "type": "Person", "name": … }`. */
  readonly creator?: { readonly value: unknown };
  /** The file had no "created" / no "modified". */
  readonly noCreated?: true;
  readonly noModified?: true;
  /** Code bodies not in the form this version writes (other properties, another encoding), by code id. */
  readonly codeBodies?: readonly (readonly [string, unknown])[];
  /** The memo's body, when not in the form this version writes (another format, a language…). */
  readonly memoBody?: unknown;
  /** Body items the model does not use (further memos, other purposes, codes that cannot be read), in order. */
  readonly bodies?: readonly unknown[];
  /** The TextPositionSelector / TextQuoteSelector as read, when they have properties other than ours. */
  readonly position?: unknown;
  readonly quote?: unknown;
  /** Selectors the model does not use (FragmentSelector, a second quote…), in order. */
  readonly selectors?: readonly unknown[];
  /** Properties of the target other than ours. */
  readonly target?: KeptProperties;
  /** The target of a whole-document annotation was written as a plain IRI. */
  readonly targetIri?: true;
  /** The target names a passage although no quote was read (a position only): never a whole-document annotation. */
  readonly passage?: true;
}

/** How an annotation found its place in the current text. */
export type AnchorStatus = 'exact' | 'moved' | 'fuzzy' | 'orphan';

/** How sure a placement is, in words: `high` needs no checking, `low` should be checked. */
export type AnchorCertainty = 'high' | 'medium' | 'low';

export interface AnchorResult {
  id: string;
  status: AnchorStatus;
  start?: number;
  end?: number;
  /**
   * How sure the placement is, 0–1: 1 for a quote unchanged in its place, lower as the quote or
   * the text around it (prefix, suffix) differ from what was saved; 0 for an orphan.
   */
  confidence: number;
  /** The confidence in words. */
  certainty: AnchorCertainty;
  /** Plain-language reason: where the segment was found and how well it matched, or why not. */
  reason: string;
}
