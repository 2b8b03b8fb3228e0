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
