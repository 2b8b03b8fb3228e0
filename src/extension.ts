/** Activation: wires the features together; every registration goes into context.subscriptions. */
import * as vscode from 'vscode';
import { addMemo } from './host/features/coding/addMemo';
import { codeSelection } from './host/features/coding/codeSelection';
import { createCodebook } from './host/features/codebook/createCodebook';
import { gotoSegment } from './host/features/coding/navigate';
import { reattachSegment } from './host/features/coding/reattach';
import { recode } from './host/features/coding/recode';
import { removeCode } from './host/features/coding/removeCode';
import { revealCode } from './host/features/codebook/revealCode';
import { createTestApi, type TestApi } from './host/features/test/testApi';
import { undoCoding } from './host/features/coding/undoCoding';
import { CodingManager } from './host/codingManager';
import { Decorations } from './host/features/coding/decorations';
import { CodingHoverProvider } from './host/features/coding/hover';
import { CodingProblems } from './host/features/coding/problems';
import { RecentCodes } from './host/recentCodes';
import { CodebookEditing } from './host/features/codebook/codebookEditing';
import { documentMemo } from './host/features/coding/documentMemo';
import { openSample } from './host/features/sample/openSample';
import { openSegment } from './host/features/panel/openSegment';
import { IndexService } from './host/indexService';
import { CodeIcons } from './host/features/codebook/codeIcons';
import { CodebookView } from './host/features/codebook/codebookView';
import { MemosView } from './host/features/panel/memosView';
import { PanelState } from './host/panelState';
import { SegmentsView } from './host/features/panel/segmentsView';
import { StagesView } from './host/features/stages/stagesView';
import { StageOutline } from './host/features/stages/outline';
import type { CommandId } from './host/commandIds';
import { SegmentContext } from './host/features/coding/segmentContext';
import { StructureService } from './host/features/stages/structureService';
import { stageReport } from './host/features/stages/stageReport';
import { exportSegments } from './host/features/panel/exportSegments';

/** What activation returns: the test API (see src/host/commands/testState.ts). */
export type { TestApi };

export function activate(context: vscode.ExtensionContext): TestApi {
  const diagnostics = vscode.languages.createDiagnosticCollection('qda');
  const manager = new CodingManager(diagnostics);
  const panel = new PanelState(context.workspaceState);
  const decorations = new Decorations(manager, () => panel.hidden(), panel.onDidChange);
  const problems = new CodingProblems(manager);
  const recent = new RecentCodes(context.workspaceState);
  const segmentContext = new SegmentContext(manager);
  context.subscriptions.push(segmentContext);
  const indexes = new IndexService(manager);
  const icons = new CodeIcons(vscode.Uri.joinPath(context.globalStorageUri, 'code-icons'));
  const codebookView = new CodebookView(manager, indexes, panel, icons, context.workspaceState);
  const segmentsView = new SegmentsView(manager, indexes, panel);
  const memosView = new MemosView(context.extensionUri, manager, indexes, panel);
  const editing = new CodebookEditing(manager, indexes, panel);
  const structures = new StructureService();
  const stagesView = new StagesView(manager, indexes);
  const outline = new StageOutline(manager, structures);
  context.subscriptions.push(structures, stagesView);
  context.subscriptions.push(outline.register());
  context.subscriptions.push(diagnostics, manager, decorations, problems, panel, indexes, codebookView, segmentsView, memosView, editing);

  const command = (id: CommandId, run: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));
  command('qda.codeSelection', (args?: Parameters<typeof codeSelection>[2]) => codeSelection(manager, recent, args));
  command('qda.removeCode', (args?: Parameters<typeof removeCode>[1]) => removeCode(manager, args));
  command('qda.recode', (args?: Parameters<typeof recode>[1]) => recode(manager, args));
  command('qda.addMemo', (args?: Parameters<typeof addMemo>[1]) => addMemo(manager, args));
  command('qda.nextSegment', () => gotoSegment(manager, 1));
  command('qda.previousSegment', () => gotoSegment(manager, -1));
  command('qda.reattachSegment', (args?: Parameters<typeof reattachSegment>[1]) => reattachSegment(manager, args));
  command('qda.revealCode', (args?: Parameters<typeof revealCode>[1]) => revealCode(manager, args));
  command('qda.createCodebook', (args?: Parameters<typeof createCodebook>[1]) => createCodebook(manager, args));
  command('qda.undoCoding', () => undoCoding(manager, false));
  command('qda.redoCoding', () => undoCoding(manager, true));
  command('qda.documentMemo', (args?: Parameters<typeof documentMemo>[1]) => documentMemo(manager, args));
  command('qda.openSegment', (args: Parameters<typeof openSegment>[1]) => openSegment(manager, args));
  command('qda.openSample', () => openSample(context.extensionUri));
  command('qda.codebook.newCode', (arg?: Parameters<CodebookEditing['newCode']>[0]) => editing.newCode(arg));
  command('qda.codebook.newSubCode', (arg?: Parameters<CodebookEditing['newCode']>[0]) => editing.newCode(arg, true));
  command('qda.codebook.rename', (arg?: Parameters<CodebookEditing['rename']>[0]) => editing.rename(arg));
  command('qda.codebook.recolour', (arg?: Parameters<CodebookEditing['recolour']>[0]) => editing.recolour(arg));
  command('qda.codebook.editDefinition', (arg?: Parameters<CodebookEditing['editDefinition']>[0]) => editing.editDefinition(arg));
  command('qda.codebook.editMemo', (arg?: Parameters<CodebookEditing['editMemo']>[0]) => editing.editMemo(arg));
  command('qda.codebook.merge', (arg?: Parameters<CodebookEditing['merge']>[0]) => editing.merge(arg));
  command('qda.codebook.delete', (arg?: Parameters<CodebookEditing['delete']>[0]) => editing.delete(arg));
  command('qda.codebook.toggleHighlight', (arg?: Parameters<CodebookEditing['toggleHighlight']>[0]) => editing.toggleHighlight(arg));
  command('qda.codebook.hideHighlight', (arg?: Parameters<CodebookEditing['toggleHighlight']>[0]) => editing.toggleHighlight(arg));
  command('qda.codebook.showHighlight', (arg?: Parameters<CodebookEditing['toggleHighlight']>[0]) => editing.toggleHighlight(arg));
  command('qda.codebook.undo', () => editing.undo());
  command('qda.codebook.redo', () => editing.redo());
  command('qda.codebook.move', (arg: Parameters<CodebookEditing['move']>[0]) => editing.move(arg));
  command('qda.memos.showAll', () => memosView.showAllMemos());
  command('qda.memos.followSelection', () => memosView.followSelection());
  command('qda.codebook.filter', (arg?: Parameters<CodebookEditing['filterByAttribute']>[0]) => editing.filterByAttribute(arg));
  command('qda.codebook.clearFilter', () => editing.filterByAttribute({ attributes: null }));
  command('qda.codebook.groupByStage', () => codebookView.setByStage(true));
  command('qda.codebook.showHierarchy', () => codebookView.setByStage(false));
  command('qda.exportSegments', (args?: { target?: string }) => exportSegments(manager, indexes, args));
  command('qda.stageReport', (args?: { open?: boolean }) => stageReport(manager, indexes, args));

  context.subscriptions.push(vscode.languages.registerHoverProvider({ language: 'markdown' }, new CodingHoverProvider(manager)));

  // Documents already open when the extension starts.
  for (const d of vscode.workspace.textDocuments) void manager.ensure(d);
  decorations.refreshVisible();
  return createTestApi({ manager, decorations, indexes, panel, codebookView, segmentsView, memosView, stagesView, outline, structures, editing, segmentContext });
}

export function deactivate(): void {
  // Every registration is a disposable in context.subscriptions; sidecars are written as coding happens.
}
