/**
 * `qda.stageReport`: a Markdown report per stage, with its codes and their quotes (document,
 * speaker, line and a link back), then the passages its stage markers place ("Passages marked for
 * this stage", coded or not: the plain paragraphs of field notes under a marker), ready to draft
 * the findings section of a paper. Opens as a new unsaved document; links are relative to the
 * workspace folder, so save it there to follow them.
 */
import * as vscode from 'vscode';
import { lineColumn } from '../../../core/json';
import type { CodingManager } from '../../codingManager';
import type { IndexService } from '../../indexService';
import { MarkedPassages } from './markedPassages';
import { byDate, MARKED_PASSAGES } from './stagesView';
import { report } from '../../common';

/** Markdown-safe text for quotes and names. */
function md(s: string): string {
  return s.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

export async function stageReport(manager: CodingManager, indexes: IndexService, args?: { open?: boolean }): Promise<string | undefined> {
  return report(async () => {
    const folder = manager.allFolders().find((f) => f.codebook.index);
    if (!folder) throw new Error('There is no codebook in this workspace yet.');
    const index = folder.codebook.index!;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Writing the stage report' }, async (progress) => {
      const ix = await indexes.index(folder);
      const marked = new MarkedPassages(manager);
      const docInfo = (path: string) => marked.read(folder, path);
      const allMarked = await marked.all(folder, index.codebook.stages).finally(() => marked.dispose());
      const filter = indexes.filter;
      const lines: string[] = [`# Findings by stage: ${md(index.codebook.name ?? folder.folder.name)}`, ''];
      const filterText = filter.attributes ? Object.entries(filter.attributes).map(([k, v]) => `${k}: ${v.join(' or ')}`).join('; ') : '';
      lines.push(`*${new Date().toISOString().slice(0, 10)}; ${filterText ? `documents with ${md(filterText)}` : 'all documents'}.*`, '');
      const stages = [...index.codebook.stages.map((s) => s as { id: string; name: string; description?: string } | undefined), undefined];
      for (const [i, stage] of stages.entries()) {
        progress.report({ message: stage?.name ?? 'No stage', increment: 100 / stages.length });
        const codes = index.codebook.codes.filter((c) => index.stageOf(c.id)?.id === stage?.id);
        if (!stage && codes.length === 0) continue;
        lines.push(`## ${i + 1 <= index.codebook.stages.length ? `${i + 1}. ` : ''}${md(stage?.name ?? 'No stage')}`, '');
        if (stage?.description) lines.push(md(stage.description), '');
        for (const code of codes) {
          const docs = ix.segments([code.id], filter).sort(byDate(ix));
          const n = docs.reduce((sum, d) => sum + d.segments.length, 0);
          lines.push(`### ${md(code.name)} (${n} segment${n === 1 ? '' : 's'} in ${docs.length} document${docs.length === 1 ? '' : 's'})`, '');
          if (code.definition) lines.push(`*${md(code.definition)}*`, '');
          for (const d of docs) {
            const info = await docInfo(d.document).catch(() => undefined);
            for (const s of d.segments) {
              if (!s.quote) continue;
              let where = `[${md(d.document)}](${encodeURI(d.document)})`;
              let speaker = '';
              if (info && s.start !== undefined) {
                const u16 = info.text.toUtf16(s.start);
                const line = lineColumn(info.text.text, u16).line;
                where = `[${md(d.document)}, line ${line}](${encodeURI(d.document)}#L${line})`;
                const turn = info.structure.turns.find((t) => t.range.start <= u16 && u16 < t.range.end);
                if (turn) speaker = `${md(turn.speaker)}, `;
              } else if (s.start === undefined) where += ' (segment lost its place)';
              lines.push(...s.quote.split('\n').map((l) => `> ${md(l)}`), '', `— ${speaker}${where}${s.memo ? `. Memo: ${md(s.memo)}` : ''}`, '');
            }
          }
          if (n === 0) lines.push('No segments yet.', '');
        }
        // The passages its markers place, coded or not.
        const docs = stage ? allMarked.map((d) => ({ document: d.document, passages: d.passages.filter((p) => p.stage === stage.id) })).filter((d) => d.passages.length > 0 && ix.passes(d.document, filter)).sort(byDate(ix)) : [];
        if (docs.length > 0) {
          const n = docs.reduce((sum, d) => sum + d.passages.length, 0);
          lines.push(`### ${MARKED_PASSAGES} (${n} passage${n === 1 ? '' : 's'} in ${docs.length} document${docs.length === 1 ? '' : 's'})`, '');
          for (const d of docs) {
            for (const p of d.passages) {
              const line = p.passage.line;
              lines.push(...p.text.split('\n').map((l) => (l.trim() === '' ? '>' : `> ${md(l)}`)), '', `— [${md(d.document)}, line ${line}](${encodeURI(d.document)}#L${line})`, '');
            }
          }
        }
      }
      const content = lines.join('\n');
      if (args?.open !== false) {
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
        await vscode.window.showTextDocument(doc, { preview: false });
      }
      return content;
    });
  });
}
