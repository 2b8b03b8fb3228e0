/**
 * Working on the codebook from the side panel: new code or sub-code, rename (the id stays, no
 * annotation changes), recolour, edit the definition and guidance, code memos, merge one code
 * into another (annotations recoded after a confirmation that says how many; undoable), delete
 * (when in use: say how many segments and ask what to do), hide or show a code's highlights.
 */
import * as vscode from 'vscode';
import {
  addCode,
  CodebookEditError,
  deleteCode,
  editText,
  mergeCodes,
  planCodeUse,
  planMerge,
  recolour,
  removeCodeEverywhere,
  renameCode,
  setMemo,
  undoFileChanges,
  type CodeTextField,
  type FileChange,
} from '../../core/codebook/edit';
import type { Codebook } from '../../core/model/codebook';
import { serializeCodebook } from '../../core/codebook/codebook';
import type { CodingManager, Folder } from '../codingManager';
import type { IndexService } from '../indexService';
import type { CodebookNode } from '../views/codebookView';
import type { PanelState } from '../views/selection';
import { report } from './common';

type CodeNode = Extract<CodebookNode, { kind: 'code' }>;

/** Arguments when called from a test, a keybinding or another extension instead of the tree. */
export interface CodeRef {
  folder?: string;
  code?: string;
}

/** The last workspace-wide change, for "Undo". */
interface LastChange {
  label: string;
  folder: Folder;
  files: FileChange[];
  codebookBefore: Codebook;
  codebookAfter: Codebook;
}

export const PALETTE: { label: string; colour: string }[] = [
  { label: 'Red', colour: '#dc2626' },
  { label: 'Orange', colour: '#ea580c' },
  { label: 'Amber', colour: '#ca8a04' },
  { label: 'Lime', colour: '#65a30d' },
  { label: 'Green', colour: '#16a34a' },
  { label: 'Teal', colour: '#0d9488' },
  { label: 'Cyan', colour: '#0891b2' },
  { label: 'Blue', colour: '#2563eb' },
  { label: 'Indigo', colour: '#4f46e5' },
  { label: 'Purple', colour: '#9333ea' },
  { label: 'Fuchsia', colour: '#c026d3' },
  { label: 'Pink', colour: '#db2777' },
  { label: 'Brown', colour: '#92400e' },
  { label: 'Grey', colour: '#6b7280' },
];

export class CodebookEditing {
  private last?: LastChange;

  constructor(
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
    private readonly panel: PanelState,
  ) {}

  /** The folder and code a command acts on: the tree node, the given ids, or the selection. */
  private resolve(arg?: CodeNode | CodeRef): { folder: Folder; code: string } | undefined {
    if (arg && 'kind' in arg) return { folder: arg.folder, code: arg.code.id };
    const folders = this.manager.allFolders();
    const folder = arg?.folder ? folders.find((f) => f.folder.uri.toString() === arg.folder) : (folders.find((f) => f.folder.uri.toString() === this.panel.selectedFolder?.toString()) ?? folders[0]);
    const code = arg?.code ?? this.panel.selectedCodes[0];
    if (!folder || !code) {
      void vscode.window.showInformationMessage('Select a code in the Codebook view first.');
      return undefined;
    }
    return { folder, code };
  }

  private codebookOf(folder: Folder): Codebook {
    const cb = folder.codebook.codebook;
    if (!cb) throw new Error(folder.codebook.exists ? `The codebook has a problem to fix first: ${folder.codebook.problems[0]?.message ?? ''}` : 'There is no codebook yet.');
    return cb;
  }

  private name(folder: Folder, code: string): string {
    return folder.codebook.index?.codes.get(code)?.name ?? code;
  }

  async newCode(arg?: CodebookNode | (CodeRef & { name?: string; stage?: string }), sub = false): Promise<string | undefined> {
    return report(async () => {
      const node = arg && 'kind' in arg ? arg : undefined;
      const ref = arg && !('kind' in arg) ? arg : undefined;
      const folder = node?.folder ?? this.manager.allFolders().find((f) => f.folder.uri.toString() === ref?.folder) ?? this.manager.allFolders().find((f) => f.codebook.index);
      if (!folder) throw new Error('Open a folder with a codebook first.');
      const cb = this.codebookOf(folder);
      const parent = sub ? (node?.kind === 'code' ? node.code.id : ref?.code) : undefined;
      const stage = node?.kind === 'stage' ? node.stage?.id : ref?.stage;
      const name =
        ref?.name ??
        (await vscode.window.showInputBox({
          title: parent ? `New sub-code of “${this.name(folder, parent)}”` : 'New code',
          prompt: 'Name of the code',
          validateInput: (v) => (v.trim() ? undefined : 'Give the code a name.'),
        }));
      if (!name) return undefined;
      const { codebook, id } = addCode(cb, { name, parent, stage });
      await folder.codebook.write(codebook);
      return id;
    });
  }

  async rename(arg?: CodeNode | (CodeRef & { name?: string })): Promise<void> {
    await report(async () => {
      const t = this.resolve(arg);
      if (!t) return;
      const current = this.name(t.folder, t.code);
      const name = (arg && !('kind' in arg) ? arg.name : undefined) ?? (await vscode.window.showInputBox({ title: `Rename “${current}”`, value: current, prompt: 'The code keeps its id, so no coded segment changes.' }));
      if (!name || name === current) return;
      await t.folder.codebook.write(renameCode(this.codebookOf(t.folder), t.code, name));
    });
  }

  async recolour(arg?: CodeNode | (CodeRef & { colour?: string })): Promise<void> {
    await report(async () => {
      const t = this.resolve(arg);
      if (!t) return;
      let colour = arg && !('kind' in arg) ? arg.colour : undefined;
      if (!colour) {
        const pick = await vscode.window.showQuickPick(
          [...PALETTE.map((p) => ({ label: p.label, description: p.colour, colour: p.colour as string | undefined })), { label: 'Custom colour…', description: '#rrggbb', colour: 'custom' }, { label: 'Use the parent’s or stage’s colour', description: '', colour: undefined }],
          { title: `Colour of “${this.name(t.folder, t.code)}”` },
        );
        if (!pick) return;
        colour = pick.colour;
        if (colour === 'custom') {
          colour = await vscode.window.showInputBox({ prompt: 'Colour as #rrggbb', value: t.folder.codebook.index?.colourOf(t.code), validateInput: (v) => (/^#[0-9a-fA-F]{6}$/.test(v.trim()) ? undefined : 'Write the colour as # and six hexadecimal digits, e.g. #1f77b4.') });
          if (!colour) return;
          colour = colour.trim();
        }
      }
      await t.folder.codebook.write(recolour(this.codebookOf(t.folder), t.code, colour));
    });
  }

  async editDefinition(arg?: CodeNode | (CodeRef & { field?: CodeTextField; text?: string })): Promise<void> {
    await report(async () => {
      const t = this.resolve(arg);
      if (!t) return;
      const ref = arg && !('kind' in arg) ? arg : undefined;
      const code = t.folder.codebook.index?.codes.get(t.code);
      const labels: Record<CodeTextField, string> = { definition: 'Definition', whenToUse: 'When to use', whenNotToUse: 'When not to use', example: 'Example' };
      const field =
        ref?.field ??
        (await vscode.window.showQuickPick(
          (Object.keys(labels) as CodeTextField[]).map((f) => ({ label: labels[f], description: code?.[f] ?? '(empty)', field: f })),
          { title: `Edit “${this.name(t.folder, t.code)}”` },
        ))?.field;
      if (!field) return;
      const text = ref?.text ?? (await vscode.window.showInputBox({ title: `${labels[field]} of “${this.name(t.folder, t.code)}”`, value: code?.[field] ?? '', prompt: 'Leave empty to remove.' }));
      if (text === undefined) return;
      await t.folder.codebook.write(editText(this.codebookOf(t.folder), t.code, field, text));
    });
  }

  async editMemo(arg?: CodeNode | (CodeRef & { memo?: string })): Promise<void> {
    await report(async () => {
      const t = this.resolve(arg);
      if (!t) return;
      const code = t.folder.codebook.index?.codes.get(t.code);
      const memo = (arg && !('kind' in arg) ? arg.memo : undefined) ?? (await vscode.window.showInputBox({ title: `Memo on the code “${this.name(t.folder, t.code)}”`, value: code?.memo ?? '', prompt: 'Markdown is kept as written. Leave empty to remove the memo.' }));
      if (memo === undefined) return;
      await t.folder.codebook.write(setMemo(this.codebookOf(t.folder), { code: t.code }, memo));
    });
  }

  async toggleHighlight(arg?: CodeNode | CodeRef): Promise<boolean | undefined> {
    const t = this.resolve(arg);
    if (!t) return undefined;
    return this.panel.toggleHidden(t.code);
  }

  /** Merge `from` into another code: asks which, says how many segments change, then recodes them. */
  async merge(arg?: CodeNode | (CodeRef & { into?: string; confirm?: boolean })): Promise<boolean> {
    return (await report(async () => {
      const t = this.resolve(arg);
      if (!t) return false;
      const ref = arg && !('kind' in arg) ? arg : undefined;
      const cb = this.codebookOf(t.folder);
      const into =
        ref?.into ??
        (await vscode.window.showQuickPick(
          cb.codes.filter((c) => c.id !== t.code).map((c) => ({ label: c.name, description: t.folder.codebook.index?.stageOf(c.id)?.name, detail: c.definition, id: c.id })),
          { title: `Merge “${this.name(t.folder, t.code)}” into…`, matchOnDescription: true, matchOnDetail: true },
        ))?.id;
      if (!into) return false;
      const plan = await planMerge(t.folder.store, cb, t.code, into);
      if (plan.blocked.length > 0) throw new CodebookEditError(plan.message, plan.blocked.map((b) => b.file));
      if (ref?.confirm !== true) {
        const ok = await vscode.window.showWarningMessage(plan.message, { modal: true, detail: 'You can undo this with "QDA: Undo Last Codebook Change".' }, 'Merge');
        if (ok !== 'Merge') return false;
      }
      await this.flushOpenDocuments(t.folder);
      const result = await mergeCodes(t.folder.store, cb, t.code, into);
      await this.apply(t.folder, `Merge “${this.name(t.folder, t.code)}” into “${this.name(t.folder, into)}”`, cb, result.codebook, result.changes);
      return true;
    })) ?? false;
  }

  /** Delete a code; when it is in use, say how many segments and ask what to do with them. */
  async delete(arg?: CodeNode | (CodeRef & { inUse?: 'remove' | 'merge'; into?: string; confirm?: boolean })): Promise<boolean> {
    return (await report(async () => {
      const t = this.resolve(arg);
      if (!t) return false;
      const ref = arg && !('kind' in arg) ? arg : undefined;
      const cb = this.codebookOf(t.folder);
      const name = this.name(t.folder, t.code);
      const plan = await planCodeUse(t.folder.store, t.code);
      if (plan.segments === 0) {
        const kids = cb.codes.filter((c) => c.parent === t.code);
        if (kids.length > 0) throw new CodebookEditError(`“${name}” has sub-codes (${kids.map((k) => `“${k.name}”`).join(', ')}): move or delete them first.`);
        if (ref?.confirm !== true) {
          const ok = await vscode.window.showWarningMessage(`Delete the code “${name}”? No segment uses it.`, { modal: true }, 'Delete');
          if (ok !== 'Delete') return false;
        }
        const after = deleteCode(cb, t.code, new Map());
        await this.apply(t.folder, `Delete “${name}”`, cb, after, []);
        return true;
      }
      if (plan.blocked.length > 0) throw new CodebookEditError(`“${name}” is used in files that cannot be read safely: ${plan.blocked.map((b) => b.file).join(', ')}. Fix them first; nothing was changed.`, plan.blocked.map((b) => b.file));
      let choice = ref?.inUse;
      if (!choice) {
        const answer = await vscode.window.showWarningMessage(
          `“${name}” is applied to ${plan.segments} segment${plan.segments === 1 ? '' : 's'} in ${plan.documents} document${plan.documents === 1 ? '' : 's'}. What should happen to them?`,
          { modal: true, detail: 'Either way you can undo it with "QDA: Undo Last Codebook Change".' },
          'Merge Them into Another Code…',
          'Remove the Code from Them',
        );
        choice = answer === 'Merge Them into Another Code…' ? 'merge' : answer === 'Remove the Code from Them' ? 'remove' : undefined;
      }
      if (choice === 'merge') return this.merge({ folder: t.folder.folder.uri.toString(), code: t.code, into: ref?.into, confirm: true });
      if (choice !== 'remove') return false;
      await this.flushOpenDocuments(t.folder);
      const result = await removeCodeEverywhere(t.folder.store, t.code);
      const kids = cb.codes.filter((c) => c.parent === t.code);
      // Sub-codes move up to the deleted code's parent, so nothing is left pointing at nothing.
      const withoutKids = { ...cb, codes: cb.codes.map((c) => (c.parent === t.code ? { ...c, parent: cb.codes.find((x) => x.id === t.code)?.parent } : c)) };
      for (const k of withoutKids.codes) if (k.parent === undefined) delete k.parent;
      const after = deleteCode(kids.length > 0 ? withoutKids : cb, t.code, new Map());
      await this.apply(t.folder, `Delete “${name}” (removed from ${result.segments} segment${result.segments === 1 ? '' : 's'}${result.keptAsMemos ? `; ${result.keptAsMemos} kept as memos` : ''})`, cb, after, result.changes);
      return true;
    })) ?? false;
  }

  /** Writes open documents' pending coding first, so a workspace-wide change starts from what is on disk. */
  private async flushOpenDocuments(folder: Folder): Promise<void> {
    for (const d of this.manager.openDocuments()) {
      // An uncoded document without a sidecar has nothing pending: writing would create an empty sidecar.
      if (this.manager.folderOf(d.document.uri) === folder && !d.readOnly && (d.sidecarExists || d.segments.length > 0)) await this.manager.persist(d, { quiet: true });
    }
  }

  private async apply(folder: Folder, label: string, before: Codebook, after: Codebook, files: FileChange[]): Promise<void> {
    await folder.codebook.write(after);
    for (const f of files) await this.manager.reloadFromDisk(folder, f.path);
    this.last = { label, folder, files, codebookBefore: before, codebookAfter: after };
    void vscode.commands.executeCommand('setContext', 'qda.canUndoCodebookChange', true);
    void vscode.window.showInformationMessage(`${label}: done${files.length ? ` in ${files.length} document${files.length === 1 ? '' : 's'}` : ''}.`, 'Undo').then((a) => {
      if (a === 'Undo') void this.undo();
    });
  }

  /** Undoes the last merge or delete, if nothing was changed since. */
  async undo(): Promise<boolean> {
    return (await report(async () => {
      const last = this.last;
      if (!last) {
        void vscode.window.showInformationMessage('There is no codebook change to undo.');
        return false;
      }
      const current = await last.folder.store.readText(last.folder.codebook.path);
      if (current !== serializeCodebook(last.codebookAfter)) throw new Error(`“${last.label}” cannot be undone: the codebook was changed since.`);
      const result = await undoFileChanges(last.folder.store, last.files);
      if (result.changedSince.length > 0) throw new Error(`“${last.label}” cannot be undone: ${result.message}`);
      await last.folder.codebook.write(last.codebookBefore);
      for (const f of last.files) await this.manager.reloadFromDisk(last.folder, f.path);
      this.last = undefined;
      void vscode.commands.executeCommand('setContext', 'qda.canUndoCodebookChange', false);
      vscode.window.setStatusBarMessage(`Undid: ${last.label}`, 4000);
      return true;
    })) ?? false;
  }

  /** Chooses a case-attribute filter for the views. */
  async filterByAttribute(arg?: { attributes?: Record<string, string[]> | null }): Promise<void> {
    await report(async () => {
      if (arg && 'attributes' in arg) {
        this.indexes.setFilter(arg.attributes ? { attributes: arg.attributes } : {});
        return;
      }
      const folder = this.manager.allFolders()[0];
      if (!folder) return;
      const ix = await this.indexes.index(folder);
      const values = ix.attributeValues();
      if (values.size === 0) {
        void vscode.window.showInformationMessage('No document has case attributes yet. Add them as YAML front matter at the top of a document, e.g. "site: Hospital C".');
        return;
      }
      const current = this.indexes.filter.attributes ?? {};
      const items = [...values].flatMap(([name, vals]) => [
        { label: name, kind: vscode.QuickPickItemKind.Separator },
        ...vals.map((v) => ({ label: v, description: name, name, value: v, picked: current[name]?.includes(v) ?? false })),
      ]) as (vscode.QuickPickItem & { name?: string; value?: string })[];
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Show only documents with these case attributes', placeHolder: 'Tick values; within one attribute any ticked value passes. Untick all to clear the filter.' });
      if (!picked) return;
      const attributes: Record<string, string[]> = {};
      for (const p of picked) if (p.name && p.value) (attributes[p.name] ??= []).push(p.value);
      this.indexes.setFilter(Object.keys(attributes).length > 0 ? { attributes } : {});
    });
  }
}
