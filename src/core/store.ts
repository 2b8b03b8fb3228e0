/**
 * The small file-store interface through which the core reads and writes. Paths are relative to
 * the workspace folder, with forward slashes. The extension implements it over VS Code's
 * `workspace.fs` (so it works in the browser too), the CLI and tests over Node's `fs` or memory.
 */
export interface FileStat {
  type: 'file' | 'directory';
  size: number;
  mtime: number;
}

export interface FileStore {
  /**
   * The file's text (UTF-8), or undefined when it does not exist. Bytes that are not UTF-8 become
   * U+FFFD: a sidecar, which is written back, is read with `readBytes` and decoded strictly instead.
   * Stores refuse (FileRefusedError, with a plain message) what leads outside the workspace, what is
   * not an ordinary file, and files over MAX_FILE_BYTES; the same for `readBytes`.
   */
  readText(path: string): Promise<string | undefined>;
  /** The file's bytes, or undefined when it does not exist. */
  readBytes(path: string): Promise<Uint8Array | undefined>;
  /**
   * Writes text (as UTF-8) or bytes atomically: to a temporary file in the same folder, then
   * renamed over the target, so a crash never leaves a half-written file. Creates missing folders.
   */
  writeAtomic(path: string, data: string | Uint8Array): Promise<void>;
  stat(path: string): Promise<FileStat | undefined>;
  /** Entries of a folder: names with their type. Empty when the folder does not exist. */
  list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]>;
  rename(from: string, to: string): Promise<void>;
  delete(path: string): Promise<void>;
  /**
   * Runs `fn` while holding an exclusive lock on `path`, so that writers of one file (the editor,
   * several `qda` commands) take turns reading and rewriting it instead of dropping each other's
   * changes. Stores over a disk lock across processes; others at least within their process.
   * Optional: call it through `withLock` below.
   */
  withLock?<T>(path: string, fn: () => Promise<T>): Promise<T>;
}

/** Joins workspace-relative path segments with forward slashes. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '' && p !== '.').join('/').replace(/\/+/g, '/');
}

/** Folders never searched for documents. */
export const IGNORED_FOLDERS = new Set(['.git', 'node_modules', '.vscode-test', 'dist', 'out']);

/** Every file below `dir` whose name passes `accept`, sorted. */
export async function walk(store: FileStore, dir: string, accept: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    for (const e of await store.list(d)) {
      const p = joinPath(d, e.name);
      if (e.type === 'directory') {
        if (!IGNORED_FOLDERS.has(e.name)) await visit(p);
      } else if (accept(p)) out.push(p);
    }
  };
  await visit(dir);
  return out.sort();
}

/** A change to a file the store was asked to watch (path relative to the store's root). */
export interface FileEvent {
  path: string;
  kind: 'created' | 'changed' | 'deleted';
}

/**
 * A FileStore that can report outside changes to its files: VS Code's file watcher in the
 * extension, an in-memory store in tests. Events come asynchronously, after the change, possibly
 * several for one change, as real file watchers report them.
 */
export interface WatchableStore extends FileStore {
  /**
   * Calls `listener` for every created, changed or deleted file whose name ends with `suffix`, and
   * for every created or deleted path that may be a folder (a folder deleted, made or moved with
   * its files is reported alone).
   */
  watch(suffix: string, listener: (e: FileEvent) => void): { dispose(): void };
}

/**
 * Runs `fn` while holding the store's lock on `path` when it has one (see `FileStore.withLock`),
 * else as it is.
 */
export function withLock<T>(store: FileStore, path: string, fn: () => Promise<T>): Promise<T> {
  return store.withLock ? store.withLock(path, fn) : fn();
}

/** Serialises async work per key within one process: the lock of stores that cannot lock files. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(fn, fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

// ---- Limits and plain messages shared by every store ----

/** The largest file a store reads (documents, sidecars, codebooks): 256 MB. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** A file-system refusal, with a message for researchers. */
export class FileRefusedError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024)).toLocaleString('en-US')} MB`;

export const fileMessages = {
  outside: (path: string, real: string, root: string): string =>
    `${path} leads outside the workspace (to ${real}, through a symbolic link); Orchestration QDA reads and writes only inside the workspace folder ${root}. Copy the file into the workspace instead.`,
  danglingLink: (path: string): string => `${path} is a symbolic link to something that does not exist; it was not read or written.`,
  notRegular: (path: string, kind: string): string =>
    `${path} is not an ordinary file (it is ${kind}); Orchestration QDA reads only ordinary files, so it was left alone.`,
  tooLarge: (path: string, size: number): string =>
    `${path} is too large to open (${mb(size)}; the limit is ${mb(MAX_FILE_BYTES)}). It was not read.`,
  nameTooLong: (path: string): string =>
    `${path} cannot be written: its name is longer than the file system allows (255 bytes per name). Shorten the document's name (its annotations file adds ".annotations.json").`,
  lockTimeout: (path: string, seconds: number, lockPath: string): string =>
    `${path} is being saved by another program (the editor or another qda command) and was not released within ${seconds} s; nothing was written. Try again in a moment. If no other program is writing it, delete the folder ${lockPath}.`,
  staleLock: (path: string, since: Date): string =>
    `A lock on ${path} left by an interrupted save (since ${since.toISOString().replace('T', ' ').slice(0, 19)} UTC) was taken over.`,
};

/** A plain message for a Node file-system error code on `path`, or undefined for codes without one. */
export function describeFileError(code: string | undefined, path: string): string | undefined {
  switch (code) {
    case 'ENAMETOOLONG':
      return fileMessages.nameTooLong(path);
    case 'EACCES':
    case 'EPERM':
      return `${path} could not be accessed: permission denied. Check the file's and its folder's permissions.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `${path} could not be written: the disk is full. Free some space and save again; the file on disk was left as it was.`;
    case 'EROFS':
      return `${path} could not be written: the disk or folder is read-only.`;
    case 'EISDIR':
      return `${path} is a folder, not a file.`;
    case 'ENOTDIR':
      return `${path} could not be reached: part of its path is a file, not a folder.`;
    default:
      return undefined;
  }
}

// ---- Temporary files of atomic writes ----

/** Temporary files older than this, of our naming, are left from an interrupted write. */
export const STALE_TEMPORARY_MS = 60_000;

const MAX_NAME_BYTES = 255;
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/** A short stable hash (FNV-1a, 32 bits, hex) for shortened names. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The start of the names of the temporary files written next to `name` before it is replaced:
 * `.${name}.`, or for long names a shortened name with a hash, so that the temporary file's name
 * stays within the file system's 255 bytes.
 */
export function temporaryPrefix(name: string): string {
  if (utf8Length(name) <= MAX_NAME_BYTES - 40) return `.${name}.`;
  let cut = Array.from(name);
  while (utf8Length(cut.join('')) > 150) cut = cut.slice(0, -1);
  return `.${cut.join('')}~${shortHash(name)}.`;
}

/** The name of a new temporary file for `name`; `random` is 12 hexadecimal digits. */
export function temporaryName(name: string, random: string): string {
  return `${temporaryPrefix(name)}${random}.tmp`;
}

/** Whether `entry` (a name in the same folder) is a temporary file of ours for `name`. */
export function isTemporaryOf(name: string, entry: string): boolean {
  const prefix = temporaryPrefix(name);
  return entry.startsWith(prefix) && /^[0-9a-f]{12}\.tmp$/.test(entry.slice(prefix.length));
}

/** Whether a file name is one of our temporary files (never a document, sidecar or codebook). */
export const isTemporaryName = (entry: string): boolean => /^\..*\.[0-9a-f]{12}\.tmp$/.test(entry);
