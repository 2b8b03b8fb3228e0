/**
 * Live anchoring: moves annotations as the text is edited, one change at a time.
 *
 * Rules (a researcher's expectations when typing around a coded passage):
 * - typing just before or just after a segment does not extend it;
 * - typing or replacing text inside a segment grows or shrinks it;
 * - a change that removes the whole segment makes it an orphan (kept, with its quote), never a
 *   zero-length ghost.
 */
/**
 * One text change: `removed` units at `offset` replaced by `inserted` units. The sidecar counts code
 * points over normalised text; the rules hold for any unit, so the editor applies them to its own
 * UTF-16 offsets while the user types and converts only when saving.
 */
export interface TextChange {
  offset: number;
  removed: number;
  inserted: number;
}

/** Anything with a position that may be lost (an orphan has none). */
export interface Span {
  start?: number;
  end?: number;
}

/**
 * Applies one change to every annotation, in place. Returns the annotations that the change
 * orphaned (their whole text was removed); they keep their quote and lose their position.
 * Cost is one pass of arithmetic over the annotations.
 */
export function applyChange<T extends Span>(annotations: readonly T[], change: TextChange): T[] {
  const { offset: a, removed: r, inserted: n } = change;
  const removedEnd = a + r;
  const delta = n - r;
  const orphaned: T[] = [];
  for (const ann of annotations) {
    const s = ann.start;
    const e = ann.end;
    if (s === undefined || e === undefined) continue;
    if (e <= a) continue; // ends at or before the change: typing just after a segment does not extend it
    if (r > 0 && s >= a && e <= removedEnd) {
      // The whole segment was removed: keep it as an orphan with its last quote.
      ann.start = undefined;
      ann.end = undefined;
      if ('target' in ann) (ann as { target: string }).target = 'lost'; // an annotation itself: its place is lost
      orphaned.push(ann);
      continue;
    }
    // Start: before the change stays; at or after the removed range shifts; inside the removed range
    // moves to the change's start, so a replacement of the segment's first words stays in it.
    const ns = s < a ? s : s >= removedEnd ? s + delta : a;
    // End (after the change's start here): after the removed range it shifts; inside the removed
    // range it takes in what was typed in its place.
    ann.start = ns;
    ann.end = e > removedEnd ? e + delta : a + n;
  }
  return orphaned;
}

/**
 * Whether a change reaches the start or end of some annotation (a boundary at or inside the
 * changed range). When it reaches none, every annotation moves as any range-tracking editor moves
 * a highlight (shifted when the change is before it, grown or shrunk when inside, untouched when
 * after), so highlights the editor already tracks need no redrawing.
 */
export function touchesBoundary(annotations: readonly Span[], change: TextChange): boolean {
  const a = change.offset;
  const b = change.offset + change.removed;
  for (const ann of annotations) {
    const s = ann.start;
    const e = ann.end;
    if (s === undefined || e === undefined) continue;
    if ((s >= a && s <= b) || (e >= a && e <= b)) return true;
  }
  return false;
}
