/**
 * Every read and write of a workspace's sidecars goes through one `SidecarFiles`: the editor's open
 * documents and the side panel's index both take their readings from it and hear from it when a
 * sidecar changes, so a file is read and checked once however many parts of the extension want it,
 * and the extension's own writes are told apart from outside changes (git pull, checkout, another
 * editor, the `qda` tool) in one place.
 *
 * - `read(path)` gives the sidecar as it is on disk: the reading kept from before when the file
 *   still has the size and modification time it had then, else a fresh, checked reading.
 * - `write(path, bytes, sidecar)` writes atomically and keeps what it wrote as the file's reading.
 * - The store's watcher reports changes; one that brings bytes other than the ones last read or
 *   written is read, checked and announced to the subscribers (`onDidChange`), once.
 * Readings handed out are copies: anchoring a document's coding changes it.
 */
import { walk, withLock, type FileStat, type FileStore, type WatchableStore } from '../store';
import { sameBytes } from './encode';
import { compareAnnotations, copySidecarLoad, parseSidecarBytes, type Sidecar, type SidecarLoad } from './format';
import { SIDECAR_SUFFIX } from './iri';

export type FileStamp = Pick<FileStat, 'size' | 'mtime'>;

/** A sidecar as read or written: `load` undefined when there is no such file. */
export interface SidecarReading {
  path: string;
  load?: SidecarLoad;
  /** The file's bytes, when known. */
  bytes?: Uint8Array;
  /** True when this is the reading kept from before (the file is unchanged since), not a new one. */
  kept?: boolean;
  /** Size and time of the file read, when known. */
  stamp?: FileStamp;
}

export interface SidecarChange extends SidecarReading {
  /** True when the change is the extension's own write. */
  own: boolean;
}

interface Known {
  /** Size and time of the file this reading is of (unknown right after a write, until its watcher event). */
  stamp?: FileStamp;
  bytes?: Uint8Array;
  load?: SidecarLoad;
}

/** The file as a writer last read or wrote it: its bytes when known, else its size and time, else that there was none. */
export interface WriteBase {
  bytes?: Uint8Array;
  stamp?: FileStamp;
  absent?: boolean;
}

export interface WriteOptions {
  /** The file as the writer last read or wrote it; when it is no longer that, `rebase` is asked. */
  base?: WriteBase;
  /**
   * Given what another writer saved meanwhile (`undefined`: the file was deleted; a reading that
   * may be read-only: then throw, and nothing is written), returns what to write instead: the
   * writer's change put onto it.
   */
  rebase?: (theirs: SidecarLoad | undefined) => { bytes: Uint8Array; sidecar: Sidecar };
}

/** Whether the file on disk (`onDisk`, with its stamp when only a stamp is known of the base) is still the base. */
function isBase(base: WriteBase, onDisk: Uint8Array | undefined, stamp: FileStamp | undefined): boolean {
  if (base.bytes) return sameBytes(onDisk, base.bytes);
  if (base.stamp) return onDisk !== undefined && sameStamp(stamp, base.stamp);
  return base.absent === true ? onDisk === undefined : true;
}

const sameStamp = (a: FileStamp | undefined, b: FileStamp | undefined): boolean => !!a && !!b && a.size === b.size && a.mtime === b.mtime;


export class SidecarFiles {
  private readonly known = new Map<string, Known>();
  /** Writes under way (and started in all) per sidecar: an event read during a write may be an earlier write of ours. */
  private readonly writing = new Map<string, { active: number; started: number }>();
  private readonly listeners = new Set<(c: SidecarChange) => void>();
  private readonly watcher?: { dispose(): void };

  constructor(readonly store: FileStore | WatchableStore) {
    if ('watch' in store) this.watcher = store.watch(SIDECAR_SUFFIX, (e) => void this.fileChanged(e.path, e.kind === 'deleted'));
  }

  /** Calls `listener` with every new content of a sidecar: an outside change read from disk, or the extension's own write. */
  onDidChange(listener: (c: SidecarChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private fire(c: SidecarChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(c);
      } catch {
        // One subscriber's failure must not keep the others from hearing of the change.
      }
    }
  }

  /**
   * The sidecar as it is on disk (a copy, free to change). Reads and checks the file unless the
   * reading kept from before is of the file as it still is. A file that cannot be read is reported
   * as a read-only reading with the reason, never thrown. A reading that differs from the one kept
   * (or is the first of a file) is announced to the subscribers; with `quiet` (a caller that takes
   * in every sidecar itself, as the index does when the workspace opens) only one that differs from
   * an earlier reading is, and no bytes are kept (the parsed reading is enough to hand out, and a
   * workspace's sidecars are not held twice in memory).
   */
  async read(path: string, options: { quiet?: boolean } = {}): Promise<SidecarReading> {
    let bytes: Uint8Array | undefined;
    let stamp: FileStamp | undefined;
    const k = this.known.get(path);
    try {
      // Size and time before reading: if the file changes meanwhile, they no longer match it.
      stamp = await this.store.stat(path);
      if (k?.load && sameStamp(stamp, k.stamp)) return { path, load: copySidecarLoad(k.load), bytes: k.bytes, kept: true, stamp };
      bytes = await this.store.readBytes(path);
    } catch (e) {
      const load: SidecarLoad = { problems: [{ file: path, severity: 'error', message: `The annotations file could not be read: ${(e as Error).message}` }], readOnly: true };
      return { path, load, bytes: undefined };
    }
    if (bytes === undefined) {
      this.known.delete(path);
      if (k) this.fire({ path, own: false });
      return { path };
    }
    const load = parseSidecarBytes(bytes, path);
    const changed = !k || !sameBytes(bytes, k.bytes);
    this.known.set(path, { stamp, bytes: options.quiet ? undefined : bytes, load });
    if (changed && (!options.quiet || k)) this.fire({ path, load: copySidecarLoad(load), bytes, own: false });
    return { path, load: copySidecarLoad(load), bytes, stamp };
  }

  /**
   * Writes a sidecar atomically (the store's temporary file and rename) and keeps what was written
   * as its reading; subscribers hear of it as the extension's own change. Returns the bytes written
   * (the rebased ones, when another writer had saved since `options.base`).
   */
  async write(path: string, bytes: Uint8Array, sidecar: Sidecar, options: WriteOptions = {}): Promise<Uint8Array> {
    // What is written, as it is now (the caller's objects may change while the lock is awaited).
    sidecar = { ...sidecar, annotations: sidecar.annotations.map((a) => ({ ...a, codes: [...a.codes] })) };
    let w = this.writing.get(path);
    if (!w) this.writing.set(path, (w = { active: 0, started: 0 }));
    w.active++;
    w.started++;
    try {
      // Under the store's lock on the sidecar (other processes: the qda tool, a merge), the file
      // is looked at once more: when another writer saved since the writer's last reading
      // (`base`), the writer's change is put onto what is there now (`rebase`), never over it.
      await withLock(this.store, path, async () => {
        const base = options.base;
        if (base && options.rebase) {
          const onDisk = await this.store.readBytes(path);
          if (!isBase(base, onDisk, onDisk && base.stamp && !base.bytes ? await this.store.stat(path) : undefined)) {
            const rebased = options.rebase(onDisk === undefined ? undefined : parseSidecarBytes(onDisk, path));
            bytes = rebased.bytes;
            sidecar = rebased.sidecar;
          }
        }
        await this.store.writeAtomic(path, bytes);
      });
    } finally {
      w.active--;
    }
    // As reading the file back would give it (annotations in file order).
    const annotations = sidecar.annotations.map((a) => ({ ...a, codes: [...a.codes] })).sort(compareAnnotations);
    const load: SidecarLoad = { sidecar: { ...sidecar, annotations }, problems: [], readOnly: false };
    this.known.set(path, { bytes, load });
    this.fire({ path, load: copySidecarLoad(load), bytes, own: true });
    return bytes;
  }

  /** Moves a sidecar with its document, under its lock; subscribers hear of the move. */
  async rename(from: string, to: string): Promise<void> {
    await withLock(this.store, from, () => this.store.rename(from, to));
    if (this.known.delete(from)) this.fire({ path: from, own: true });
    this.known.delete(to);
    await this.read(to); // the file as it is now, announced as new
  }

  /** A file event from the watcher: reads the file when it brings new bytes, and tells the subscribers. */
  async fileChanged(path: string, deleted: boolean): Promise<void> {
    if (!path.endsWith(SIDECAR_SUFFIX)) {
      // A deleted folder takes the sidecars in it along; a folder made (or moved) here brings its own.
      if (deleted) {
        for (const known of [...this.known.keys()]) if (known.startsWith(path + '/')) await this.fileChanged(known, true);
      } else if ((await this.store.stat(path).catch(() => undefined))?.type === 'directory') {
        for (const p of await walk(this.store, path, (f) => f.endsWith(SIDECAR_SUFFIX)).catch(() => [] as string[])) await this.fileChanged(p, false);
      }
      return;
    }
    const k = this.known.get(path);
    const before = this.writing.get(path);
    const busy = !!before?.active;
    const started = before?.started ?? 0;
    // A "deleted" event may come late, after the file was made again (git replaces files by
    // removing and creating them): what counts is whether the file is there now.
    const stamp = await this.store.stat(path).catch(() => undefined);
    deleted = !stamp;
    if (deleted) {
      if (busy) return; // our write's rename is under way
      if (!k) return;
      this.known.delete(path);
      this.fire({ path, own: false });
      return;
    }
    if (k && sameStamp(stamp, k.stamp)) return; // read already
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.store.readBytes(path);
    } catch {
      return; // reported when a reader asks for it
    }
    if (bytes === undefined) return;
    const now = this.known.get(path);
    if (now && sameBytes(bytes, now.bytes)) {
      // Our own write (one save can bring several events), or a file touched without change: it is
      // now known to be the file of this size and time.
      now.stamp = stamp;
      return;
    }
    // While we write, what was read may be an earlier write of ours (the event of one coding action
    // arriving during the next one's write): our write under way reports itself once it is on disk.
    const after = this.writing.get(path);
    if (busy || after?.active || (after?.started ?? 0) !== started) return;
    const load = parseSidecarBytes(bytes, path);
    this.known.set(path, { stamp, bytes, load });
    this.fire({ path, load: copySidecarLoad(load), bytes, own: false });
  }

  /** Forgets every reading (e.g. the folder was closed). */
  dispose(): void {
    this.watcher?.dispose();
    this.listeners.clear();
    this.known.clear();
  }
}
