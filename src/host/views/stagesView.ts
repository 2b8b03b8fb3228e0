/**
 * The Stages view: each stage of the codebook, then the codes that belong to it, then the
 * documents coded with them (ordered by their front-matter date, then name), then the segments,
 * with counts at every level; codes of no stage under "No stage" last. Follows the case-attribute
 * filter. A segment opens the document at the passage.
 */
import * as vscode from 'vscode';
import type { CodebookIndex } from '../../core/codebook/codebook';
import type { DocumentSegments, IndexedSegment, WorkspaceIndex } from '../../core/index/workspaceIndex';
import type { Code, Stage } from '../../core/model/codebook';
import { shorten } from '../../core/project';
import type { CodingManager, Folder } from '../codingManager';
import type { IndexService } from '../indexService';

export type StageNode =
  | { kind: 'stage'; folder: Folder; stage?: Stage }
  | { kind: 'code'; folder: Folder; code: Code }
  | { kind: 'document'; folder: Folder; code: Code; doc: DocumentSegments }
  | { kind: 'segment'; folder: Folder; document: string; seg: IndexedSegment };

/** Documents by front-matter date (undated last), then by path. */
export function byDate(ix: WorkspaceIndex): (a: DocumentSegments, b: DocumentSegments) => number {
  const date = (d: string) => {
    const v = ix.attributes(d)?.date;
    return v === undefined ? '\uffff' : String(Array.isArray(v) ? v[0] : v);
  };
  return (a, b) => date(a.document).localeCompare(date(b.document)) || a.document.localeCompare(b.document);
}

export class StagesView implements vscode.TreeDataProvider<StageNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<StageNode>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
  ) {
    this.view = vscode.window.createTreeView('qda.stages', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.view, this.changed, indexes.onDidChange(() => this.changed.fire(undefined)), manager.onDidChangeCodebook(() => this.changed.fire(undefined)));
  }

  private codesOf(index: CodebookIndex, stage: Stage | undefined): Code[] {
    return index.codebook.codes.filter((c) => index.stageOf(c.id)?.id === stage?.id);
  }

  async getChildren(node?: StageNode): Promise<StageNode[]> {
    if (!node) {
      const folder = this.manager.allFolders().find((f) => f.codebook.index);
      if (!folder) return [];
      const index = folder.codebook.index!;
      await this.indexes.index(folder);
      const nodes: StageNode[] = index.codebook.stages.map((stage) => ({ kind: 'stage', folder, stage }));
      if (this.codesOf(index, undefined).length > 0) nodes.push({ kind: 'stage', folder });
      return nodes;
    }
    const ix = await this.indexes.index(node.folder);
    if (node.kind === 'stage') return this.codesOf(node.folder.codebook.index!, node.stage).map((code) => ({ kind: 'code', folder: node.folder, code }));
    if (node.kind === 'code') return ix.segments([node.code.id], this.indexes.filter).sort(byDate(ix)).map((doc) => ({ kind: 'document', folder: node.folder, code: node.code, doc }));
    if (node.kind === 'document') return node.doc.segments.map((seg) => ({ kind: 'segment', folder: node.folder, document: node.doc.document, seg }));
    return [];
  }

  getTreeItem(node: StageNode): vscode.TreeItem {
    const ix = this.indexes.peek(node.folder);
    const counts = ix?.codeCounts(this.indexes.filter);
    if (node.kind === 'stage') {
      const codes = this.codesOf(node.folder.codebook.index!, node.stage);
      // Distinct segments: one with two codes of this stage counts once.
      const n = ix?.stageCounts(this.indexes.filter).get(node.stage?.id)?.segments ?? 0;
      const item = new vscode.TreeItem(node.stage?.name ?? 'No stage', vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${codes.length} code${codes.length === 1 ? '' : 's'} · ${n} segment${n === 1 ? '' : 's'}`;
      item.iconPath = new vscode.ThemeIcon('layers');
      item.tooltip = node.stage?.description ?? 'Codes that belong to no stage.';
      item.id = `stage:${node.stage?.id ?? ''}`;
      return item;
    }
    if (node.kind === 'code') {
      const c = counts?.get(node.code.id);
      const item = new vscode.TreeItem(node.code.name, c?.segments ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.description = `${c?.segments ?? 0} · ${c?.documents ?? 0} doc${c?.documents === 1 ? '' : 's'}`;
      item.tooltip = node.code.definition;
      item.iconPath = new vscode.ThemeIcon('tag');
      item.id = `stage-code:${node.code.id}`;
      return item;
    }
    if (node.kind === 'document') {
      const date = ix?.attributes(node.doc.document)?.date;
      const item = new vscode.TreeItem(node.doc.document.split('/').pop()!, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${node.doc.segments.length} segment${node.doc.segments.length === 1 ? '' : 's'}${date ? ` · ${String(date)}` : ''}`;
      item.resourceUri = node.folder.store.uri(node.doc.document);
      item.iconPath = vscode.ThemeIcon.File;
      item.id = `stage-doc:${node.code.id}:${node.doc.document}`;
      return item;
    }
    const s = node.seg;
    const item = new vscode.TreeItem(`“${shorten(s.quote, 90)}”`, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon('quote');
    item.tooltip = s.quote;
    item.command = { command: 'qda.openSegment', title: 'Show the passage', arguments: [{ folder: node.folder.folder.uri.toString(), document: node.document, id: s.id, start: s.start, end: s.end }] };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
