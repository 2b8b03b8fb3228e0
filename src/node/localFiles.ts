/**
 * Reading and writing files of a workspace folder on the local disk with Node's fs, under the
 * rules every store keeps (the CLI's NodeStore, and the extension's store for `file:` folders):
 *
 * - every path is resolved to its real path (symbolic links followed) and refused when that lies
 *   outside the workspace's real folder;
 * - only ordinary files are read (never a FIFO, device or socket), and at most MAX_FILE_BYTES;
 * - writes go to a temporary file renamed over the target; temporary files of ours left by an
 *   interrupted write are removed on the next write of that target;
 * - `withLock` makes writers of one file, in any process, take turns.
 */
import { constants, promises as fs, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as lockfile from 'proper-lockfile';
import {
  describeFileError,
  FileRefusedError,
  fileMessages,
  isTemporaryOf,
  KeyedMutex,
  MAX_FILE_BYTES,
  STALE_TEMPORARY_MS,
  temporaryName,
  type FileStat,
} from '../core/store';

/** A lock not refreshed for this long belongs to a writer that was killed: it is taken over. */
export const STALE_LOCK_MS = 20_000;
/** How long a writer waits for another one's lock before giving up with a message. */
export const LOCK_WAIT_MS = 60_000;

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;
const isMissingCode = (c: string | undefined): boolean => c === 'ENOENT' || c === 'ENOTDIR';

/** Whether `p` is `root` or lies below it (both absolute, normalised). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

function kindOf(s: import('node:fs').Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Turns a Node error into one with a plain message where there is one. */
function plain(e: unknown, shown: string): unknown {
  if (e instanceof FileRefusedError) return e;
  const message = describeFileError(code(e), shown);
  return message ? new FileRefusedError(message, shown) : e;
}

export class LocalFiles {
  private realRootCache: string | undefined;
  private readonly turns = new KeyedMutex();

  /** `notice` hears what a user should know but that is no error (a stale lock taken over). */
  constructor(
    readonly root: string,
    private readonly notice: (message: string) => void = () => undefined,
    private readonly lockWaitMs = LOCK_WAIT_MS,
  ) {}

  /** The workspace folder's real path. */
  realRoot(): string {
    if (this.realRootCache === undefined) {
      try {
        this.realRootCache = realpathSync(path.resolve(this.root));
      } catch (e) {
        if (isMissingCode(code(e))) throw new FileRefusedError(`The workspace folder ${this.root} does not exist.`, this.root);
        throw e;
      }
    }
    return this.realRootCache;
  }

  /**
   * The real path of an absolute path: of the file itself when it exists (links followed), else of
   * its nearest existing folder with the rest of the path appended. Refused outside the workspace.
   * With `entry`, the last name is not followed (renaming or deleting a link acts on the link).
   */
  async real(abs: string, shown: string, entry = false): Promise<string> {
    const root = this.realRoot();
    if (entry) {
      const dir = await this.real(path.dirname(abs), shown);
      return this.check(path.join(dir, path.basename(abs)), shown, root);
    }
    const rest: string[] = [];
    for (let probe = abs; ; ) {
      try {
        const r = await fs.realpath(probe);
        return this.check(path.join(r, ...rest.reverse()), shown, root);
      } catch (e) {
        if (!isMissingCode(code(e))) throw plain(e, shown);
        // A link that leads nowhere: following it later could create a file anywhere.
        if (code(e) === 'ENOENT' && (await fs.lstat(probe).then((s) => s.isSymbolicLink(), () => false))) {
          throw new FileRefusedError(fileMessages.danglingLink(shown), shown);
        }
        const parent = path.dirname(probe);
        if (parent === probe) throw plain(e, shown);
        rest.push(path.basename(probe));
        probe = parent;
      }
    }
  }

  private check(real: string, shown: string, root: string): string {
    if (!isInside(root, real)) throw new FileRefusedError(fileMessages.outside(shown, real, root), shown);
    return real;
  }

  private abs(p: string): string {
    return path.resolve(this.root, p);
  }

  /** The real path of an existing file inside the workspace; undefined when it does not exist (refuses one outside). */
  private async realIfExists(p: string): Promise<string | undefined> {
    try {
      return await this.real(this.abs(p), p);
    } catch (e) {
      if (isMissingCode(code(e))) return undefined;
      throw e;
    }
  }

  /** The file's bytes, or undefined when it does not exist. Refuses what is not an ordinary file. */
  async read(p: string): Promise<Buffer | undefined> {
    const real = await this.realIfExists(p);
    if (real === undefined) return undefined;
    let fh: fs.FileHandle;
    try {
      // Non-blocking, so that opening a FIFO returns at once (and is then refused) instead of waiting for a writer.
      fh = await fs.open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      if (isMissingCode(code(e))) return undefined;
      if (code(e) === 'EISDIR') throw new FileRefusedError(fileMessages.notRegular(p, 'a folder'), p);
      throw plain(e, p);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new FileRefusedError(fileMessages.notRegular(p, kindOf(st)), p);
      if (st.size > MAX_FILE_BYTES) throw new FileRefusedError(fileMessages.tooLarge(p, st.size), p);
      // Read to the end, in case the file grew since; never past the limit.
      const chunks: Buffer[] = [];
      let total = 0;
      for (let size = Math.max(st.size, 1); ; size = 1 << 20) {
        const buf = Buffer.allocUnsafe(Math.min(size, MAX_FILE_BYTES + 1 - total));
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
        total += bytesRead;
        if (total > MAX_FILE_BYTES) throw new FileRefusedError(fileMessages.tooLarge(p, total), p);
      }
      return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
    } finally {
      await fh.close();
    }
  }

  /** Writes through a temporary file renamed over the target; removes our stale temporary files of it first. */
  async writeAtomic(p: string, data: string | Uint8Array): Promise<void> {
    const target = await this.real(this.abs(p), p);
    const dir = path.dirname(target);
    const name = path.basename(target);
    if (Buffer.byteLength(name) > 255) throw new FileRefusedError(fileMessages.nameTooLong(p), p);
    await this.makeFolder(dir, p);
    await this.removeStaleTemporaries(dir, name);
    const tmp = path.join(dir, temporaryName(name, randomBytes(6).toString('hex')));
    try {
      // The new file keeps the old one's permissions (a sidecar quoting a confidential transcript
      // may be readable by its owner only), and is on disk before it replaces the old one.
      const mode = await fs.stat(target).then(
        (st) => st.mode & 0o7777,
        () => undefined,
      );
      const fh = await fs.open(tmp, 'wx', mode);
      try {
        await fh.writeFile(data);
        if (mode !== undefined) await fh.chmod(mode);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw plain(e, p);
    }
  }

  private async makeFolder(dir: string, shown: string): Promise<void> {
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (e) {
      // A file where a folder should be.
      throw plain(code(e) === 'EEXIST' ? Object.assign(new Error(), { code: 'ENOTDIR' }) : e, shown);
    }
  }

  /** Removes temporary files of our naming for `name` in `dir` that no live writer has touched for a while. */
  private async removeStaleTemporaries(dir: string, name: string): Promise<void> {
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const entry of entries) {
      if (!isTemporaryOf(name, entry)) continue;
      const full = path.join(dir, entry);
      try {
        const st = await fs.lstat(full);
        if (st.isFile() && now - st.mtimeMs > STALE_TEMPORARY_MS) await fs.rm(full, { force: true });
      } catch {
        // gone meanwhile, or not ours to remove: leave it
      }
    }
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const real = await this.realIfExists(p);
    if (real === undefined) return undefined;
    try {
      const s = await fs.stat(real);
      return { type: s.isDirectory() ? 'directory' : 'file', size: s.size, mtime: s.mtimeMs };
    } catch {
      return undefined;
    }
  }

  /** Ordinary files and folders of a folder (links, pipes and devices are not listed). */
  async list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    try {
      const entries = await fs.readdir(await this.real(this.abs(dir), dir), { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() || e.isDirectory())
        .map((e) => ({ name: e.name, type: e.isDirectory() ? ('directory' as const) : ('file' as const) }));
    } catch (e) {
      if (e instanceof FileRefusedError) throw e;
      return [];
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const a = await this.real(this.abs(from), from, true);
    const b = await this.real(this.abs(to), to, true);
    try {
      await this.makeFolder(path.dirname(b), to);
      await fs.rename(a, b);
    } catch (e) {
      throw plain(e, to);
    }
  }

  async delete(p: string): Promise<void> {
    await fs.rm(await this.real(this.abs(p), p, true), { force: true });
  }

  /**
   * Runs `fn` holding the lock of `p` (a folder `<file>.lock` beside its real path, kept fresh while
   * held), shared by every process that writes the file. A lock not refreshed for STALE_LOCK_MS
   * (its writer was killed) is taken over, with a notice; after LOCK_WAIT_MS of waiting, refuses.
   */
  async withLock<T>(p: string, fn: () => Promise<T>): Promise<T> {
    const target = await this.real(this.abs(p), p);
    // Within this process, take turns first: the lock folder tells processes apart, not callers.
    return this.turns.run(target, () => this.lockAndRun(target, p, fn));
  }

  private async lockAndRun<T>(target: string, shown: string, fn: () => Promise<T>): Promise<T> {
    const lockPath = `${target}.lock`;
    const deadline = Date.now() + this.lockWaitMs;
    let release: (() => Promise<void>) | undefined;
    for (let wait = 10; ; wait = Math.min(wait * 1.5, 250)) {
      const since = await fs.stat(lockPath).then((s) => s.mtime, () => undefined);
      try {
        release = await lockfile.lock(target, {
          realpath: false,
          lockfilePath: lockPath,
          stale: STALE_LOCK_MS,
          update: STALE_LOCK_MS / 4,
          // A lock lost while held (the process stalled past the stale time): say so, do not crash.
          onCompromised: () => this.notice(`The lock on ${shown} was lost while saving (the computer was busy for over ${STALE_LOCK_MS / 1000} s); check the file.`),
        });
        if (since && Date.now() - since.getTime() > STALE_LOCK_MS) this.notice(fileMessages.staleLock(shown, since));
        break;
      } catch (e) {
        if (code(e) !== 'ELOCKED') throw plain(e, shown);
        if (Date.now() > deadline) throw new FileRefusedError(fileMessages.lockTimeout(shown, Math.round(this.lockWaitMs / 1000), lockPath), shown);
        await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
      }
    }
    try {
      return await fn();
    } finally {
      await release!().catch(() => undefined);
    }
  }
}
