/**
 * The workspace-wide index of coding behind the side panel: every sidecar's segments and every
 * document's case attributes, per workspace folder. Loaded once in the background (with progress
 * in the status bar; the files are found with VS Code's file search, so `files.exclude` is respected),
 * then kept current by each folder's SidecarFiles (every sidecar read anew or
 * written, outside changes included) and a watcher of documents' front matter, never by rescanning.
 */
import * as vscode from 'vscode';
import { frontMatterAttributes } from '../core/index/attributes';
import { loadAll, WorkspaceIndex, type IndexFilter } from '../core/index/workspaceIndex';
import { isDocumentPath } from '../core/project';
import { IGNORED_FOLDERS } from '../core/store';
import type { SidecarChange } from '../core/sidecar/files';
import type { CodingManager, Folder } from './codingManager';
import { Debounce } from './debounce';

export class IndexService implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly indexes = new Map<Folder, WorkspaceIndex>();
  private readonly loading = new Map<Folder, Promise<WorkspaceIndex>>();
  /** The subscription to each folder's sidecar changes. */
  private readonly listening = new Map<Folder, { dispose(): void }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) when counts, segments, memos or attributes may have changed. */
  readonly onDidChange = this.changed.event;
  private readonly changes = new Debounce(100);
  /** The case-attribute filter the views apply. */
  filter: IndexFilter = {};

  constructor(private readonly manager: CodingManager) {
    this.disposables.push(this.changed);
    const docs = vscode.workspace.createFileSystemWatcher('**/*.{md,markdown}');
    const onDoc = (uri: vscode.Uri, deleted: boolean) => void this.documentChanged(uri, deleted);
    docs.onDidCreate((u) => onDoc(u, false));
    docs.onDidChange((u) => onDoc(u, false));
    docs.onDidDelete((u) => onDoc(u, true));
    this.disposables.push(docs);
    this.disposables.push(
      manager.onDidChangeCodebook((f) => {
        this.indexes.get(f)?.setCodebook(f.codebook.index);
        this.fire();
      }),
      manager.onDidChangeFolders(() => this.listen()),
    );
    this.listen();
  }

  /**
   * Every sidecar the folder's SidecarFiles reads anew or writes (an outside change, the editor's
   * save, a document opened after a git pull) updates the index: one reading for all.
   */
  private listen(): void {
    const folders = new Set(this.manager.allFolders());
    for (const [f, sub] of this.listening) {
      if (folders.has(f)) continue;
      sub.dispose();
      this.listening.delete(f);
      this.indexes.delete(f);
    }
    for (const f of folders) {
      if (this.listening.has(f)) continue;
      this.listening.set(
        f,
        f.sidecars.onDidChange((c) => void this.sidecarChanged(f, c)),
      );
    }
  }

  private async sidecarChanged(folder: Folder, c: SidecarChange): Promise<void> {
    // A change while the workspace is being read is applied once it is (the walk may have gone past the file).
    const ix = this.indexes.get(folder) ?? (await this.loading.get(folder));
    if (!ix) return;
    if (c.load) ix.upsertLoad(c.path, c.load);
    else ix.removeSidecar(c.path);
    this.fire();
  }

  private fire(): void {
    this.changes.run(() => this.changed.fire());
  }

  /** The folder's index, loading it on first use. */
  async index(folder: Folder): Promise<WorkspaceIndex> {
    const have = this.indexes.get(folder);
    if (have) return have;
    let p = this.loading.get(folder);
    if (!p) {
      p = Promise.resolve(
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Indexing coding in ${folder.folder.name}` }, () =>
          indexedFiles(folder).then((paths) => loadAll(folder.store, {
            paths,
            codebook: folder.codebook.index,
            attributes: (_p, text) => frontMatterAttributes(text).attributes,
            // Read through the folder's SidecarFiles, which keeps the readings for the editor.
            readSidecar: async (path) => (await folder.sidecars.read(path, { quiet: true })).load,
          })),
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

  private async documentChanged(uri: vscode.Uri, deleted: boolean): Promise<void> {
    const folder = this.manager.folderOf(uri);
    const ix = folder && (this.indexes.get(folder) ?? (await this.loading.get(folder)));
    const path = folder?.store.relative(uri);
    if (!folder || !ix || path === undefined || !isDocumentPath(path)) return;
    const text = deleted ? undefined : await folder.store.readText(path);
    ix.setAttributes(path, text === undefined ? undefined : frontMatterAttributes(text).attributes);
    this.fire();
  }

  dispose(): void {
    this.changes.dispose();
    for (const sub of this.listening.values()) sub.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Documents (any case of .md and .markdown) and sidecars. */
const INDEXED = '**/*.{[mM][dD],[mM][aA][rR][kK][dD][oO][wW][nN],annotations.json}';
/** The folders the qda command never searches either (files.exclude applies as well). */
const NOT_SEARCHED = `**/{${[...IGNORED_FOLDERS].join(',')}}/**`;

/**
 * The folder's documents and sidecars as store paths, found by VS Code's file search. Links are
 * passed over, as the qda command's walk passes them over: a linked file or folder would be
 * counted twice, or refused as lying outside the workspace.
 */
export async function indexedFiles(folder: Pick<Folder, 'folder' | 'store'>): Promise<string[] | undefined> {
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder.folder, INDEXED), NOT_SEARCHED).then(
    (uris) => uris,
    () => [] as vscode.Uri[],
  );
  // A virtual folder without a file-search provider finds nothing: the core walks it instead.
  if (found.length === 0 && folder.folder.uri.scheme !== 'file') return undefined;
  const paths = found.map((u) => folder.store.relative(u)).filter((p): p is string => p !== undefined && p !== '');
  const folders = new Set<string>();
  for (const p of paths) for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) folders.add(p.slice(0, i));
  const linked = new Set<string>();
  await Promise.all(
    [...folders, ...paths].map(async (p) => {
      const type = await vscode.workspace.fs.stat(folder.store.uri(p)).then((s) => s.type, () => vscode.FileType.Unknown);
      if (type & vscode.FileType.SymbolicLink) linked.add(p);
    }),
  );
  if (linked.size === 0) return paths;
  return paths.filter((p) => !linked.has(p) && ![...linked].some((l) => p.startsWith(l + '/')));
}
