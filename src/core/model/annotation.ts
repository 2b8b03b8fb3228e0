/**
 * A coded segment. Positions count Unicode code points over the document text with its BOM
 * removed and every CRLF (or lone CR) turned into LF; `end` is exclusive.
 */
export interface Annotation {
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
  /** Code-point positions; undefined when the annotation is an orphan (its text is gone). */
  start?: number;
  end?: number;
  /** The quoted text and up to 32 code points of context either side, as last anchored. */
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
