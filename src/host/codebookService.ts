/**
 * The codebook of a workspace folder: loaded at start, reloaded live when codebook.json changes
 * (hand edits, git), with its problems in the Problems panel. An invalid edit keeps the last good
 * codebook in use.
 */
import * as vscode from 'vscode';
import { CodebookIndex, DEFAULT_CODEBOOK_PATH, parseCodebook, serializeCodebook } from '../core/codebook/codebook';
import type { Codebook } from '../core/model/codebook';
import type { Problem } from '../core/problems';
import { toDiagnostic } from './convert';
import { WorkspaceStore } from './workspaceStore';

export class CodebookService implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the codebook in use changes. */
  readonly onDidChange = this.changed.event;
  index?: CodebookIndex;
  exists = false;
  /** The last problems found in the file; when non-empty the file is not written. */
  problems: Problem[] = [];
  private lastText?: string;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly store: WorkspaceStore,
    private readonly diagnostics: vscode.DiagnosticCollection,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, this.path));
    watcher.onDidChange(() => void this.reload());
    watcher.onDidCreate(() => void this.reload());
    watcher.onDidDelete(() => void this.reload());
    this.disposables.push(watcher, this.changed);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qda.codebookPath', folder.uri)) void this.reload();
      }),
    );
  }

  get path(): string {
    return vscode.workspace.getConfiguration('qda', this.folder.uri).get<string>('codebookPath') || DEFAULT_CODEBOOK_PATH;
  }

  get uri(): vscode.Uri {
    return this.store.uri(this.path);
  }

  get codebook(): Codebook | undefined {
    return this.index?.codebook;
  }

  async reload(): Promise<void> {
    const text = await this.store.readText(this.path);
    if (text === this.lastText && text !== undefined) return;
    this.lastText = text;
    if (text === undefined) {
      this.exists = false;
      this.problems = [];
      this.index = undefined;
      this.diagnostics.delete(this.uri);
      this.changed.fire();
      return;
    }
    this.exists = true;
    const load = parseCodebook(text, this.path);
    this.problems = load.problems;
    this.diagnostics.set(this.uri, load.problems.map(toDiagnostic));
    if (load.codebook && load.problems.length === 0) {
      this.index = new CodebookIndex(load.codebook);
      this.changed.fire();
    } else if (load.problems.length > 0) {
      const keep = this.index ? ' The last valid version stays in use until it is fixed.' : '';
      void vscode.window.showErrorMessage(`The codebook ${this.path} has a problem: ${load.problems[0].message}${keep}`);
    }
  }

  /** Writes a changed codebook; refuses while the file on disk has problems. */
  async write(codebook: Codebook): Promise<void> {
    if (this.problems.length > 0) {
      throw new Error(`The codebook ${this.path} was not changed: the file has a problem to fix first (${this.problems[0].message}).`);
    }
    const text = serializeCodebook(codebook);
    await this.store.writeAtomic(this.path, text);
    this.lastText = text;
    this.exists = true;
    this.index = new CodebookIndex(codebook);
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
