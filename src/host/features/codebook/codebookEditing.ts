/**
 * Working on the codebook from the side panel: new code or sub-code, rename (the id stays, no
 * annotation changes), recolour, edit the definition and guidance, code memos, move (drag and
 * drop), merge one code into another (annotations recoded after a confirmation that says how
 * many), delete (when in use: say how many segments and ask what to do), hide or show a code's
 * highlights.
 *
 * Every change to codebook.json (and the annotations files a merge or deletion rewrites) goes into
 * one history (../../core/codebook/history.ts), 50 levels deep, across folders: "Undo Last
 * Codebook Change" (Ctrl+Z in the Codebook view, its title bar, the palette, a status bar item shown for a
 * while after each change, and the Undo button of the notification after a merge or a deletion)
 * and "Redo Codebook Change" (Ctrl+Shift+Z / Ctrl+Y in the view, its "…" menu, the palette).
 * Hiding highlights is a view setting kept by VS Code, not a codebook change: it is not in it.
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
  moveCode,
  setMemo,
  type CodeTextField,
  type FileChange,
} from '../../../core/codebook/edit';
import { CodebookHistory, type HistoryEntry } from '../../../core/codebook/history';
import type { Codebook } from '../../../core/model/codebook';
import { serializeCodebook } from '../../../core/codebook/codebook';
import type { WorkspaceStore } from '../../workspaceStore';
import type { CodingManager, Folder } from '../../codingManager';
import type { IndexService } from '../../indexService';
import type { CodebookNode } from './codebookView';
import type { PanelState } from '../../panelState';
import { Debounce } from '../../debounce';
import { report } from '../../common';

type CodeNode = Extract<CodebookNode, { kind: 'code' }>;

/** Arguments when called from a test, a keybinding or another extension instead of the tree. */
export interface CodeRef {
  folder?: string;
  code?: string;
}

/** Where a move puts the codes: for each of parent and stage, undefined leaves it, null removes it. */
export interface MoveRef {
  folder?: string;
  codes: string[];
  to: { parent?: string | null; stage?: string | null };
}

/** How long the status bar offers "Undo" after a change (the palette, title bar and Ctrl+Z always do). */
const STATUS_MS = 2 * 60 * 1000;
const UNDO_HINT = 'You can also undo it later with Ctrl+Z in the Codebook view, its ↶ button or "QDA: Undo Last Codebook Change".';

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

export class CodebookEditing implements vscode.Disposable {
  readonly history = new CodebookHistory<WorkspaceStore>();
  /** "Undo …" in the status bar for a while after each change. */
  readonly status = vscode.window.createStatusBarItem('qda.codebookUndo', vscode.StatusBarAlignment.Left, 50);
  private readonly statusHide = new Debounce(STATUS_MS);
  private statusShown = false;

  constructor(
    private readonly manager: CodingManager,
    private readonly indexes: IndexService,
    private readonly panel: PanelState,
  ) {
    this.status.name = 'Undo codebook change';
    this.status.command = 'qda.codebook.undo';
    this.changed();
  }

  dispose(): void {
    this.statusHide.dispose();
    this.status.dispose();
  }

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
      const made = codebook.codes.find((c) => c.id === id)!.name;
      await this.commit(folder, parent ? `New sub-code “${made}” under “${this.name(folder, parent)}”` : `New code “${made}”`, codebook, []);
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
      const after = renameCode(this.codebookOf(t.folder), t.code, name);
      await this.commit(t.folder, `Rename “${current}” to “${after.codes.find((c) => c.id === t.code)!.name}”`, after, []);
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
      await this.commit(t.folder, `Change the colour of “${this.name(t.folder, t.code)}”`, recolour(this.codebookOf(t.folder), t.code, colour), []);
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
      await this.commit(t.folder, `Edit “${labels[field]}” of “${this.name(t.folder, t.code)}”`, editText(this.codebookOf(t.folder), t.code, field, text), []);
    });
  }

  async editMemo(arg?: CodeNode | (CodeRef & { memo?: string })): Promise<void> {
    await report(async () => {
      const t = this.resolve(arg);
      if (!t) return;
      const code = t.folder.codebook.index?.codes.get(t.code);
      const memo = (arg && !('kind' in arg) ? arg.memo : undefined) ?? (await vscode.window.showInputBox({ title: `Memo on the code “${this.name(t.folder, t.code)}”`, value: code?.memo ?? '', prompt: 'Markdown is kept as written. Leave empty to remove the memo.' }));
      if (memo === undefined) return;
      await this.commit(t.folder, `Edit the memo of “${this.name(t.folder, t.code)}”`, setMemo(this.codebookOf(t.folder), { code: t.code }, memo), []);
    });
  }

  /** Moves codes (with their sub-codes) under another parent or to another stage: what drag and drop does. */
  async move(arg: MoveRef): Promise<boolean> {
    return (await report(async () => {
      const folder = this.manager.allFolders().find((f) => f.folder.uri.toString() === arg.folder) ?? this.manager.allFolders()[0];
      if (!folder || arg.codes.length === 0) return false;
      const before = this.codebookOf(folder);
      let cb = before;
      for (const code of arg.codes) cb = moveCode(cb, code, arg.to);
      const what = arg.codes.length === 1 ? `“${this.name(folder, arg.codes[0])}”` : `${arg.codes.length} codes`;
      const { parent, stage } = arg.to;
      const where =
        typeof parent === 'string'
          ? `under “${this.name(folder, parent)}”`
          : stage !== undefined
            ? stage === null
              ? 'to “Across stages”'
              : `to the stage “${before.stages.find((s) => s.id === stage)?.name ?? stage}”`
            : 'to the top level';
      return this.commit(folder, `Move ${what} ${where}`, cb, []);
    })) ?? false;
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
        const ok = await vscode.window.showWarningMessage(plan.message, { modal: true, detail: 'You can undo this with "QDA: Undo Last Codebook Change" (Ctrl+Z in the Codebook view).' }, 'Merge');
        if (ok !== 'Merge') return false;
      }
      await this.flushOpenDocuments(t.folder);
      const result = await mergeCodes(t.folder.store, cb, t.code, into);
      await this.commit(t.folder, `Merge “${this.name(t.folder, t.code)}” into “${this.name(t.folder, into)}”`, result.codebook, result.changes, true);
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
        await this.commit(t.folder, `Delete “${name}”`, after, [], true);
        return true;
      }
      if (plan.blocked.length > 0) throw new CodebookEditError(`“${name}” is used in files that cannot be read safely: ${plan.blocked.map((b) => b.file).join(', ')}. Fix them first; nothing was changed.`, plan.blocked.map((b) => b.file));
      let choice = ref?.inUse;
      if (!choice) {
        const answer = await vscode.window.showWarningMessage(
          `“${name}” is applied to ${plan.segments} segment${plan.segments === 1 ? '' : 's'} in ${plan.documents} document${plan.documents === 1 ? '' : 's'}. What should happen to them?`,
          { modal: true, detail: 'Either way you can undo it with "QDA: Undo Last Codebook Change" (Ctrl+Z in the Codebook view).' },
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
      await this.commit(t.folder, `Delete “${name}” (removed from ${result.segments} segment${result.segments === 1 ? '' : 's'}${result.keptAsMemos ? `; ${result.keptAsMemos} kept as memos` : ''})`, after, result.changes, true);
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

  /**
   * Writes the changed codebook, reloads the open documents whose annotations `files` changed, and
   * records it all for undo. `notify`: a workspace-wide change also gets a notification with Undo.
   * Returns whether anything changed.
   */
  private async commit(folder: Folder, label: string, after: Codebook, files: FileChange[], notify = false): Promise<boolean> {
    const path = folder.codebook.path;
    // The exact bytes, so that an undo gives back the file as it was (a byte-order mark included).
    const before = await folder.store.readBytes(path);
    await folder.codebook.write(after);
    for (const f of files) await this.manager.reloadFromDisk(folder, f.path);
    const entry = this.history.record(label, folder.store, [...(before === undefined ? [] : [{ path, before, after: serializeCodebook(after) }]), ...files]);
    this.changed();
    if (entry && notify) {
      void vscode.window.showInformationMessage(`${label}: done${files.length ? ` in ${files.length} document${files.length === 1 ? '' : 's'}` : ''}. ${UNDO_HINT}`, 'Undo').then((a) => {
        if (a === 'Undo') void this.undo(entry);
      });
    }
    return entry !== undefined;
  }

  /** Context keys for the menus and keys, and the status bar item, after the history changed. */
  private changed(): void {
    void vscode.commands.executeCommand('setContext', 'qda.canUndoCodebookChange', this.history.undoDepth > 0);
    void vscode.commands.executeCommand('setContext', 'qda.canRedoCodebookChange', this.history.redoDepth > 0);
    this.statusHide.cancel();
    const label = this.history.undoLabel;
    if (label === undefined) {
      this.hideStatus();
      return;
    }
    const short = label.length > 40 ? label.slice(0, 39) + '…' : label;
    this.status.text = `$(discard) Undo ${short.charAt(0).toLowerCase()}${short.slice(1)}`;
    this.status.tooltip = `Undo: ${label}. Also Ctrl+Z in the Codebook view, or "QDA: Undo Last Codebook Change".`;
    this.status.show();
    this.statusShown = true;
    this.statusHide.run(() => this.hideStatus());
  }

  private hideStatus(): void {
    this.status.hide();
    this.statusShown = false;
  }

  /** What the tests read: the history's labels (newest first), the status bar item if shown. */
  historyState(): { undo: string[]; redo: string[]; status?: { text: string; tooltip?: string; command?: string } } {
    const { undo, redo } = this.history.labels();
    const tooltip = typeof this.status.tooltip === 'string' ? this.status.tooltip : undefined;
    const command = typeof this.status.command === 'string' ? this.status.command : undefined;
    return { undo, redo, status: this.statusShown ? { text: this.status.text, tooltip, command } : undefined };
  }

  /**
   * Undoes the last codebook change, if nothing was changed since in the files it would restore.
   * `only`: the notification's button undoes its own change only, not a later one.
   */
  async undo(only?: HistoryEntry<WorkspaceStore>): Promise<boolean> {
    return this.step('undo', only);
  }

  /** Redoes the last codebook change undone. */
  async redo(): Promise<boolean> {
    return this.step('redo');
  }

  private async step(kind: 'undo' | 'redo', only?: HistoryEntry<WorkspaceStore>): Promise<boolean> {
    return (await report(async () => {
      const top = kind === 'undo' ? this.history.peekUndo() : this.history.peekRedo();
      if (!top) {
        void vscode.window.showInformationMessage(`There is no codebook change to ${kind}.`);
        return false;
      }
      if (only && top !== only) {
        void vscode.window.showWarningMessage(
          !this.history.labels().entries.includes(only)
            ? `“${only.label}” was already undone (or is too old to undo).`
            : `“${only.label}” is not the last codebook change: “${top.label}” was made after it. Undo the later changes first (Ctrl+Z in the Codebook view, or "QDA: Undo Last Codebook Change").`,
        );
        return false;
      }
      const folder = this.manager.allFolders().find((f) => f.store === top.store);
      const step = kind === 'undo' ? await this.history.undo() : await this.history.redo();
      if (folder && step.entry) {
        await folder.codebook.reload();
        for (const f of step.entry.files) if (f.path !== folder.codebook.path) await this.manager.reloadFromDisk(folder, f.path);
      }
      this.changed();
      if (!step.done) {
        void vscode.window.showWarningMessage(step.message);
        return false;
      }
      vscode.window.setStatusBarMessage(step.message, 5000);
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
