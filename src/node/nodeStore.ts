/** A FileStore over Node's fs, rooted at a folder: for the `qda` command-line tool and tests. */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { FileStat, FileStore } from '../core/store';
import { isInside, LocalFiles } from './localFiles';

export class NodeStore implements FileStore {
  private readonly files: LocalFiles;

  /** `notice` hears what a user should know but that is no error (a stale lock taken over). */
  constructor(
    readonly root: string,
    notice?: (message: string) => void,
  ) {
    this.files = new LocalFiles(root, notice);
  }

  /**
   * The workspace-relative path (forward slashes) of a path given on the command line, which is
   * relative to the current folder as usual; undefined when it lies outside the workspace. A path
   * is inside when it is written below the workspace folder, or when its real path (links
   * followed) is; reading and writing then check the real path of the file itself.
   */
  relative(userPath: string): string | undefined {
    const abs = path.resolve(userPath);
    const root = path.resolve(this.root);
    if (isInside(root, abs)) return toSlashes(path.relative(root, abs));
    // Written through a link to the workspace (or the workspace through a link): compare real folders.
    let realRoot: string;
    try {
      realRoot = this.files.realRoot();
    } catch {
      return undefined;
    }
    const rest: string[] = [];
    for (let probe = abs; ; ) {
      try {
        const real = path.join(realpathSync(probe), ...rest.reverse());
        return isInside(realRoot, real) ? toSlashes(path.relative(realRoot, real)) : undefined;
      } catch {
        const parent = path.dirname(probe);
        if (parent === probe) return undefined;
        rest.push(path.basename(probe));
        probe = parent;
      }
    }
  }

  /** A path given relative to the workspace (such as --codebook) as a workspace path, or undefined outside. */
  inWorkspace(workspacePath: string): string | undefined {
    return this.relative(path.resolve(this.root, workspacePath));
  }

  async readText(p: string): Promise<string | undefined> {
    const bytes = await this.files.read(p);
    return bytes === undefined ? undefined : bytes.toString('utf8');
  }

  async readBytes(p: string): Promise<Uint8Array | undefined> {
    return this.files.read(p);
  }

  writeAtomic(p: string, data: string | Uint8Array): Promise<void> {
    return this.files.writeAtomic(p, data);
  }

  stat(p: string): Promise<FileStat | undefined> {
    return this.files.stat(p);
  }

  list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    return this.files.list(dir);
  }

  rename(from: string, to: string): Promise<void> {
    return this.files.rename(from, to);
  }

  delete(p: string): Promise<void> {
    return this.files.delete(p);
  }

  withLock<T>(p: string, fn: () => Promise<T>): Promise<T> {
    return this.files.withLock(p, fn);
  }
}

const toSlashes = (rel: string): string => rel.split(path.sep).join('/');
