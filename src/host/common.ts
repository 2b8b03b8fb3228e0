/** Helpers shared by the coding commands. */
import * as vscode from 'vscode';
import type { CodebookIndex } from '../core/codebook/codebook';
import { shorten } from '../core/project';
import type { CodedDocument, Segment } from './codedDocument';
import type { CodingManager } from './codingManager';

/** Arguments the commands accept from keybindings, hover links, tests and other extensions. */
export interface SegmentArgs {
  uri?: string;
  id?: string;
}

/** The editor a command acts on: the one showing `uri`, else the active one. */
export function targetEditor(uri?: string): vscode.TextEditor | undefined {
  if (uri) return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri) ?? (vscode.window.activeTextEditor?.document.uri.toString() === uri ? vscode.window.activeTextEditor : undefined);
  return vscode.window.activeTextEditor;
}

export async function targetDocument(uri?: string): Promise<vscode.TextDocument | undefined> {
  const editor = targetEditor(uri);
  if (editor) return editor.document;
  return uri ? vscode.workspace.openTextDocument(vscode.Uri.parse(uri)) : undefined;
}

export function codeName(index: CodebookIndex | undefined, code: string): string {
  return index?.codes.get(code)?.name ?? `${code} (not in the codebook)`;
}

export function segmentLabel(s: Segment): string {
  return `“${shorten(s.ann.exact, 50)}”`;
}

/** Runs a command body, showing any error as a plain message instead of failing silently. */
export async function report<T>(body: () => Promise<T>): Promise<T | undefined> {
  try {
    return await body();
  } catch (e) {
    void vscode.window.showErrorMessage((e as Error).message);
    return undefined;
  }
}

/** The segment a command should act on: given by id, else the innermost one at the cursor (asking when several). */
export async function pickSegment(manager: CodingManager, args: SegmentArgs | undefined, placeHolder: string): Promise<{ doc: CodedDocument; seg: Segment; document: vscode.TextDocument } | undefined> {
  const document = await targetDocument(args?.uri);
  if (!document) {
    void vscode.window.showInformationMessage('Open a coded Markdown document first.');
    return undefined;
  }
  const doc = await manager.ensure(document);
  if (!doc) {
    void vscode.window.showInformationMessage('This document cannot be coded (only Markdown files inside the open folder can).');
    return undefined;
  }
  if (args?.id) {
    const seg = doc.byId(args.id);
    if (!seg) void vscode.window.showWarningMessage('That coded segment no longer exists.');
    return seg ? { doc, seg, document } : undefined;
  }
  const editor = targetEditor(args?.uri);
  const offset = editor ? document.offsetAt(editor.selection.active) : 0;
  const here = doc.at(offset);
  if (here.length === 0) {
    void vscode.window.showInformationMessage('There is no coded segment at the cursor.');
    return undefined;
  }
  if (here.length === 1) return { doc, seg: here[0], document };
  const index = manager.folderOf(document.uri)?.codebook.index;
  const pick = await vscode.window.showQuickPick(
    here.map((s) => ({ label: s.ann.codes.map((c) => codeName(index, c)).join(', '), description: segmentLabel(s), seg: s })),
    { placeHolder },
  );
  return pick ? { doc, seg: pick.seg, document } : undefined;
}
