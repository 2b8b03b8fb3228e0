/** The codebook: the Codebook view (with its code icons), editing codes, revealing a code, creating a codebook. */
import * as vscode from 'vscode';
import type { FeatureContext } from '../feature';
import { CodebookEditing } from './codebookEditing';
import { CodebookView } from './codebookView';
import { CodeIcons } from './codeIcons';
import { createCodebook } from './createCodebook';
import { revealCode } from './revealCode';

export function register(context: FeatureContext): void {
  const { manager, indexes, panel, command } = context;
  const icons = new CodeIcons(vscode.Uri.joinPath(context.extension.globalStorageUri, 'code-icons'));
  const codebookView = new CodebookView(manager, indexes, panel, icons, context.extension.workspaceState);
  const editing = new CodebookEditing(manager, indexes, panel);
  context.keep(codebookView, editing);
  context.expose('codebookView', codebookView);
  context.expose('editing', editing);

  command('qda.revealCode', (args?: Parameters<typeof revealCode>[1]) => revealCode(manager, args));
  command('qda.createCodebook', (args?: Parameters<typeof createCodebook>[1]) => createCodebook(manager, args));
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
  command('qda.codebook.filter', (arg?: Parameters<CodebookEditing['filterByAttribute']>[0]) => editing.filterByAttribute(arg));
  command('qda.codebook.clearFilter', () => editing.filterByAttribute({ attributes: null }));
  command('qda.codebook.groupByStage', () => codebookView.setByStage(true));
  command('qda.codebook.showHierarchy', () => codebookView.setByStage(false));
}
