/**
 * `qda.codeSelection`: code the selected passage(s). A QuickPick over the codebook, with VS Code's
 * fuzzy matching on code name, definition and stage, recently used codes first, several codes at
 * once, and "New code…" inline. `{ codes: string[] }` as an argument skips the picker.
 */
import * as vscode from 'vscode';
import { slugify, type CodebookIndex } from '../../core/codebook/codebook';
import type { Code } from '../../core/model/codebook';
import type { CodingManager, Folder } from '../codingManager';
import type { RecentCodes } from '../recentCodes';
import { ensureCodebook } from './createCodebook';
import { report, targetEditor } from './common';

export interface CodeSelectionArgs {
  codes?: string[];
  uri?: string;
  memo?: string;
}

interface CodeItem extends vscode.QuickPickItem {
  code?: string;
  create?: boolean;
}

/** Selections as document-offset ranges, with surrounding white space left out. */
export function selectedRanges(editor: vscode.TextEditor): [number, number][] {
  const text = editor.document.getText();
  const out: [number, number][] = [];
  for (const sel of editor.selections) {
    if (sel.isEmpty) continue;
    let s = editor.document.offsetAt(sel.start);
    let e = editor.document.offsetAt(sel.end);
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) out.push([s, e]);
  }
  return out;
}

export async function codeSelection(manager: CodingManager, recent: RecentCodes, args?: CodeSelectionArgs): Promise<string[] | undefined> {
  return report(async () => {
    const editor = targetEditor(args?.uri);
    if (!editor || editor.document.languageId !== 'markdown') {
      void vscode.window.showInformationMessage('Open a Markdown transcript or field notes and select a passage to code.');
      return undefined;
    }
    const ranges = selectedRanges(editor);
    if (ranges.length === 0) {
      void vscode.window.showInformationMessage('Select the passage to code first.');
      return undefined;
    }
    const folder = manager.folderOf(editor.document.uri);
    if (!folder) throw new Error('Open the folder that contains this document to code it: its coding is kept next to it in the workspace.');
    if (!(await ensureCodebook(folder))) return undefined;
    let codes = args?.codes;
    if (codes) {
      const unknown = codes.filter((c) => !folder.codebook.index?.has(c));
      if (unknown.length > 0) throw new Error(`Not in the codebook: ${unknown.join(', ')}. Nothing was coded.`);
    } else {
      codes = await pickCodes(folder, recent);
    }
    if (!codes || codes.length === 0) return undefined;
    const segs = await manager.addCodes(editor.document, ranges, codes, args?.memo);
    await recent.use(codes);
    return segs.map((s) => s.ann.id);
  });
}

function depth(index: CodebookIndex, code: Code): number {
  let d = 0;
  for (let p = code.parent; p && d < 50; p = index.codes.get(p)?.parent) d++;
  return d;
}

function codeItem(index: CodebookIndex, code: Code): CodeItem {
  const stage = index.stageOf(code.id);
  const parent = code.parent ? index.pathOf(code.parent) : '';
  return {
    label: `${'\u2003'.repeat(depth(index, code))}$(tag) ${code.name}`,
    description: [stage?.name, parent].filter(Boolean).join(' · '),
    detail: code.definition,
    code: code.id,
  };
}

async function pickCodes(folder: Folder, recent: RecentCodes): Promise<string[] | undefined> {
  const index = folder.codebook.index!;
  const recentIds = recent.get().filter((id) => index.has(id));
  const items: CodeItem[] = [];
  if (recentIds.length > 0) {
    items.push({ label: 'Recently used', kind: vscode.QuickPickItemKind.Separator });
    for (const id of recentIds) items.push({ ...codeItem(index, index.codes.get(id)!), label: `$(history) ${index.codes.get(id)!.name}` });
    items.push({ label: 'All codes', kind: vscode.QuickPickItemKind.Separator });
  }
  for (const c of index.codebook.codes) items.push(codeItem(index, c));
  const createItem: CodeItem = { label: '$(add) New code…', create: true, alwaysShow: true, description: 'type its name above' };
  const qp = vscode.window.createQuickPick<CodeItem>();
  qp.title = 'Code the selection';
  qp.placeholder = 'Type to search codes by name, definition or stage; tick several with Space, Enter to apply';
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = [...items, createItem];
  qp.onDidChangeValue((v) => {
    createItem.label = v.trim() ? `$(add) New code “${v.trim()}”` : '$(add) New code…';
    qp.items = [...items, createItem];
  });
  const picked = await new Promise<CodeItem[] | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems.length > 0 ? [...qp.selectedItems] : qp.activeItems.slice(0, 1);
      resolve(sel);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  const typed = qp.value.trim();
  qp.dispose();
  if (!picked || picked.length === 0) return undefined;
  const codes = picked.filter((p) => p.code).map((p) => p.code!);
  if (picked.some((p) => p.create)) {
    const created = await newCode(folder, typed);
    if (!created) return codes.length > 0 ? codes : undefined;
    codes.push(created);
  }
  return [...new Set(codes)];
}

/** Asks for a new code's name (and optionally its stage) and adds it to the codebook. */
export async function newCode(folder: Folder, suggested = ''): Promise<string | undefined> {
  const index = folder.codebook.index!;
  const name = await vscode.window.showInputBox({
    title: 'New code',
    prompt: 'Name of the new code',
    value: suggested,
    validateInput: (v) => (v.trim() === '' ? 'Give the code a name.' : [...index.codes.values()].some((c) => c.name.toLowerCase() === v.trim().toLowerCase()) ? 'A code with this name exists already.' : undefined),
  });
  if (!name) return undefined;
  let stage: string | undefined;
  if (index.codebook.stages.length > 0) {
    const pick = await vscode.window.showQuickPick(
      [{ label: 'No stage', id: undefined as string | undefined }, ...index.codebook.stages.map((s) => ({ label: s.name, description: s.description, id: s.id as string | undefined }))],
      { title: `Stage of “${name.trim()}”`, placeHolder: 'Which stage does this code belong to? (Escape for none)' },
    );
    stage = pick?.id;
  }
  const id = slugify(name, new Set(index.codes.keys()));
  const code: Code = { id, name: name.trim() };
  if (stage) code.stage = stage;
  await folder.codebook.write({ ...index.codebook, codes: [...index.codebook.codes, code] });
  return id;
}
