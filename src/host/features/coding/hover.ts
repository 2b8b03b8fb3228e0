/** Hover on coded text: every code there, with its stage, coder, date and memo, and actions. */
import * as vscode from 'vscode';
import { rangeOf } from '../../convert';
import type { CodingManager } from '../../codingManager';

const COMMANDS = ['qda.removeCode', 'qda.addMemo', 'qda.revealCode', 'qda.recode'];

function link(label: string, command: string, args: unknown, tooltip: string): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))} "${tooltip}")`;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}

export class CodingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly manager: CodingManager) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const doc = this.manager.get(document);
    if (!doc) return undefined;
    const offset = document.offsetAt(position);
    const here = doc.at(offset).filter((s) => offset < s.end!);
    if (here.length === 0) return undefined;
    const index = this.manager.folderOf(document.uri)?.codebook.index;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: COMMANDS };
    const uri = document.uri.toString();
    here.forEach((s, i) => {
      if (i > 0) md.appendMarkdown('\n\n---\n\n');
      for (const code of s.ann.codes) {
        const c = index?.codes.get(code);
        const stage = index?.stageOf(code);
        md.appendMarkdown(`$(tag) **${escapeMd(c ? index!.pathOf(code) : `${code} (not in the codebook)`)}**`);
        if (stage) md.appendMarkdown(` · ${escapeMd(stage.name)}`);
        md.appendMarkdown('  \n');
        md.appendMarkdown(
          [
            link('Remove', 'qda.removeCode', { uri, id: s.ann.id, codes: [code] }, 'Remove this code from the segment'),
            link('Recode…', 'qda.recode', { uri, id: s.ann.id, from: code }, 'Replace this code by another'),
            link('Reveal in codebook', 'qda.revealCode', { uri, code }, 'Show the code in the codebook'),
          ].join(' · ') + '\n\n',
        );
      }
      md.appendMarkdown(`*Coded by ${escapeMd(s.ann.creator || 'unknown')} on ${escapeMd(s.ann.created.slice(0, 10))}*`);
      if (s.ann.modified && s.ann.modified !== s.ann.created) md.appendMarkdown(`*, changed ${escapeMd(s.ann.modified.slice(0, 10))}*`);
      md.appendMarkdown('\n\n');
      if (s.ann.memo) {
        md.appendMarkdown('**Memo:** ');
        // Memos are Markdown written by researchers: shown as text, so nothing in them can run.
        md.appendText(s.ann.memo);
        md.appendMarkdown('\n\n');
      }
      md.appendMarkdown(link(s.ann.memo ? 'Edit memo' : 'Add memo', 'qda.addMemo', { uri, id: s.ann.id }, 'Write a memo on this segment'));
    });
    const first = here[0];
    return new vscode.Hover(md, rangeOf(document, first.start!, first.end!));
  }
}
