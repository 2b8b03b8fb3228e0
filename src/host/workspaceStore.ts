/**
 * A FileStore over VS Code's workspace.fs, rooted at a workspace folder (works on the web too).
 * Files on the extension host's own disk (`file:`) are read, looked at and renamed with Node's fs
 * where there is one: a call to workspace.fs travels to the editor and back, and opening a
 * document waits for one.
 */
import * as vscode from 'vscode';
import type { FileEvent, FileStat, WatchableStore } from '../core/store';

type NodeFs = typeof import('node:fs/promises');
let nodeFs: Promise<NodeFs | undefined> | undefined;
/** Node's fs, or undefined where the extension host has none (the browser). */
function localFs(uri: vscode.Uri): Promise<NodeFs | undefined> | undefined {
  if (uri.scheme !== 'file') return undefined;
  return (nodeFs ??= import('node:fs/promises').then(
    (m) => m,
    () => undefined,
  ));
}
const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'ENOENT' || (e instanceof vscode.FileSystemError && e.code === 'FileNotFound');

export class WorkspaceStore implements WatchableStore {
  constructor(readonly root: vscode.Uri) {}

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
    const uri = this.uri(path);
    try {
      const fs = await localFs(uri);
      return fs ? await fs.readFile(uri.fsPath) : await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
    const target = this.uri(path);
    const dir = vscode.Uri.joinPath(target, '..');
    const name = path.slice(path.lastIndexOf('/') + 1);
    const tmp = vscode.Uri.joinPath(dir, `.${name}.${Math.random().toString(16).slice(2, 10)}.tmp`);
    await vscode.workspace.fs.createDirectory(dir);
    await vscode.workspace.fs.writeFile(tmp, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    try {
      // workspace.fs.rename deletes an existing target before moving, so readers (file watchers,
      // git) could find the file missing; on disk, rename it in one step as the OS does.
      const fs = await localFs(target);
      if (fs) await fs.rename(tmp.fsPath, target.fsPath);
      else await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
    } catch (e) {
      await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
      throw e;
    }
  }

  async stat(path: string): Promise<FileStat | undefined> {
    const uri = this.uri(path);
    try {
      const fs = await localFs(uri);
      if (fs) {
        const s = await fs.stat(uri.fsPath);
        return { type: s.isDirectory() ? 'directory' : 'file', size: s.size, mtime: s.mtimeMs };
      }
      const s = await vscode.workspace.fs.stat(uri);
      return { type: s.type & vscode.FileType.Directory ? 'directory' : 'file', size: s.size, mtime: s.mtime };
    } catch {
      return undefined;
    }
  }

  async list(dir: string): Promise<{ name: string; type: 'file' | 'directory' }[]> {
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
    // A folder deleted with the files in it is reported as the folder alone.
    const folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.root, '**'), true, true, false);
    folders.onDidDelete((uri) => {
      const path = this.relative(uri);
      if (path !== undefined && !path.endsWith(suffix)) listener({ path, kind: 'deleted' });
    });
    return vscode.Disposable.from(watcher, folders);
  }

  async delete(path: string): Promise<void> {
    await vscode.workspace.fs.delete(this.uri(path));
  }
}
