/**
 * Coding in the editor: code the selection, remove, recode, memos, navigate, undo, re-attach;
 * the highlights, hovers, problems and the "cursor in a segment" context key.
 */
import * as vscode from 'vscode';
import type { FeatureContext } from '../feature';
import { addMemo } from './addMemo';
import { codeSelection } from './codeSelection';
import { Decorations } from './decorations';
import { documentMemo } from './documentMemo';
import { CodingHoverProvider } from './hover';
import { gotoSegment } from './navigate';
import { CodingProblems } from './problems';
import { reattachSegment } from './reattach';
import { recode } from './recode';
import { removeCode } from './removeCode';
import { SegmentContext } from './segmentContext';
import { undoCoding } from './undoCoding';

export function register(context: FeatureContext): void {
  const { manager, panel, recent, command } = context;
  const decorations = new Decorations(manager, () => panel.hidden(), panel.onDidChange);
  const problems = new CodingProblems(manager);
  const segmentContext = new SegmentContext(manager);
  context.keep(segmentContext, decorations, problems);
  context.keep(vscode.languages.registerHoverProvider({ language: 'markdown' }, new CodingHoverProvider(manager)));
  context.expose('decorations', decorations);
  context.expose('segmentContext', segmentContext);

  command('qda.codeSelection', (args?: Parameters<typeof codeSelection>[2]) => codeSelection(manager, recent, args));
  command('qda.removeCode', (args?: Parameters<typeof removeCode>[1]) => removeCode(manager, args));
  command('qda.recode', (args?: Parameters<typeof recode>[1]) => recode(manager, args));
  command('qda.addMemo', (args?: Parameters<typeof addMemo>[1]) => addMemo(manager, args));
  command('qda.nextSegment', () => gotoSegment(manager, 1));
  command('qda.previousSegment', () => gotoSegment(manager, -1));
  command('qda.reattachSegment', (args?: Parameters<typeof reattachSegment>[1]) => reattachSegment(manager, args));
  command('qda.undoCoding', () => undoCoding(manager, false));
  command('qda.redoCoding', () => undoCoding(manager, true));
  command('qda.documentMemo', (args?: Parameters<typeof documentMemo>[1]) => documentMemo(manager, args));

  decorations.refreshVisible();
}
