/**
 * The Codebook view: stages, then codes and sub-codes, each with its colour, how many segments and
 * documents use it (following the case-attribute filter), and its definition as tooltip.
 * Two arrangements: by stage (a code sits under its stage; a sub-code whose stage differs from its
 * parent's sits under its own stage, with its parent named beside it) or as the plain hierarchy.
 * Selecting codes filters the Coded segments and Memos views. Codes move by drag and drop.
 */
import * as vscode from 'vscode';
import type { CodebookIndex } from '../../../core/codebook/codebook';
import type { CodeCount, Counts } from '../../../core/index/workspaceIndex';
import type { Code, Stage } from '../../../core/model/codebook';
import type { CodingManager, Folder } from '../../codingManager';
import type { IndexService } from '../../indexService';
import type { CodeIcons } from './codeIcons';
import type { PanelState } from '../../panelState';

export type CodebookNode =
  | { kind: 'folder'; folder: Folder }
  | { kind: 'stage'; folder: Folder; stage?: Stage }
  | { kind: 'code'; folder: Folder; code: Code; stageMode: boolean };

const MIME = 'application/vnd.code.tree.qda.codebook';
const ACROSS = 'Across stages';

export class CodebookView implements vscode.TreeDataProvider<CodebookNode>, vscode.TreeDragAndDropController<CodebookNode>, vscode.Disposable {
  readonly dropMimeTypes = [MIME];
  readonly dragMimeTypes = [MIME];
  private readonly changed = new vscode.EventEmitter<CodebookNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  readonly view: vscode.TreeView<CodebookNode>;
  byStage: boolean;
  private counts = new Map<Folder, Map<string, CodeCount>>();
  private stageCounts = new Map<Folder, Map<string | undefined, Counts>>();

  constructor(
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
    private readonly panel: PanelState,
    private readonly icons: CodeIcons,
    private readonly memento: vscode.Memento,
  ) {
    this.byStage = memento.get('qda.codebookByStage', true);
    void vscode.commands.executeCommand('setContext', 'qda.codebookByStage', this.byStage);
    this.view = vscode.window.createTreeView('qda.codebook', { treeDataProvider: this, dragAndDropController: this, canSelectMany: true, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeSelection((e) => {
        const codes = e.selection.filter((n): n is Extract<CodebookNode, { kind: 'code' }> => n.kind === 'code');
        panel.select(codes[0]?.folder.folder.uri, codes.map((n) => n.code.id));
      }),
      manager.onDidChangeCodebook(() => this.refresh()),
      indexes.onDidChange(() => this.refresh()),
      panel.onDidChange(() => this.changed.fire(undefined)),
    );
    this.updateContext();
  }

  private updateContext(): void {
    const folders = this.manager.allFolders();
    void vscode.commands.executeCommand('setContext', 'qda.hasCodebook', folders.some((f) => f.codebook.exists));
  }

  setByStage(on: boolean): void {
    this.byStage = on;
    void this.memento.update('qda.codebookByStage', on);
    void vscode.commands.executeCommand('setContext', 'qda.codebookByStage', on);
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.updateContext();
    this.counts.clear();
    this.stageCounts.clear();
    this.changed.fire(undefined);
  }

  private countsFor(folder: Folder): Map<string, CodeCount> | undefined {
    let c = this.counts.get(folder);
    if (!c) {
      const ix = this.indexes.peek(folder);
      if (!ix) {
        void this.indexes.index(folder); // fires onDidChange when loaded
        return undefined;
      }
      c = ix.codeCounts(this.indexes.filter);
      this.counts.set(folder, c);
    }
    return c;
  }

  /** Distinct segments per stage (a segment with two codes of a stage counts once), from the index. */
  private stageCountsFor(folder: Folder): Map<string | undefined, Counts> | undefined {
    let c = this.stageCounts.get(folder);
    if (!c) {
      const ix = this.indexes.peek(folder);
      if (!ix) return undefined; // countsFor asks for the index
      c = ix.stageCounts(this.indexes.filter);
      this.stageCounts.set(folder, c);
    }
    return c;
  }

  async getChildren(node?: CodebookNode): Promise<CodebookNode[]> {
    const folders = this.manager.allFolders().filter((f) => f.codebook.index);
    if (!node) {
      if (folders.length > 1) return folders.map((folder) => ({ kind: 'folder', folder }));
      return folders[0] ? this.folderChildren(folders[0]) : [];
    }
    if (node.kind === 'folder') return this.folderChildren(node.folder);
    const index = node.folder.codebook.index;
    if (!index) return [];
    // Make sure icons exist before items are drawn.
    const codes = node.kind === 'stage' ? this.stageRoots(index, node.stage) : this.childCodes(index, node.code, node.stageMode);
    await Promise.all(codes.map((c) => this.icons.icon(index.colourOf(c.id), this.panel.hidden().has(c.id) ? 'ring' : 'dot')));
    return codes.map((code) => ({ kind: 'code', folder: node.folder, code, stageMode: node.kind === 'stage' || (node.kind === 'code' && node.stageMode) }));
  }

  private async folderChildren(folder: Folder): Promise<CodebookNode[]> {
    const index = folder.codebook.index!;
    if (this.byStage && index.codebook.stages.length > 0) {
      await Promise.all(index.codebook.stages.map((s) => this.icons.icon(s.colour ?? '#808080', 'square')));
      const nodes: CodebookNode[] = index.codebook.stages.map((stage) => ({ kind: 'stage', folder, stage }));
      if (this.stageRoots(index, undefined).length > 0) nodes.push({ kind: 'stage', folder });
      return nodes;
    }
    const roots = index.children(undefined);
    await Promise.all(roots.map((c) => this.icons.icon(index.colourOf(c.id), this.panel.hidden().has(c.id) ? 'ring' : 'dot')));
    return roots.map((code) => ({ kind: 'code', folder, code, stageMode: false }));
  }

  /** Codes whose effective stage is `stage` and whose parent is elsewhere (or absent). */
  private stageRoots(index: CodebookIndex, stage: Stage | undefined): Code[] {
    return index.codebook.codes.filter((c) => {
      if (index.stageOf(c.id)?.id !== stage?.id) return false;
      return !c.parent || index.stageOf(c.parent)?.id !== stage?.id;
    });
  }

  private childCodes(index: CodebookIndex, code: Code, stageMode: boolean): Code[] {
    const kids = index.children(code.id);
    return stageMode ? kids.filter((k) => index.stageOf(k.id)?.id === index.stageOf(code.id)?.id) : kids;
  }

  getTreeItem(node: CodebookNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      return item;
    }
    const index = node.folder.codebook.index!;
    const counts = this.countsFor(node.folder);
    if (node.kind === 'stage') {
      const item = new vscode.TreeItem(node.stage?.name ?? ACROSS, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `${node.folder.folder.uri}#stage:${node.stage?.id ?? ''}`;
      item.contextValue = node.stage ? 'stage' : 'noStage';
      // The codes under a stage group are those whose stage (own or inherited) is that stage.
      const total = counts ? this.stageCountsFor(node.folder)?.get(node.stage?.id)?.segments : undefined;
      item.description = total === undefined ? '' : `${total} segment${total === 1 ? '' : 's'}`;
      item.iconPath = node.stage ? this.icons.peek(node.stage.colour ?? '#808080', 'square') : new vscode.ThemeIcon('layers');
      const tip = new vscode.MarkdownString();
      tip.appendMarkdown('**').appendText(node.stage?.name ?? ACROSS).appendMarkdown('**\n\n');
      tip.appendText(node.stage?.description ?? 'Codes that belong to no single stage.');
      item.tooltip = tip;
      return item;
    }
    const { code } = node;
    const hidden = this.panel.hidden().has(code.id);
    const hasKids = this.childCodes(index, code, node.stageMode).length > 0;
    const item = new vscode.TreeItem(code.name, hasKids ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `${node.folder.folder.uri}#code:${code.id}:${node.stageMode ? 's' : 'h'}`;
    item.contextValue = hidden ? 'code.hidden' : 'code';
    item.iconPath = this.icons.peek(index.colourOf(code.id), hidden ? 'ring' : 'dot');
    const c = counts?.get(code.id);
    const parts: string[] = [];
    if (counts) {
      const own = c?.segments ?? 0;
      const docs = c?.documents ?? 0;
      parts.push(`${own} · ${docs} doc${docs === 1 ? '' : 's'}`);
      const all = c?.withDescendants.segments ?? own;
      if (hasKids && all !== own) parts.push(`${all} with sub-codes`);
    }
    if (hidden) parts.push('hidden');
    item.description = parts.join(' · ');
    item.tooltip = codeTooltip(index, code, c);
    item.accessibilityInformation = { label: `${code.name}, ${item.description}` };
    return item;
  }

  getParent(): undefined {
    return undefined;
  }

  handleDrag(source: readonly CodebookNode[], data: vscode.DataTransfer): void {
    const codes = source.filter((n) => n.kind === 'code');
    if (codes.length > 0) data.set(MIME, new vscode.DataTransferItem(codes));
  }

  async handleDrop(target: CodebookNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const dragged = data.get(MIME)?.value as Extract<CodebookNode, { kind: 'code' }>[] | undefined;
    if (!dragged || dragged.length === 0) return;
    const folder = dragged[0].folder;
    if (target && target.kind !== 'folder' && target.folder !== folder) {
      void vscode.window.showWarningMessage('Codes can only be moved within their own codebook.');
      return;
    }
    // Through the command, so the move goes into the codebook history (Undo Last Codebook Change).
    const to: { parent?: string | null; stage?: string | null } =
      !target || target.kind === 'folder' ? { parent: null } : target.kind === 'stage' ? { stage: target.stage?.id ?? null, parent: this.byStage ? null : undefined } : { parent: target.code.id };
    await vscode.commands.executeCommand('qda.codebook.move', { folder: folder.folder.uri.toString(), codes: dragged.map((n) => n.code.id), to });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function codeTooltip(index: CodebookIndex, code: Code, counts: CodeCount | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const field = (label: string, text: string | undefined) => {
    if (text) md.appendMarkdown(`**${label}:** `).appendText(text).appendMarkdown('\n\n');
  };
  md.appendMarkdown('**').appendText(index.pathOf(code.id)).appendMarkdown('**');
  const stage = index.stageOf(code.id);
  if (stage) md.appendMarkdown(' · ').appendText(stage.name);
  md.appendMarkdown('\n\n');
  if (code.definition) md.appendText(code.definition).appendMarkdown('\n\n');
  field('When to use', code.whenToUse);
  field('When not to use', code.whenNotToUse);
  field('Example', code.example);
  field('Memo', code.memo);
  if (counts) md.appendMarkdown(`${counts.segments} segments in ${counts.documents} documents`);
  md.appendMarkdown('\n\n').appendText(`id: ${code.id}`);
  return md;
}
