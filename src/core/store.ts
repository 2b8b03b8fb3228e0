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
  /** The file's text (UTF-8), or undefined when it does not exist. */
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
   * for every deleted path that may be a folder (a folder deleted with its files is reported alone).
   */
  watch(suffix: string, listener: (e: FileEvent) => void): { dispose(): void };
}
