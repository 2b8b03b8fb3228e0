/**
 * Every command the extension registers, in one place: package.json contributes exactly these
 * (a unit test compares the two), and the features (each folder's index.ts under src/host/features)
 * register them by these names only.
 * No vscode import, so that plain Node tests can read it.
 */
export const COMMAND_IDS = [
  'qda.addMemo',
  'qda.codeSelection',
  'qda.codebook.clearFilter',
  'qda.codebook.delete',
  'qda.codebook.editDefinition',
  'qda.codebook.editMemo',
  'qda.codebook.filter',
  'qda.codebook.groupByStage',
  'qda.codebook.hideHighlight',
  'qda.codebook.merge',
  'qda.codebook.move',
  'qda.codebook.newCode',
  'qda.codebook.newSubCode',
  'qda.codebook.recolour',
  'qda.codebook.redo',
  'qda.codebook.rename',
  'qda.codebook.showHierarchy',
  'qda.codebook.showHighlight',
  'qda.codebook.toggleHighlight',
  'qda.codebook.undo',
  'qda.createCodebook',
  'qda.documentMemo',
  'qda.exportSegments',
  'qda.memos.followSelection',
  'qda.memos.showAll',
  'qda.nextSegment',
  'qda.openSample',
  'qda.openSegment',
  'qda.previousSegment',
  'qda.reattachSegment',
  'qda.recode',
  'qda.redoCoding',
  'qda.removeCode',
  'qda.revealCode',
  'qda.stageReport',
  'qda.undoCoding',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
