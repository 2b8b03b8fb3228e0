/**
 * After the editor's own undo or redo of a text edit: a segment whose text came back (deleted,
 * then restored with Ctrl+Z) is put back where its last saved quote stands again, close to where
 * it was. A coding operation like the others in this folder, over the editor's own offsets.
 */
import type { AnchorStatus } from '../model/annotation';

/** A segment as the editor holds it: offsets in `text`'s own units (undefined: its place is lost). */
export interface RestorableSegment {
  ann: { exact: string };
  start?: number;
  end?: number;
  status: AnchorStatus;
  reason?: string;
}

/** How far from its last place (in text units, beyond its own length) a quote is looked for. */
export const RESTORE_REACH = 2000;

/** Puts back, in place, each segment whose saved quote stands again near its last place (anywhere, for one whose place was lost). */
export function restoreByQuote(text: string, segments: readonly RestorableSegment[]): void {
  for (const s of segments) {
    const q = s.ann.exact;
    if (!q) continue;
    const current = s.start !== undefined ? text.slice(s.start, s.end) : undefined;
    if (current === q) continue;
    const around = s.start ?? 0;
    const from = Math.max(0, around - q.length - RESTORE_REACH);
    const i = text.indexOf(q, from);
    if (i !== -1 && (s.start === undefined || Math.abs(i - around) <= RESTORE_REACH + q.length)) {
      s.start = i;
      s.end = i + q.length;
      if (s.status === 'orphan') {
        s.status = 'exact';
        s.reason = undefined;
      }
    }
  }
}
