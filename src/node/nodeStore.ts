/** A FileStore over Node's fs, rooted at a folder: for the `qda` command-line tool and tests. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileStat, FileStore } from '../core/store';

export class NodeStore implements FileStore {
  constructor(readonly root: string) {}

  private abs(p: string): string {
    return path.resolve(this.root, p);
  }

  /**
   * The workspace-relative path (forward slashes) of a path given on the command line, which is
   * relative to the current folder as usual; undefined when it lies outside the workspace.
   */
  relative(userPath: string): string | undefined {
    const rel = path.relative(path.resolve(this.root), path.resolve(userPath));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  async readText(p: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.abs(p), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async readBytes(p: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.abs(p));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async writeAtomic(p: string, data: string | Uint8Array): Promise<void> {
    const target = this.abs(p);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async stat(p: string): Promise<FileStat | undefined> {
    try {
      const s = await fs.stat(this.abs(p));
      return { type: s.isDirectory() ? 'directory' : 'file', size: s.size, mtime: s.mtimeMs };
    } catch {
      return undefined;
    }
  }

  async list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    try {
      const entries = await fs.readdir(this.abs(dir), { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() || e.isDirectory())
        .map((e) => ({ name: e.name, type: e.isDirectory() ? ('directory' as const) : ('file' as const) }));
    } catch {
      return [];
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await fs.mkdir(path.dirname(this.abs(to)), { recursive: true });
    await fs.rename(this.abs(from), this.abs(to));
  }

  async delete(p: string): Promise<void> {
    await fs.rm(this.abs(p), { force: true });
  }
}
