/** Stages: the documents' structure, the stage outline (Outline view, breadcrumbs, Go to Symbol), the Stages view and the stage report. */
import type { FeatureContext } from '../feature';
import { StageOutline } from './outline';
import { stageReport } from './stageReport';
import { StagesView } from './stagesView';
import { StructureService } from './structureService';

export function register(context: FeatureContext): void {
  const { manager, indexes, command } = context;
  const structures = new StructureService();
  const stagesView = new StagesView(manager, indexes);
  const outline = new StageOutline(manager, structures);
  context.keep(structures, stagesView, outline.register());
  context.expose('structures', structures);
  context.expose('stagesView', stagesView);
  context.expose('outline', outline);

  command('qda.stageReport', (args?: { open?: boolean }) => stageReport(manager, indexes, args));
}
