/** An in-memory FileStore, for tests and for previews that must not touch the disk. */
import { KeyedMutex, type FileStat, type FileStore } from './store';

export class MemoryStore implements FileStore {
  readonly files = new Map<string, string>();
  private clock = 0;
  private readonly mtimes = new Map<string, number>();
  private readonly locks = new KeyedMutex();

  constructor(initial: Record<string, string> = {}) {
    for (const [p, t] of Object.entries(initial)) this.set(p, t);
  }

  private set(path: string, text: string): void {
    this.files.set(path, text);
    this.mtimes.set(path, ++this.clock);
  }

  async readText(path: string): Promise<string | undefined> {
    return this.files.get(path);
  }
  async readBytes(path: string): Promise<Uint8Array | undefined> {
    const t = this.files.get(path);
    return t === undefined ? undefined : new TextEncoder().encode(t);
  }
  async writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
    this.set(path, typeof data === 'string' ? data : new TextDecoder().decode(data));
  }
  async stat(path: string): Promise<FileStat | undefined> {
    const t = this.files.get(path);
    if (t !== undefined) return { type: 'file', size: t.length, mtime: this.mtimes.get(path)! };
    const prefix = path === '' ? '' : path + '/';
    for (const p of this.files.keys()) if (p.startsWith(prefix)) return { type: 'directory', size: 0, mtime: 0 };
    return undefined;
  }
  async list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    const prefix = dir === '' || dir === '.' ? '' : dir + '/';
    const seen = new Map<string, 'file' | 'directory'>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const i = rest.indexOf('/');
      if (i === -1) seen.set(rest, 'file');
      else seen.set(rest.slice(0, i), 'directory');
    }
    return [...seen].map(([name, type]) => ({ name, type }));
  }
  async rename(from: string, to: string): Promise<void> {
    const t = this.files.get(from);
    if (t === undefined) throw new Error(`No such file: ${from}`);
    this.files.delete(from);
    this.set(to, t);
  }
  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }
  /** Writers in this process take turns (there is no other process to share a memory store with). */
  withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(path, fn);
  }
}
