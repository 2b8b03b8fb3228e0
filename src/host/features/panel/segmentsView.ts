/**
 * The Coded segments view: every segment of the codes selected in the Codebook view (with their
 * sub-codes) across the workspace, grouped by document, with a quote preview. A click opens the
 * document, reveals the passage and briefly flashes it. Follows the case-attribute filter.
 */
import * as vscode from 'vscode';
import type { DocumentSegments, IndexedSegment } from '../../../core/index/workspaceIndex';
import { shorten } from '../../../core/project';
import type { CodingManager, Folder } from '../../codingManager';
import type { IndexService } from '../../indexService';
import type { PanelState } from '../../panelState';

export type SegmentNode =
  | { kind: 'document'; folder: Folder; doc: DocumentSegments }
  | { kind: 'segment'; folder: Folder; document: string; seg: IndexedSegment };

export class SegmentsView implements vscode.TreeDataProvider<SegmentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SegmentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<SegmentNode>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
    private readonly panel: PanelState,
  ) {
    this.view = vscode.window.createTreeView('qda.segments', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.view, this.changed, panel.onDidChange(() => this.refresh()), indexes.onDidChange(() => this.refresh()));
    this.refresh();
  }

  refresh(): void {
    const filter = this.indexes.filter.attributes;
    const filterText = filter ? Object.entries(filter).map(([k, v]) => `${k}: ${v.join(' or ')}`).join('; ') : '';
    this.view.description = filterText;
    this.view.message = this.panel.selectedCodes.length === 0 ? 'Select one or more codes in the Codebook to see their coded segments.' : undefined;
    this.changed.fire(undefined);
  }

  private folder(): Folder | undefined {
    const uri = this.panel.selectedFolder?.toString();
    return this.manager.allFolders().find((f) => f.folder.uri.toString() === uri);
  }

  async getChildren(node?: SegmentNode): Promise<SegmentNode[]> {
    if (node?.kind === 'segment') return [];
    if (node?.kind === 'document') return node.doc.segments.map((seg) => ({ kind: 'segment', folder: node.folder, document: node.doc.document, seg }));
    const folder = this.folder();
    if (!folder || this.panel.selectedCodes.length === 0) return [];
    const ix = await this.indexes.index(folder);
    const docs = ix.segments(this.panel.selectedCodes, this.indexes.filter, { withDescendants: true });
    return docs.map((doc) => ({ kind: 'document', folder, doc }));
  }

  getTreeItem(node: SegmentNode): vscode.TreeItem {
    const index = node.folder.codebook.index;
    if (node.kind === 'document') {
      const item = new vscode.TreeItem(node.doc.document.split('/').pop()!, vscode.TreeItemCollapsibleState.Expanded);
      item.resourceUri = node.folder.store.uri(node.doc.document);
      item.iconPath = vscode.ThemeIcon.File;
      const dir = node.doc.document.includes('/') ? node.doc.document.slice(0, node.doc.document.lastIndexOf('/')) : '';
      item.description = `${node.doc.segments.length} segment${node.doc.segments.length === 1 ? '' : 's'}${dir ? ` · ${dir}` : ''}`;
      item.id = `${node.folder.folder.uri}#doc:${node.doc.document}`;
      return item;
    }
    const s = node.seg;
    const item = new vscode.TreeItem(s.quote ? `“${shorten(s.quote, 90)}”` : '(whole document)', vscode.TreeItemCollapsibleState.None);
    item.description = s.codes.map((c) => index?.codes.get(c)?.name ?? c).join(', ');
    item.id = `${node.folder.folder.uri}#seg:${s.id}`;
    item.iconPath = new vscode.ThemeIcon(s.start === undefined && s.quote ? 'warning' : s.memo ? 'note' : 'quote');
    const tip = new vscode.MarkdownString();
    tip.appendText(s.quote || '(whole document)');
    tip.appendMarkdown('\n\n---\n\n').appendText(`${item.description} · coded by ${s.creator || 'unknown'} on ${s.created.slice(0, 10)}`);
    if (s.memo) tip.appendMarkdown('\n\n**Memo:** ').appendText(s.memo);
    if (s.start === undefined && s.quote) tip.appendMarkdown('\n\n').appendText('This segment lost its place in the document (orphan).');
    item.tooltip = tip;
    item.command = { command: 'qda.openSegment', title: 'Show the passage', arguments: [{ folder: node.folder.folder.uri.toString(), document: node.document, id: s.id, start: s.start, end: s.end }] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
