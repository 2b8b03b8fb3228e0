/**
 * The undo and redo history of coding actions in one document: entries of the segments an action
 * changed, before and after, by annotation id. Plain data over any segment type, so that the
 * editor (whose segments carry editor positions) and other writers keep history the same way.
 */
export interface HistoryEntry<S> {
  label: string;
  before: S[];
  after: S[];
}

export class CodingHistory<S> {
  private undoStack: HistoryEntry<S>[] = [];
  private redoStack: HistoryEntry<S>[] = [];
  /** True while the last thing done in the document was a coding action (not typing). */
  codingLast = false;

  constructor(readonly limit = 100) {}

  /** Records an action; returns the entries no longer kept (past the limit, and the redo entries). */
  record(entry: HistoryEntry<S>): HistoryEntry<S>[] {
    this.undoStack.push(entry);
    const dropped = this.redoStack;
    this.redoStack = [];
    while (this.undoStack.length > this.limit) dropped.push(this.undoStack.shift()!);
    this.codingLast = true;
    return dropped;
  }

  /** The entry to undo (moved to the redo side), or undefined. */
  undo(): HistoryEntry<S> | undefined {
    const e = this.undoStack.pop();
    if (e) this.redoStack.push(e);
    if (e) this.codingLast = true;
    return e;
  }

  /** The entry to redo (moved back to the undo side), or undefined. */
  redo(): HistoryEntry<S> | undefined {
    const e = this.redoStack.pop();
    if (e) this.undoStack.push(e);
    if (e) this.codingLast = true;
    return e;
  }

  /** Puts back an entry that `undo` or `redo` returned when applying it failed. */
  restore(e: HistoryEntry<S>, from: 'undo' | 'redo'): void {
    const [taken, put] = from === 'undo' ? [this.redoStack, this.undoStack] : [this.undoStack, this.redoStack];
    if (taken[taken.length - 1] === e) taken.pop();
    put.push(e);
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  entries(): HistoryEntry<S>[] {
    return [...this.undoStack, ...this.redoStack];
  }
}

/** Replaces, in `segments`, those an entry concerns by its `before` (undo) or `after` (redo) side. */
export function applyEntry<S>(segments: readonly S[], entry: HistoryEntry<S>, side: 'before' | 'after', idOf: (s: S) => string, copy: (s: S) => S): S[] {
  const ids = new Set([...entry.before, ...entry.after].map(idOf));
  return [...segments.filter((s) => !ids.has(idOf(s))), ...entry[side].map(copy)];
}
