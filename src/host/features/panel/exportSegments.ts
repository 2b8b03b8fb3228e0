/** `qda.exportSegments`: writes every coded segment, with its memo and the document's case attributes, to a CSV file. */
import * as vscode from 'vscode';
import { segmentsCsv } from '../../../core/index/exportSegments';
import type { CodingManager } from '../../codingManager';
import type { IndexService } from '../../indexService';
import { report } from '../../common';

export async function exportSegments(manager: CodingManager, indexes: IndexService, args?: { target?: string }): Promise<string | undefined> {
  return report(async () => {
    const folder = manager.allFolders().find((f) => f.codebook.index) ?? manager.allFolders()[0];
    if (!folder) throw new Error('Open a folder with coded documents first.');
    const ix = await indexes.index(folder);
    const target = args?.target
      ? vscode.Uri.parse(args.target)
      : await vscode.window.showSaveDialog({ defaultUri: folder.store.uri('coded-segments.csv'), filters: { 'CSV (spreadsheets, R, SPSS, Stata)': ['csv'] }, title: 'Export coded segments with memos' });
    if (!target) return undefined;
    const csv = segmentsCsv(ix, folder.codebook.index, indexes.filter);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode('\uFEFF' + csv));
    const rows = csv.split('\r\n').filter(Boolean).length - 1;
    if (!args?.target) void vscode.window.showInformationMessage(`Exported ${rows} coded segment row${rows === 1 ? '' : 's'} to ${vscode.workspace.asRelativePath(target)}.`);
    return target.toString();
  });
}
