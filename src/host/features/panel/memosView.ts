/**
 * The Memos view: every segment, code, stage and document memo, searchable. A webview with a
 * strict Content-Security-Policy (default-src 'none', script only by nonce, no inline handlers);
 * everything researchers wrote is sent as data and shown with textContent, so it is inert.
 *
 * When codes are selected in the Codebook view, it shows only their memos (and those of their
 * segments and documents) and says so: a line at the top ("Showing memos of 2 selected codes: …
 * Show all") and the view's description beside its title. "Show all" (the line's button, the
 * view's title bar, "QDA: Show All Memos") clears that filter in this view only: the Codebook
 * selection, and the Coded segments view that follows it, stay as they are (VS Code cannot
 * unselect items in a tree, so clearing the selection itself would leave them looking selected).
 * The next change of selection is followed again; "Show only theirs" goes back at once.
 */
import * as vscode from 'vscode';
import type { MemoEntry } from '../../../core/index/workspaceIndex';
import type { CodingManager } from '../../codingManager';
import type { IndexService } from '../../indexService';
import type { PanelState } from '../../panelState';

/** Messages from the webview, checked on arrival. */
type FromWebview = { type: 'ready' } | { type: 'search'; query: string } | { type: 'open'; index: number } | { type: 'showAll' } | { type: 'followSelection' };

/** The line that says what the view is limited to, with the button that lifts or restores it. */
export interface MemosFilterNote {
  line: string;
  action: string;
  command: 'showAll' | 'followSelection';
}

/** Messages to the webview. */
export type ToWebview = { type: 'memos'; query: string; items: MemoItem[]; filter?: MemosFilterNote; filtered: boolean };

export interface MemoItem {
  kind: MemoEntry['kind'];
  title: string;
  text: string;
  where: string;
}

function nonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isMessage(m: unknown): m is FromWebview {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready' || t === 'showAll' || t === 'followSelection') return true;
  if (t === 'search') return typeof (m as { query?: unknown }).query === 'string';
  if (t === 'open') return Number.isInteger((m as { index?: unknown }).index);
  return false;
}

export class MemosView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private query = '';
  private entries: MemoEntry[] = [];
  /** "Show all" was chosen for the current selection: the view does not filter by it. */
  private showAll = false;
  /** The filter line shown now (undefined: none), and the view's description, for tests. */
  filterNote?: MemosFilterNote;
  description?: string;
  /** What the view shows now, for tests. */
  items: MemoItem[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
    private readonly panel: PanelState,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider('qda.memos', this),
      indexes.onDidChange(() => void this.update()),
      panel.onDidChange(() => void this.update()),
      panel.onDidChangeSelection(() => {
        this.showAll = false;
      }),
    );
  }

  /** Shows every memo, whatever is selected in the Codebook (until the selection changes). */
  async showAllMemos(): Promise<void> {
    this.showAll = true;
    await this.update();
  }

  /** Shows only the memos of the codes selected in the Codebook again. */
  async followSelection(): Promise<void> {
    this.showAll = false;
    await this.update();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.description = this.description;
    const n = nonce();
    const script = view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'memos.js'));
    const style = view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'memos.css'));
    view.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${view.webview.cspSource}; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>Memos</title></head>
<body>
<input id="search" type="search" placeholder="Search memos, codes, documents" aria-label="Search memos">
<p id="filter" hidden><span id="filter-text"></span> <button id="filter-action" type="button" class="link"></button></p>
<p id="summary" role="status"></p>
<ul id="list"></ul>
<script nonce="${n}" src="${script}"></script>
</body></html>`;
    this.disposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => {
        if (!isMessage(m)) return;
        if (m.type === 'ready') void this.update();
        else if (m.type === 'search') {
          this.query = m.query.slice(0, 500);
          void this.update();
        } else if (m.type === 'open') void this.open(m.index);
        else if (m.type === 'showAll') void this.showAllMemos();
        else if (m.type === 'followSelection') void this.followSelection();
      }),
      view.onDidChangeVisibility(() => {
        if (view.visible) void this.update();
      }),
    );
  }

  /** Searches like typing in the box (for tests and other commands). */
  async search(query: string): Promise<MemoItem[]> {
    this.query = query;
    await this.update();
    return this.items;
  }

  async update(): Promise<void> {
    const folder = this.manager.allFolders().find((f) => f.folder.uri.toString() === this.panel.selectedFolder?.toString()) ?? this.manager.allFolders()[0];
    if (!folder) return;
    const ix = await this.indexes.index(folder);
    const index = folder.codebook.index;
    const codes = this.panel.selectedCodes;
    const name = (c: string) => index?.codes.get(c)?.name ?? c;
    const n = codes.length;
    const some = `${n} selected code${n === 1 ? '' : 's'}`;
    if (n === 0) this.filterNote = undefined;
    else if (this.showAll) this.filterNote = { line: `Showing all memos, not only those of the ${n === 1 ? 'code' : `${n} codes`} selected in the Codebook.`, action: n === 1 ? 'Show only its memos' : 'Show only theirs', command: 'followSelection' };
    else {
      const named = (c: string) => (index?.codes.has(c) ? name(c) : `${c} (no longer in the codebook)`);
      const names = codes.slice(0, 3).map(named).join(', ') + (n > 3 ? ` and ${n - 3} more` : '');
      this.filterNote = { line: `Showing memos of ${some}: ${names}`, action: 'Show all', command: 'showAll' };
    }
    const selected = new Set(this.showAll ? [] : codes);
    const attributes = this.indexes.filter.attributes;
    const parts = [...(selected.size > 0 ? [some] : []), ...(attributes ? Object.entries(attributes).map(([k, v]) => `${k}: ${v.join(' or ')}`) : [])];
    this.description = parts.length > 0 ? parts.join(' · ') : undefined;
    if (this.view) this.view.description = this.description;
    void vscode.commands.executeCommand('setContext', 'qda.memosFiltered', selected.size > 0);
    this.entries = ix.memos(this.query, this.indexes.filter).filter((e) => {
      if (selected.size === 0) return true;
      if (e.kind === 'code') return selected.has(e.code);
      if (e.kind === 'segment' || e.kind === 'document') return e.codes.some((c) => selected.has(c));
      return false;
    });
    this.items = this.entries.map((e) => {
      switch (e.kind) {
        case 'stage':
          return { kind: e.kind, title: `Stage: ${e.name}`, text: e.text, where: 'codebook' };
        case 'code':
          return { kind: e.kind, title: `Code: ${e.name}`, text: e.text, where: 'codebook' };
        case 'document':
          return { kind: e.kind, title: `Document: ${e.document}`, text: e.text, where: `${e.creator}, ${e.created.slice(0, 10)}` };
        case 'segment':
          return { kind: e.kind, title: e.codes.map(name).join(', '), text: e.text, where: `${e.document} · “${e.quote.length > 80 ? e.quote.slice(0, 79) + '…' : e.quote}” · ${e.creator}, ${e.created.slice(0, 10)}` };
      }
    });
    const message: ToWebview = { type: 'memos', query: this.query, items: this.items, filter: this.filterNote, filtered: selected.size > 0 };
    void this.view?.webview.postMessage(message);
  }

  private async open(i: number): Promise<void> {
    const e = this.entries[i];
    const folder = this.manager.allFolders().find((f) => f.folder.uri.toString() === this.panel.selectedFolder?.toString()) ?? this.manager.allFolders()[0];
    if (!e || !folder) return;
    if (e.kind === 'segment') await vscode.commands.executeCommand('qda.openSegment', { folder: folder.folder.uri.toString(), document: e.document, id: e.id, start: e.start, end: e.end });
    else if (e.kind === 'document') await vscode.window.showTextDocument(folder.store.uri(e.document));
    else await vscode.commands.executeCommand('qda.revealCode', { uri: folder.folder.uri.toString(), code: e.kind === 'code' ? e.code : undefined });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
