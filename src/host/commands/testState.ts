/**
 * `qda.test.state`: what the editor shows for a document (segments, highlights, stripes, labels,
 * problems), as plain data. Used by the integration tests; harmless for users, hidden from the palette.
 */
import * as vscode from 'vscode';
import type { CodingManager } from '../codingManager';
import type { Decorations } from '../decorations';
import type { IndexService } from '../indexService';
import type { CodebookNode, CodebookView } from '../views/codebookView';
import type { MemosView } from '../views/memosView';
import type { PanelState } from '../views/selection';
import type { SegmentNode, SegmentsView } from '../views/segmentsView';
import type { StageNode, StagesView } from '../views/stagesView';
import { targetDocument } from './common';

export async function testState(manager: CodingManager, decorations: Decorations, args?: { uri?: string }) {
  const document = await targetDocument(args?.uri);
  if (!document) return undefined;
  const doc = await manager.ensure(document);
  if (!doc) return undefined;
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  if (editor) decorations.refresh(editor, doc);
  const text = document.getText();
  return {
    path: doc.path,
    loadedFrom: doc.loadedFrom,
    readOnly: doc.readOnly,
    problems: doc.problems,
    segments: doc.segments.map((s) => ({
      id: s.ann.id,
      codes: [...s.ann.codes],
      memo: s.ann.memo,
      creator: s.ann.creator,
      status: s.status,
      start: s.start,
      end: s.end,
      text: s.start !== undefined ? text.slice(s.start, s.end) : undefined,
      quote: s.ann.exact,
    })),
    decorations: decorations.snapshot(document.uri.toString()),
    diagnostics: vscode.languages.getDiagnostics(document.uri).map((d) => ({ message: d.message, severity: d.severity, line: d.range.start.line })),
  };
}

interface TreeSnapshot {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: unknown;
  children: TreeSnapshot[];
}

async function snapshotTree<T>(provider: vscode.TreeDataProvider<T>, node?: T, depth = 0): Promise<TreeSnapshot[]> {
  if (depth > 8) return [];
  const kids = (await provider.getChildren(node)) ?? [];
  const out: TreeSnapshot[] = [];
  for (const k of kids) {
    const item = await provider.getTreeItem(k);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : item.tooltip;
    out.push({
      label,
      description: typeof item.description === 'string' ? item.description : undefined,
      tooltip,
      contextValue: item.contextValue,
      command: item.command ? { command: item.command.command, arguments: item.command.arguments } : undefined,
      children: await snapshotTree(provider, k, depth + 1),
    });
  }
  return out;
}

/** `qda.test.views`: the side panel's views as plain data (trees, messages, memos, filter). */
export async function viewsState(manager: CodingManager, indexes: IndexService, panel: PanelState, codebook: CodebookView, segments: SegmentsView, memos: MemosView, stages: StagesView) {
  for (const f of manager.allFolders()) await indexes.index(f);
  codebook.refresh();
  return {
    selectedCodes: panel.selectedCodes,
    hidden: [...panel.hidden()],
    filter: indexes.filter,
    byStage: codebook.byStage,
    codebook: await snapshotTree<CodebookNode>(codebook),
    segments: await snapshotTree<SegmentNode>(segments),
    segmentsMessage: segments.view.message,
    memos: await memos.search(''),
    memosFilter: { line: memos.filterNote?.line, action: memos.filterNote?.action, description: memos.description },
    stages: await snapshotTree<StageNode>(stages),
  };
}
