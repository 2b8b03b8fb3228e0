/**
 * A FileStore over VS Code's workspace.fs, rooted at a workspace folder (works on the web too).
 * Files on the extension host's own disk (`file:`) are read, written, looked at and locked with
 * Node's fs where there is one, under the same rules as the `qda` command (src/node/localFiles.ts):
 * real paths must stay inside the workspace (no symbolic link leads out), only ordinary files of
 * at most MAX_FILE_BYTES are read, temporary files of interrupted writes are cleaned up, and
 * writers of one file take turns across processes. A call to workspace.fs also travels to the
 * editor and back, and opening a document waits for one. Elsewhere (the browser) there are no
 * links to follow: workspace.fs, with the size limit, and writers in this window take turns.
 */
import * as vscode from 'vscode';
import { FileRefusedError, fileMessages, isTemporaryOf, KeyedMutex, MAX_FILE_BYTES, STALE_TEMPORARY_MS, temporaryName, type FileEvent, type FileStat, type WatchableStore } from '../core/store';
import type { LocalFiles } from '../node/localFiles';

/** The local-disk rules for a `file:` folder, or undefined where the extension host has no Node fs (the browser). */
function localFiles(root: vscode.Uri): Promise<LocalFiles | undefined> | undefined {
  if (root.scheme !== 'file') return undefined;
  return import('../node/localFiles').then(
    (m) => new m.LocalFiles(root.fsPath, (message) => void vscode.window.showWarningMessage(message)),
    () => undefined,
  );
}
const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e instanceof vscode.FileSystemError && e.code === 'FileNotFound');

const randomHex = (): string => Array.from({ length: 12 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

export class WorkspaceStore implements WatchableStore {
  private local: Promise<LocalFiles | undefined> | undefined;
  private readonly turns = new KeyedMutex();

  constructor(readonly root: vscode.Uri) {
    this.local = localFiles(root);
  }

  uri(path: string): vscode.Uri {
    return path === '' ? this.root : vscode.Uri.joinPath(this.root, ...path.split('/'));
  }

  /** The workspace-relative path of a URI inside the root, or undefined. */
  relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.root.scheme || uri.authority !== this.root.authority) return undefined;
    const base = this.root.path.endsWith('/') ? this.root.path : this.root.path + '/';
    return uri.path.startsWith(base) ? uri.path.slice(base.length) : undefined;
  }

  async readText(path: string): Promise<string | undefined> {
    const bytes = await this.readBytes(path);
    return bytes === undefined ? undefined : new TextDecoder('utf-8').decode(bytes);
  }

  async readBytes(path: string): Promise<Uint8Array | undefined> {
    const local = await this.local;
    if (local) return local.read(path);
    const uri = this.uri(path);
    try {
      const s = await vscode.workspace.fs.stat(uri);
      if (!(s.type & vscode.FileType.File)) throw new FileRefusedError(fileMessages.notRegular(path, 'a folder'), path);
      if (s.size > MAX_FILE_BYTES) throw new FileRefusedError(fileMessages.tooLarge(path, s.size), path);
      return await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
    const local = await this.local;
    if (local) return local.writeAtomic(path, data);
    const target = this.uri(path);
    const dir = vscode.Uri.joinPath(target, '..');
    const name = path.slice(path.lastIndexOf('/') + 1);
    await vscode.workspace.fs.createDirectory(dir);
    await this.removeStaleTemporaries(dir, name);
    const tmp = vscode.Uri.joinPath(dir, temporaryName(name, randomHex()));
    await vscode.workspace.fs.writeFile(tmp, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    try {
      await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    } catch (e) {
      await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
      throw e;
    }
  }

  /** Temporary files of ours for `name` left by an interrupted write (not touched for a while). */
  private async removeStaleTemporaries(dir: vscode.Uri, name: string): Promise<void> {
    const entries = await vscode.workspace.fs.readDirectory(dir).then(undefined, () => [] as [string, vscode.FileType][]);
    for (const [entry, type] of entries) {
      if (type !== vscode.FileType.File || !isTemporaryOf(name, entry)) continue;
      const uri = vscode.Uri.joinPath(dir, entry);
      const s = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
      if (s && Date.now() - s.mtime > STALE_TEMPORARY_MS) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const local = await this.local;
    if (local) return local.stat(path);
    try {
      const s = await vscode.workspace.fs.stat(this.uri(path));
      return { type: s.type & vscode.FileType.Directory ? 'directory' : 'file', size: s.size, mtime: s.mtime };
    } catch {
      return undefined;
    }
  }

  async list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
    // On disk: ordinary files and folders only, as the qda command lists them (links are not followed).
    const local = await this.local;
    if (local) return local.list(dir);
    try {
      const entries = await vscode.workspace.fs.readDirectory(this.uri(dir));
      return entries
        .filter(([, t]) => t & (vscode.FileType.File | vscode.FileType.Directory))
        .map(([name, t]) => ({ name, type: t & vscode.FileType.Directory ? ('directory' as const) : ('file' as const) }));
    } catch {
      return [];
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const local = await this.local;
    if (local) {
      // Refuses links leading outside, then renames as the editor does (never over an existing file).
      if (await local.stat(to)) throw vscode.FileSystemError.FileExists(this.uri(to));
      return local.rename(from, to);
    }
    await vscode.workspace.fs.rename(this.uri(from), this.uri(to), { overwrite: false });
  }

  /** VS Code's file watcher over the folder, for files whose name ends with `suffix` (and deleted folders). */
  watch(suffix: string, listener: (e: FileEvent) => void): vscode.Disposable {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, `**/*${suffix}`));
    const on = (kind: FileEvent['kind']) => (uri: vscode.Uri) => {
      const path = this.relative(uri);
      if (path !== undefined) listener({ path, kind });
    };
    watcher.onDidCreate(on('created'));
    watcher.onDidChange(on('changed'));
    watcher.onDidDelete(on('deleted'));
    // A folder deleted, made or moved with the files in it is reported as the folder alone.
    const folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, '**'), false, true, false);
    const onFolder = (kind: FileEvent['kind']) => (uri: vscode.Uri) => {
      const path = this.relative(uri);
      if (path !== undefined && !path.endsWith(suffix)) listener({ path, kind });
    };
    folders.onDidDelete(onFolder('deleted'));
    folders.onDidCreate(onFolder('created'));
    return vscode.Disposable.from(watcher, folders);
  }

  async delete(path: string): Promise<void> {
    const local = await this.local;
    if (local) return local.delete(path);
    await vscode.workspace.fs.delete(this.uri(path));
  }

  /** Writers of one file take turns: across processes on disk (the qda command too), within this window elsewhere. */
  async withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const local = await this.local;
    return local ? local.withLock(path, fn) : this.turns.run(path, fn);
  }
}
