/** The side panel beside the codebook: the Coded Segments and Memos views, opening a segment, the CSV export. */
import type { FeatureContext } from '../feature';
import { exportSegments } from './exportSegments';
import { MemosView } from './memosView';
import { openSegment } from './openSegment';
import { SegmentsView } from './segmentsView';

export function register(context: FeatureContext): void {
  const { manager, indexes, panel, command } = context;
  const segmentsView = new SegmentsView(manager, indexes, panel);
  const memosView = new MemosView(context.extension.extensionUri, manager, indexes, panel);
  context.keep(segmentsView, memosView);
  context.expose('segmentsView', segmentsView);
  context.expose('memosView', memosView);

  command('qda.openSegment', (args: Parameters<typeof openSegment>[1]) => openSegment(manager, args));
  command('qda.memos.showAll', () => memosView.showAllMemos());
  command('qda.memos.followSelection', () => memosView.followSelection());
  command('qda.exportSegments', (args?: { target?: string }) => exportSegments(manager, indexes, args));
}
