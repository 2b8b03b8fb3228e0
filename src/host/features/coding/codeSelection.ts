/**
 * `qda.codeSelection`: code the selected passage(s). A QuickPick over the codebook, with VS Code's
 * fuzzy matching on code name, definition and stage, recently used codes first, several codes at
 * once, and "New code…" inline. `{ codes: string[] }` as an argument skips the picker.
 */
import * as vscode from 'vscode';
import type { CodebookIndex } from '../../../core/codebook/codebook';
import { addCode } from '../../../core/codebook/edit';
import type { Code } from '../../../core/model/codebook';
import type { CodingManager, Folder } from '../../codingManager';
import type { RecentCodes } from '../../recentCodes';
import { ensureCodebook } from '../codebook/createCodebook';
import { report, targetEditor } from '../../common';

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
    // Refused before any code is picked when the document's coding is paused (its file cannot be read safely).
    await manager.writable(editor.document);
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
  const onSearch = (v: string) => {
    createItem.label = v.trim() ? `$(add) New code “${v.trim()}”` : '$(add) New code…';
    // Setting the items clears the ticks: keep the codes already ticked while the user searches on.
    const ticked = qp.selectedItems;
    qp.items = [...items, createItem];
    qp.selectedItems = ticked;
  };
  qp.onDidChangeValue(onSearch);
  activePicker = { qp, onSearch };
  qp.onDidHide(() => {
    if (activePicker?.qp === qp) activePicker = undefined;
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

/** The code picker while it is open (for the integration tests, which drive it as a user would). */
let activePicker: { qp: vscode.QuickPick<CodeItem>; onSearch: (value: string) => void } | undefined;

export interface PickerTestArgs {
  /** Type this search text. */
  value?: string;
  /** Tick the items with these code ids (and "new" for the New code item), keeping the ticks there are. */
  tick?: string[];
  /** Press Enter. */
  accept?: boolean;
}

/** The test API's `picker`: drives the open code picker and says what it shows (undefined when closed). */
export async function testPicker(args: PickerTestArgs = {}) {
  if (!activePicker) return undefined;
  const { qp, onSearch } = activePicker;
  if (args.value !== undefined) {
    // Text set by the extension does not reach onDidChangeValue: pass it on as typing does.
    qp.value = args.value;
    onSearch(args.value);
  }
  // What the picker shows comes back from the window a moment later.
  await new Promise((r) => setTimeout(r, 300));
  if (args.tick) {
    qp.selectedItems = [...qp.selectedItems, ...qp.items.filter((i) => (i.code && args.tick!.includes(i.code)) || (i.create && args.tick!.includes('new')))];
    await new Promise((r) => setTimeout(r, 300));
  }
  const shown = { value: qp.value, ticked: qp.selectedItems.map((i) => i.code ?? 'new'), newItem: qp.items.find((i) => i.create)?.label };
  if (args.accept) await vscode.commands.executeCommand('quickInput.accept');
  return shown;
}

interface PlaceItem extends vscode.QuickPickItem {
  stage?: string;
  parent?: string;
}

/**
 * Asks where a new code goes (top level, in a stage, or under a code), then its name, and adds it
 * with the codebook's own rules (the same as "New code" in the Codebook view: no two codes of one
 * name under the same parent, a sub-code placed after its parent's family).
 */
export async function newCode(folder: Folder, suggested = ''): Promise<string | undefined> {
  const index = folder.codebook.index!;
  const cb = index.codebook;
  const title = suggested.trim() ? `New code “${suggested.trim()}”` : 'New code';
  let place: PlaceItem | undefined = { label: '' };
  if (cb.stages.length > 0 || cb.codes.length > 0) {
    const items: PlaceItem[] = [{ label: '$(list-flat) Top level, no stage' }];
    if (cb.stages.length > 0) items.push({ label: 'Stages', kind: vscode.QuickPickItemKind.Separator });
    for (const st of cb.stages) items.push({ label: `$(layers) ${st.name}`, description: 'top level of this stage', stage: st.id });
    if (cb.codes.length > 0) items.push({ label: 'Under a code', kind: vscode.QuickPickItemKind.Separator });
    for (const c of cb.codes) items.push({ label: `${'\u2003'.repeat(depth(index, c))}$(tag) ${c.name}`, description: [index.stageOf(c.id)?.name, 'as a sub-code'].filter(Boolean).join(' · '), parent: c.id });
    place = await vscode.window.showQuickPick(items, { title, placeHolder: 'Where does the new code go? (a sub-code takes its parent’s stage)', matchOnDescription: true });
    if (!place) return undefined;
  }
  const spec = (name: string) => ({ name, ...(place?.parent ? { parent: place.parent } : {}), ...(place?.stage ? { stage: place.stage } : {}) });
  const check = (name: string): string | undefined => {
    try {
      addCode(folder.codebook.index!.codebook, spec(name));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const name = await vscode.window.showInputBox({ title, prompt: 'Name of the new code', value: suggested.trim(), validateInput: check });
  if (name === undefined) return undefined;
  const { codebook, id } = addCode(folder.codebook.index!.codebook, spec(name));
  await folder.codebook.write(codebook);
  return id;
}
