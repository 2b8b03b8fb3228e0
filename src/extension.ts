/** Activation: wires the features together; every registration goes into context.subscriptions. */
import * as vscode from 'vscode';
import { addMemo } from './host/commands/addMemo';
import { codeSelection } from './host/commands/codeSelection';
import { createCodebook } from './host/commands/createCodebook';
import { gotoSegment } from './host/commands/navigate';
import { reattachSegment } from './host/commands/reattach';
import { recode } from './host/commands/recode';
import { removeCode } from './host/commands/removeCode';
import { revealCode } from './host/commands/revealCode';
import { testState } from './host/commands/testState';
import { undoCoding } from './host/commands/undoCoding';
import { CodingManager } from './host/codingManager';
import { Decorations } from './host/decorations';
import { CodingHoverProvider } from './host/hover';
import { CodingProblems } from './host/problems';
import { RecentCodes } from './host/recentCodes';

export function activate(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('qda');
  const manager = new CodingManager(diagnostics);
  const decorations = new Decorations(manager);
  const problems = new CodingProblems(manager);
  const recent = new RecentCodes(context.workspaceState);
  context.subscriptions.push(diagnostics, manager, decorations, problems);

  const command = (id: string, run: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));
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
  command('qda.test.state', (args?: { uri?: string }) => testState(manager, decorations, args));

  context.subscriptions.push(vscode.languages.registerHoverProvider({ language: 'markdown' }, new CodingHoverProvider(manager)));

  // Documents already open when the extension starts.
  for (const d of vscode.workspace.textDocuments) void manager.ensure(d);
  decorations.refreshVisible();
}

export function deactivate(): void {
  // Every registration is a disposable in context.subscriptions; sidecars are written as coding happens.
}
