/**
 * The history of codebook changes, for undo and redo: every change made from the Codebook panel
 * (new code, rename, recolour, texts, memo, move, merge, delete…) is recorded as the exact text of
 * every file it changed, before and after: codebook.json and, for a merge or a deletion, each
 * annotations file. Several levels deep (50 by default, fewer when the changes are very large),
 * across workspace folders (each change keeps the FileStore it was made in).
 *
 * Undo puts back the "before" texts and redo the "after" texts, all files or none: each is done
 * only when every file concerned still has the text the change (or its undo) left, so an edit by
 * hand, a `git pull` or a recoding made since is never overwritten; the refusal says which files.
 * A change refused stays in the history, to be undone once those files are put back.
 */
import { withLock, type FileStore } from '../store';

/** A file's content: text (written as UTF-8) or the exact bytes. */
export type FileContent = string | Uint8Array;

/** One file changed: its content before the change and what the change wrote. */
export interface FileVersions {
  path: string;
  before: FileContent;
  after: FileContent;
}

export interface HistoryEntry<S extends FileStore = FileStore> {
  /** What the change was, in words ("Rename “A” to “B”"). */
  label: string;
  store: S;
  /** Only the files whose text changed. */
  files: FileVersions[];
}

export interface HistoryStep<S extends FileStore = FileStore> {
  /** Whether the files were restored. */
  done: boolean;
  /** The change undone or redone (or refused). */
  entry?: HistoryEntry<S>;
  /** Files whose text is no longer what the change left: the step was refused. */
  changedSince: string[];
  /** A sentence for the researcher. */
  message: string;
}

export interface HistoryOptions {
  /** How many changes can be undone (default 50). */
  limit?: number;
  /** At most this many characters of file text are kept (default 64 million); the oldest changes go first. The latest change is always kept. */
  maxChars?: number;
}

const size = (e: HistoryEntry<FileStore>): number => e.files.reduce((n, f) => n + f.before.length + f.after.length, 0);
const encoder = new TextEncoder();
const bytesOf = (c: FileContent): Uint8Array => (typeof c === 'string' ? encoder.encode(c) : c);
function same(a: FileContent | Uint8Array | undefined, b: FileContent): boolean {
  if (a === undefined) return false;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  const x = bytesOf(a);
  const y = bytesOf(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
const listOf = (paths: string[]): string => (paths.length === 1 ? paths[0] : `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`);

export class CodebookHistory<S extends FileStore = FileStore> {
  private readonly undoStack: HistoryEntry<S>[] = [];
  private readonly redoStack: HistoryEntry<S>[] = [];
  private readonly limit: number;
  private readonly maxChars: number;
  /** Undo and redo run one at a time (a key held down must not interleave two). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: HistoryOptions = {}) {
    this.limit = Math.max(1, options.limit ?? 50);
    this.maxChars = options.maxChars ?? 64_000_000;
  }

  get undoDepth(): number {
    return this.undoStack.length;
  }
  get redoDepth(): number {
    return this.redoStack.length;
  }
  get undoLabel(): string | undefined {
    return this.peekUndo()?.label;
  }
  get redoLabel(): string | undefined {
    return this.peekRedo()?.label;
  }
  peekUndo(): HistoryEntry<S> | undefined {
    return this.undoStack[this.undoStack.length - 1];
  }
  peekRedo(): HistoryEntry<S> | undefined {
    return this.redoStack[this.redoStack.length - 1];
  }

  /** The labels of what can be undone and redone, newest first, and the changes that can be undone. */
  labels(): { undo: string[]; redo: string[]; entries: readonly HistoryEntry<S>[] } {
    return { undo: this.undoStack.map((e) => e.label).reverse(), redo: this.redoStack.map((e) => e.label).reverse(), entries: [...this.undoStack] };
  }

  /**
   * Records a change already made. Files whose text did not change are left out; a change that
   * changed nothing is not recorded (and returns undefined). What could be redone is dropped.
   */
  record(label: string, store: S, files: readonly FileVersions[]): HistoryEntry<S> | undefined {
    const changed = files.filter((f) => !same(f.before, f.after)).map((f) => ({ ...f }));
    if (changed.length === 0) return undefined;
    const entry: HistoryEntry<S> = { label, store, files: changed };
    this.undoStack.push(entry);
    this.redoStack.length = 0;
    let total = this.undoStack.reduce((n, e) => n + size(e), 0);
    while (this.undoStack.length > this.limit || (this.undoStack.length > 1 && total > this.maxChars)) total -= size(this.undoStack.shift()!);
    return entry;
  }

  /** Forgets every change made in `store` (its folder was closed). */
  forget(store: S): void {
    for (const stack of [this.undoStack, this.redoStack]) {
      for (let i = stack.length - 1; i >= 0; i--) if (stack[i].store === store) stack.splice(i, 1);
    }
  }

  /** Undoes the last change, if every file it changed still has the text it wrote. */
  undo(): Promise<HistoryStep<S>> {
    return this.serial(() => this.step('undo'));
  }

  /** Redoes the last change undone, if every file still has the text the undo put back. */
  redo(): Promise<HistoryStep<S>> {
    return this.serial(() => this.step('redo'));
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async step(kind: 'undo' | 'redo'): Promise<HistoryStep<S>> {
    const from = kind === 'undo' ? this.undoStack : this.redoStack;
    const to = kind === 'undo' ? this.redoStack : this.undoStack;
    const entry = from[from.length - 1];
    if (!entry) return { done: false, changedSince: [], message: `There is no codebook change to ${kind}.` };
    const expected = (f: FileVersions) => (kind === 'undo' ? f.after : f.before);
    const wanted = (f: FileVersions) => (kind === 'undo' ? f.before : f.after);
    const done = kind === 'undo' ? 'undone' : 'redone';

    const changedSince: string[] = [];
    for (const f of entry.files) if (!same(await entry.store.readBytes(f.path), expected(f))) changedSince.push(f.path);
    if (changedSince.length > 0) {
      const one = changedSince.length === 1;
      return {
        done: false,
        entry,
        changedSince,
        message:
          `“${entry.label}” was not ${done}, and nothing was changed: ${listOf(changedSince)} changed since (edited by hand, pulled, or changed by another command), and ${kind === 'undo' ? 'undoing' : 'redoing'} it would overwrite that. ` +
          `To ${kind} it, first put ${one ? 'that file' : 'those files'} back as ${one ? 'it was' : 'they were'} (for example undo the edit, or with git); otherwise change the codebook by hand.`,
      };
    }

    const written: FileVersions[] = [];
    try {
      // Each file looked at once more and written under its lock: a writer in between is never written over.
      for (const f of entry.files) {
        await withLock(entry.store, f.path, async () => {
          if (!same(await entry.store.readBytes(f.path), expected(f))) throw new Error(`${f.path} changed meanwhile`);
          await entry.store.writeAtomic(f.path, wanted(f));
        });
        written.push(f);
      }
    } catch (e) {
      const failed: string[] = [];
      for (const w of written.reverse()) {
        try {
          await withLock(entry.store, w.path, () => entry.store.writeAtomic(w.path, expected(w)));
        } catch {
          failed.push(w.path);
        }
      }
      const reason = e instanceof Error ? e.message : String(e);
      return {
        done: false,
        entry,
        changedSince: [],
        message:
          failed.length === 0
            ? `“${entry.label}” was not ${done} (${reason}); the files already written were put back, nothing was changed.`
            : `“${entry.label}” was not ${done} (${reason}) and ${listOf(failed)} could not be put back: check ${failed.length === 1 ? 'it' : 'them'} (git diff).`,
      };
    }
    from.pop();
    to.push(entry);
    const n = entry.files.length;
    return { done: true, entry, changedSince: [], message: `${kind === 'undo' ? 'Undid' : 'Redid'}: ${entry.label}${n > 1 ? ` (${n} files)` : ''}.` };
  }
}
