/**
 * The Memos view: every segment, code, stage and document memo, searchable. A webview with a
 * strict Content-Security-Policy (default-src 'none', script only by nonce, no inline handlers);
 * everything researchers wrote is sent as data and shown with textContent, so it is inert.
 */
import * as vscode from 'vscode';
import type { MemoEntry } from '../../core/index/workspaceIndex';
import type { CodingManager } from '../codingManager';
import type { IndexService } from '../indexService';
import type { PanelState } from './selection';

/** Messages from the webview, checked on arrival. */
type FromWebview = { type: 'ready' } | { type: 'search'; query: string } | { type: 'open'; index: number };

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
  if (t === 'ready') return true;
  if (t === 'search') return typeof (m as { query?: unknown }).query === 'string';
  if (t === 'open') return Number.isInteger((m as { index?: unknown }).index);
  return false;
}

export class MemosView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view?: vscode.WebviewView;
  private query = '';
  private entries: MemoEntry[] = [];
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
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
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
    const selected = new Set(this.panel.selectedCodes);
    const name = (c: string) => index?.codes.get(c)?.name ?? c;
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
    void this.view?.webview.postMessage({ type: 'memos', query: this.query, items: this.items });
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
