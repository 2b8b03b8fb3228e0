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
import { withLock, type FileStat, type FileStore, type WatchableStore } from '../store';
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

export interface WriteOptions {
  /** The file's bytes as the writer last read or wrote them; when the file no longer has them, `rebase` is asked. */
  base?: Uint8Array;
  /**
   * Given what another writer saved meanwhile (a reading that may be read-only: then throw, and
   * nothing is written), returns what to write instead: the writer's change put onto it.
   */
  rebase?: (theirs: SidecarLoad) => { bytes: Uint8Array; sidecar: Sidecar };
}

const sameStamp = (a: FileStamp | undefined, b: FileStamp | undefined): boolean => !!a && !!b && a.size === b.size && a.mtime === b.mtime;

/** Reads a sidecar file's bytes: strict UTF-8 text checked against the format. Never throws. */
export const readSidecarBytes = parseSidecarBytes;

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

  /** The reading kept for a sidecar when the file is still the one read (a copy), without reading it. */
  async cached(path: string): Promise<SidecarReading | undefined> {
    const k = this.known.get(path);
    if (!k?.load) return undefined;
    const stamp = await this.store.stat(path);
    return sameStamp(stamp, k.stamp) ? { path, load: copySidecarLoad(k.load), bytes: k.bytes, kept: true } : undefined;
  }

  /**
   * The sidecar as it is on disk (a copy, free to change). Reads and checks the file unless the
   * reading kept from before is of the file as it still is. A file that cannot be read is reported
   * as a read-only reading with the reason, never thrown. A reading that differs from the one kept
   * (or is the first of a file) is announced to the subscribers, unless `quiet`: a caller that takes
   * in every sidecar itself, as the index does when the workspace opens, and keeps no bytes (the
   * parsed reading is enough to hand out, and a workspace's sidecars are not held twice in memory).
   */
  async read(path: string, options: { quiet?: boolean } = {}): Promise<SidecarReading> {
    let bytes: Uint8Array | undefined;
    let stamp: FileStamp | undefined;
    const k = this.known.get(path);
    try {
      // Size and time before reading: if the file changes meanwhile, they no longer match it.
      stamp = await this.store.stat(path);
      if (k?.load && sameStamp(stamp, k.stamp)) return { path, load: copySidecarLoad(k.load), bytes: k.bytes, kept: true };
      bytes = await this.store.readBytes(path);
    } catch (e) {
      const load: SidecarLoad = { problems: [{ file: path, severity: 'error', message: `The annotations file could not be read: ${(e as Error).message}` }], readOnly: true };
      return { path, load, bytes: undefined };
    }
    if (bytes === undefined) {
      this.known.delete(path);
      return { path };
    }
    const load = readSidecarBytes(bytes, path);
    const changed = !k || !sameBytes(bytes, k.bytes);
    this.known.set(path, { stamp, bytes: options.quiet ? undefined : bytes, load });
    if (changed && !options.quiet) this.fire({ path, load: copySidecarLoad(load), bytes, own: false });
    return { path, load: copySidecarLoad(load), bytes };
  }

  /**
   * Writes a sidecar atomically (the store's temporary file and rename) and keeps what was written
   * as its reading; subscribers hear of it as the extension's own change. Returns the bytes written
   * (the rebased ones, when another writer had saved since `options.base`).
   */
  async write(path: string, bytes: Uint8Array, sidecar: Sidecar, options: WriteOptions = {}): Promise<Uint8Array> {
    let w = this.writing.get(path);
    if (!w) this.writing.set(path, (w = { active: 0, started: 0 }));
    w.active++;
    w.started++;
    try {
      // Under the store's lock on the sidecar (other processes: the qda tool, a merge), the file
      // is looked at once more: when another writer saved since the writer's last reading
      // (`base`), the writer's change is put onto what is there now (`rebase`), never over it.
      await withLock(this.store, path, async () => {
        if (options.base !== undefined && options.rebase) {
          const onDisk = await this.store.readBytes(path);
          if (onDisk !== undefined && !sameBytes(onDisk, options.base)) {
            const theirs = parseSidecarBytes(onDisk, path);
            const rebased = options.rebase(theirs);
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

  /** Moves a sidecar with its document (the reading kept goes with it). */
  async rename(from: string, to: string): Promise<void> {
    await this.store.rename(from, to);
    const k = this.known.get(from);
    this.known.delete(from);
    if (k) this.known.set(to, { bytes: k.bytes, load: k.load });
    // The watcher will find the moved file's bytes known: subscribers hear of the move here.
    this.fire({ path: from, own: true });
    if (k?.load) this.fire({ path: to, load: copySidecarLoad(k.load), bytes: k.bytes, own: true });
    else await this.read(to);
  }

  /** A file event from the watcher: reads the file when it brings new bytes, and tells the subscribers. */
  async fileChanged(path: string, deleted: boolean): Promise<void> {
    if (!path.endsWith(SIDECAR_SUFFIX)) {
      // A deleted folder takes the sidecars in it along.
      if (deleted) for (const known of [...this.known.keys()]) if (known.startsWith(path + '/')) await this.fileChanged(known, true);
      return;
    }
    const k = this.known.get(path);
    const before = this.writing.get(path);
    const busy = !!before?.active;
    const started = before?.started ?? 0;
    const stamp = deleted ? undefined : await this.store.stat(path);
    if (!deleted && !stamp) deleted = true; // gone again before we looked
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
    const load = readSidecarBytes(bytes, path);
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
