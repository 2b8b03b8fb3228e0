/**
 * The workspace-wide index of coding behind the side panel: every sidecar's segments and every
 * document's case attributes, per workspace folder. Loaded once in the background (with progress
 * in the status bar), then kept current by file watchers and by the editor's own writes, never by
 * rescanning.
 */
import * as vscode from 'vscode';
import { frontMatterAttributes } from '../core/index/attributes';
import { loadAll, WorkspaceIndex, type IndexFilter } from '../core/index/workspaceIndex';
import { isDocumentPath, isSidecarPath } from '../core/project';
import { sameBytes } from '../core/sidecar/encode';
import type { CodingManager, Folder } from './codingManager';

export class IndexService implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly indexes = new Map<Folder, WorkspaceIndex>();
  private readonly loading = new Map<Folder, Promise<WorkspaceIndex>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) when counts, segments, memos or attributes may have changed. */
  readonly onDidChange = this.changed.event;
  private timer?: ReturnType<typeof setTimeout>;
  /** The bytes the editor last wrote to each sidecar: its watcher event then needs no second parse. */
  private readonly written = new Map<string, Uint8Array>();
  /** The case-attribute filter the views apply. */
  filter: IndexFilter = {};

  constructor(private readonly manager: CodingManager) {
    this.disposables.push(this.changed);
    const sidecars = vscode.workspace.createFileSystemWatcher('**/*.annotations.json');
    const docs = vscode.workspace.createFileSystemWatcher('**/*.{md,markdown}');
    const onFile = (uri: vscode.Uri, deleted: boolean) => void this.fileChanged(uri, deleted);
    sidecars.onDidCreate((u) => onFile(u, false));
    sidecars.onDidChange((u) => onFile(u, false));
    sidecars.onDidDelete((u) => onFile(u, true));
    docs.onDidCreate((u) => onFile(u, false));
    docs.onDidChange((u) => onFile(u, false));
    docs.onDidDelete((u) => onFile(u, true));
    this.disposables.push(sidecars, docs);
    // Opening a document takes its coding from the index when the sidecar is unchanged since read.
    manager.parsedSidecars = async (folder, path) => {
      const ix = this.indexes.get(folder);
      const stat = ix && (await folder.store.stat(path));
      return stat ? ix.parsedSidecar(path, stat) : undefined;
    };
    // …and takes what opening a document read from its sidecar, instead of reading it again.
    manager.readSidecar = (folder, path, read, file) => {
      const ix = this.indexes.get(folder);
      if (!ix) return;
      ix.upsertRead(path, read, file);
      this.fire();
    };
    this.disposables.push(
      {
        dispose: () => {
          manager.parsedSidecars = undefined;
          manager.readSidecar = undefined;
        },
      },
      manager.onDidChangeCodebook((f) => {
        this.indexes.get(f)?.setCodebook(f.codebook.index);
        this.fire();
      }),
      manager.onDidWriteSidecar(({ folder, path, bytes, sidecar }) => {
        this.written.set(`${folder.folder.uri}#${path}`, bytes);
        const ix = this.indexes.get(folder);
        if (ix) {
          ix.upsertWritten(path, sidecar);
          this.fire();
        } else {
          // Written while the workspace is being read: the walk may have gone past it already.
          void this.loading.get(folder)?.then((loaded) => {
            loaded.upsertWritten(path, sidecar);
            this.fire();
          });
        }
      }),
    );
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(), 100);
  }

  /** The folder's index, loading it on first use. */
  async index(folder: Folder): Promise<WorkspaceIndex> {
    const have = this.indexes.get(folder);
    if (have) return have;
    let p = this.loading.get(folder);
    if (!p) {
      p = Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Indexing coding in ${folder.folder.name}` }, () =>
          loadAll(folder.store, { codebook: folder.codebook.index, attributes: (_p, text) => frontMatterAttributes(text).attributes }),
        ),
      ).then((ix) => {
        // The codebook may have changed (been created, fixed) while the workspace was read.
        ix.setCodebook(folder.codebook.index);
        this.indexes.set(folder, ix);
        this.loading.delete(folder);
        this.fire();
        return ix;
      });
      this.loading.set(folder, p);
    }
    return p;
  }

  /** Already-loaded index, without waiting. */
  peek(folder: Folder): WorkspaceIndex | undefined {
    return this.indexes.get(folder);
  }

  setFilter(filter: IndexFilter): void {
    this.filter = filter;
    this.changed.fire();
  }

  private async fileChanged(uri: vscode.Uri, deleted: boolean): Promise<void> {
    const folder = this.manager.folderOf(uri);
    // A change while the workspace is being read is applied once it is (the walk may have gone past the file).
    const ix = folder && (this.indexes.get(folder) ?? (await this.loading.get(folder)));
    const path = folder?.store.relative(uri);
    if (!folder || !ix || path === undefined) return;
    if (isSidecarPath(path)) {
      // Size and time before reading: if the file changes meanwhile, they will not match it.
      const stamp = deleted ? undefined : await folder.store.stat(path);
      if (stamp && ix.hasRead(path, stamp)) return; // read already (by the editor, opening its document)
      const bytes = deleted ? undefined : await folder.store.readBytes(path);
      const key = `${folder.folder.uri}#${path}`;
      if (bytes !== undefined && sameBytes(bytes, this.written.get(key))) {
        // Our own write (one save can bring several events), indexed already: it is now known to
        // be the file of this size and time. (The bytes are the sidecar writer's own, kept anyway.)
        if (stamp) ix.stampWritten(path, stamp);
        return;
      }
      this.written.delete(key);
      if (bytes === undefined) ix.removeSidecar(path);
      else ix.upsertSidecar(path, new TextDecoder('utf-8').decode(bytes), stamp);
    } else if (isDocumentPath(path)) {
      const text = deleted ? undefined : await folder.store.readText(path);
      ix.setAttributes(path, text === undefined ? undefined : frontMatterAttributes(text).attributes);
    } else return;
    this.fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
