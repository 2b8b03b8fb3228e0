/**
 * The test API `activate` returns (as VS Code's own Markdown extension returns its test API): what
 * the editor and the side panel show, as plain data, and hooks on parts of the UI the VS Code API
 * gives no handle on. Used by the integration tests and the in-editor benchmark; never a command,
 * so nothing of it reaches the researcher's command list.
 */
import * as vscode from 'vscode';
import type { CodebookNode } from '../codebook/codebookView';
import type { SegmentNode } from '../panel/segmentsView';
import type { StageNode } from '../stages/stagesView';
import type { Outline } from '../../../core/markdown/outline';
import type { CodedDocument } from '../../codedDocument';
import type { CodebookEditing } from '../codebook/codebookEditing';
import { testPicker, type PickerTestArgs } from '../coding/codeSelection';
import { targetDocument } from '../../common';
import type { FeatureContext, FeatureServices } from '../feature';

/** What the editor shows for a document (segments, highlights, stripes, labels, problems). */
async function testState({ manager, decorations }: TestApiServices, args?: { uri?: string }) {
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

/** The side panel's views as plain data (trees, messages, memos, filter). */
async function viewsState({ manager, indexes, panel, codebookView: codebook, segmentsView: segments, memosView: memos, stagesView: stages }: TestApiServices) {
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

/** What the test API is built from: the shared services and those the features hand on. */
type TestApiServices = FeatureServices & Pick<FeatureContext, 'manager' | 'indexes' | 'panel'>;

/** The test API over the services the features handed on (built once every feature is registered). */
export function testApi(context: FeatureContext): TestApi {
  const { manager, indexes, panel, exposed } = context;
  return createTestApi({
    manager,
    indexes,
    panel,
    decorations: exposed('decorations'),
    segmentContext: exposed('segmentContext'),
    codebookView: exposed('codebookView'),
    editing: exposed('editing'),
    segmentsView: exposed('segmentsView'),
    memosView: exposed('memosView'),
    stagesView: exposed('stagesView'),
    outline: exposed('outline'),
    structures: exposed('structures'),
  });
}

/** What `activate` returns: one function per thing the tests look at or drive. */
export interface TestApi {
  /** Drives the open code picker and says what it shows (undefined when it is closed). */
  picker(args?: PickerTestArgs): ReturnType<typeof testPicker>;
  /** What the editor shows for a document (the active one without `uri`), and whether the cursor is in a segment. */
  state(args?: { uri?: string }): Promise<(EditorState & { segmentAtCursor: boolean }) | undefined>;
  /** The side panel's views as plain data (each folder's index loaded first). */
  views(): ReturnType<typeof viewsState>;
  /** The stage outline as the core builds it, and how many structure parses were done so far. */
  outline(args?: { uri?: string }): Promise<{ outline: Outline | undefined; parses: { full: number; incremental: number } } | undefined>;
  /** Whether a document's coding is loaded and drawn; read-only and cheap (no redraw), so a benchmark can poll it while timing the first highlight. */
  decorations(args?: { uri?: string }): DrawnState;
  /** The codebook's undo and redo stacks and its status bar item. */
  codebookHistory(): ReturnType<CodebookEditing['historyState']>;
  /** Selects codes in the Codebook view, as clicking them does (the first folder's without `folder`). */
  selectCodes(arg: { folder?: string; codes: string[] }): void;
}

type EditorState = NonNullable<Awaited<ReturnType<typeof testState>>>;

export interface DrawnState {
  loaded: boolean;
  segments: number;
  loadedFrom?: CodedDocument['loadedFrom'];
  /** When the highlights were last handed to the editor (Date.now()), if ever. */
  refreshedAt?: number;
  highlightRanges: number;
}

function createTestApi(s: TestApiServices): TestApi {
  return {
    picker: testPicker,
    state: async (args?: { uri?: string }) => {
      const state = await testState(s, args);
      return state && { ...state, segmentAtCursor: s.segmentContext.value };
    },
    views: () => viewsState(s),
    outline: async (args?: { uri?: string }) => {
      const document = args?.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
      return document ? { outline: await s.outline.outline(document), parses: { ...s.structures.stats } } : undefined;
    },
    decorations: (args?: { uri?: string }) => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args?.uri);
      const doc = document ? s.manager.get(document) : undefined;
      const drawn = args?.uri ? s.decorations.drawnCount(args.uri) : undefined;
      return {
        loaded: !!doc,
        segments: doc?.segments.length ?? 0,
        loadedFrom: doc?.loadedFrom,
        refreshedAt: drawn?.refreshedAt,
        highlightRanges: drawn?.highlightRanges ?? 0,
      };
    },
    codebookHistory: () => s.editing.historyState(),
    selectCodes: (arg: { folder?: string; codes: string[] }) => s.panel.select(arg.folder ? vscode.Uri.parse(arg.folder) : s.manager.allFolders()[0]?.folder.uri, arg.codes),
  };
}
