/**
 * Merging a run of text changes into one: the changes a document received since it was last
 * parsed, each in the coordinates of the text after the ones before it, become one replacement of
 * a range of the old text. Re-reading the structure after a burst of typing then costs one
 * incremental parse of the region touched instead of one per keystroke.
 */

/** `removed` characters at `offset` replaced by `inserted`. */
export interface TextEdit {
  offset: number;
  removed: number;
  inserted: string;
}

/**
 * One edit of `text` equivalent to applying `edits` in order (each to the text the previous ones
 * left): the smallest range of `text` that they together replaced, and what stands there now.
 * Undefined for no edits.
 */
export function mergeEdits(text: string, edits: readonly TextEdit[]): TextEdit | undefined {
  if (edits.length === 0) return undefined;
  // The merged region: [start, endOld) of the old text is [start, endNew) of the current text and
  // holds `now`. Outside it the current text is the old text (shifted after it).
  let start = edits[0].offset;
  let endOld = start;
  let endNew = start;
  let now = '';
  for (const e of edits) {
    if (e.offset < start) {
      now = text.slice(e.offset, start) + now;
      start = e.offset;
    }
    const needEnd = e.offset + e.removed;
    if (needEnd > endNew) {
      now += text.slice(endOld, endOld + (needEnd - endNew));
      endOld += needEnd - endNew;
      endNew = needEnd;
    }
    const at = e.offset - start;
    now = now.slice(0, at) + e.inserted + now.slice(at + e.removed);
    endNew += e.inserted.length - e.removed;
  }
  return { offset: start, removed: endOld - start, inserted: now };
}
