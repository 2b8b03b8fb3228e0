/**
 * The Stages view: each stage of the codebook, then the codes that belong to it, then the
 * documents coded with them (ordered by their front-matter date, then name), then the segments,
 * with counts at every level; codes of no stage under "No stage" last. Under each stage, after its
 * codes, "Passages marked for this stage": the documents whose stage markers place passages in it
 * (coded or not: field notes often are not), by date, then those passages. Follows the
 * case-attribute filter. A segment or passage opens the document at it.
 */
import * as vscode from 'vscode';
import type { CodebookIndex } from '../../../core/codebook/codebook';
import type { PassageInStage } from '../../../core/markdown/stages';
import type { DocumentSegments, IndexedSegment, WorkspaceIndex } from '../../../core/index/workspaceIndex';
import type { Code, Stage } from '../../../core/model/codebook';
import { shorten } from '../../../core/project';
import type { CodingManager, Folder } from '../../codingManager';
import type { IndexService } from '../../indexService';
import { MarkedPassages } from './markedPassages';

/** The documents with passages marked for a stage, with those passages. */
export interface MarkedDocument {
  document: string;
  passages: PassageInStage[];
}

export const MARKED_PASSAGES = 'Passages marked for this stage';

export type StageNode =
  | { kind: 'stage'; folder: Folder; stage?: Stage }
  | { kind: 'code'; folder: Folder; code: Code }
  | { kind: 'document'; folder: Folder; code: Code; doc: DocumentSegments }
  | { kind: 'segment'; folder: Folder; document: string; seg: IndexedSegment }
  | { kind: 'marked'; folder: Folder; stage: Stage; docs: MarkedDocument[] }
  | { kind: 'marked-document'; folder: Folder; stage: Stage; doc: MarkedDocument }
  | { kind: 'passage'; folder: Folder; document: string; passage: PassageInStage };

/** Documents by front-matter date (undated last), then by path. */
export function byDate(ix: WorkspaceIndex): (a: { document: string }, b: { document: string }) => number {
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
  /** The passages stage markers place, across the folder's documents. */
  readonly marked: MarkedPassages;

  constructor(
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
  ) {
    this.marked = new MarkedPassages(manager);
    this.view = vscode.window.createTreeView('qda.stages', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(this.marked, this.view, this.changed, indexes.onDidChange(() => this.changed.fire(undefined)), manager.onDidChangeCodebook(() => this.changed.fire(undefined)));
  }

  /** The documents (passing the case-attribute filter, by date) whose markers place passages in `stage`. */
  private async markedDocuments(folder: Folder, stage: Stage): Promise<MarkedDocument[]> {
    const ix = await this.indexes.index(folder);
    const docs = await this.marked.ofStage(folder, folder.codebook.index!.codebook.stages, stage.id);
    return docs.filter((d) => ix.passes(d.document, this.indexes.filter)).sort(byDate(ix));
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
    if (node.kind === 'stage') {
      const codes: StageNode[] = this.codesOf(node.folder.codebook.index!, node.stage).map((code) => ({ kind: 'code', folder: node.folder, code }));
      const docs = node.stage ? await this.markedDocuments(node.folder, node.stage) : [];
      return docs.length > 0 ? [...codes, { kind: 'marked', folder: node.folder, stage: node.stage!, docs }] : codes;
    }
    if (node.kind === 'marked') return node.docs.map((doc) => ({ kind: 'marked-document', folder: node.folder, stage: node.stage, doc }));
    if (node.kind === 'marked-document') return node.doc.passages.map((passage) => ({ kind: 'passage', folder: node.folder, document: node.doc.document, passage }));
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
    if (node.kind === 'marked') {
      const n = node.docs.reduce((sum, d) => sum + d.passages.length, 0);
      const item = new vscode.TreeItem(MARKED_PASSAGES, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${n} passage${n === 1 ? '' : 's'} · ${node.docs.length} doc${node.docs.length === 1 ? '' : 's'}`;
      item.tooltip = `Passages that a <!-- stage: ${node.stage.id} --> marker places in ${node.stage.name}, coded or not.`;
      item.iconPath = new vscode.ThemeIcon('bookmark');
      item.id = `stage-marked:${node.stage.id}`;
      return item;
    }
    if (node.kind === 'marked-document') {
      const date = ix?.attributes(node.doc.document)?.date;
      const n = node.doc.passages.length;
      const item = new vscode.TreeItem(node.doc.document.split('/').pop()!, vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${n} passage${n === 1 ? '' : 's'}${date ? ` · ${String(date)}` : ''}`;
      item.resourceUri = node.folder.store.uri(node.doc.document);
      item.iconPath = vscode.ThemeIcon.File;
      item.id = `stage-marked-doc:${node.stage.id}:${node.doc.document}`;
      return item;
    }
    if (node.kind === 'passage') {
      const p = node.passage;
      const item = new vscode.TreeItem(`“${shorten(p.text, 90)}”`, vscode.TreeItemCollapsibleState.None);
      item.description = `line ${p.passage.line}`;
      item.iconPath = new vscode.ThemeIcon('note');
      item.tooltip = `${p.text}\n\n(stage marker on line ${p.markerLine})`;
      item.command = { command: 'qda.openSegment', title: 'Show the passage', arguments: [{ folder: node.folder.folder.uri.toString(), document: node.document, start: p.start, end: p.end }] };
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
