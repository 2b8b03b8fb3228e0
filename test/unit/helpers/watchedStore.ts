/** An in-memory store whose watcher reports changes as real ones do: later, and sometimes twice. */
import type { FileEvent, WatchableStore } from '../../../src/core/store';
import { MemoryStore } from '../../../src/core/store-memory';

export class WatchedMemoryStore extends MemoryStore implements WatchableStore {
  private readonly watchers = new Set<{ suffix: string; listener: (e: FileEvent) => void }>();
  /** Events not delivered yet; `flush` delivers them (tests decide when the watcher "wakes up"). */
  pending: FileEvent[] = [];
  /** Deliver every event twice, as some platforms' watchers do. */
  doubled = false;

  watch(suffix: string, listener: (e: FileEvent) => void): { dispose(): void } {
    const w = { suffix, listener };
    this.watchers.add(w);
    return { dispose: () => this.watchers.delete(w) };
  }

  private queue(path: string, kind: FileEvent['kind']): void {
    this.pending.push({ path, kind });
    if (this.doubled) this.pending.push({ path, kind });
  }

  /** Delivers the pending events and waits until their handlers are done. */
  async flush(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    for (const e of events) for (const w of this.watchers) if (e.path.endsWith(w.suffix) || e.kind !== 'changed') w.listener(e);
    for (let i = 0; i < 100; i++) await new Promise((r) => setImmediate(r));
  }

  /** A change made outside (git, another program): written, and reported later. */
  async writeOutside(path: string, text: string): Promise<void> {
    const existed = this.files.has(path);
    await super.writeAtomic(path, text);
    this.queue(path, existed ? 'changed' : 'created');
  }

  override async writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
    const existed = this.files.has(path);
    await super.writeAtomic(path, data);
    this.queue(path, existed ? 'changed' : 'created');
  }

  override async delete(path: string): Promise<void> {
    await super.delete(path);
    this.queue(path, 'deleted');
  }

  /** Moves a folder with its files, reported as the two folders alone (as VS Code's watcher does). */
  async moveFolder(from: string, to: string): Promise<void> {
    for (const p of [...this.files.keys()]) if (p.startsWith(from + '/')) await super.rename(p, to + p.slice(from.length));
    this.pending.push({ path: from, kind: 'deleted' }, { path: to, kind: 'created' });
  }

  /** Deletes a folder with its files, reported as the folder alone (as VS Code's watcher does). */
  async deleteFolder(dir: string): Promise<void> {
    for (const p of [...this.files.keys()]) if (p.startsWith(dir + '/')) this.files.delete(p);
    this.pending.push({ path: dir, kind: 'deleted' });
  }

  override async rename(from: string, to: string): Promise<void> {
    await super.rename(from, to);
    this.queue(from, 'deleted');
    this.queue(to, 'created');
  }
}
