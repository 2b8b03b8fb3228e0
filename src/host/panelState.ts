/** What the side panel is focused on: the codes selected in the Codebook view and hidden codes. */
import * as vscode from 'vscode';

export class PanelState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the selection or the hidden codes change. */
  readonly onDidChange = this.changed.event;
  private readonly selectionChanged = new vscode.EventEmitter<void>();
  /** Fires when codes are selected or unselected (even the same ones again). */
  readonly onDidChangeSelection = this.selectionChanged.event;
  /** Code ids selected in the Codebook view (across folders, ids are per codebook). */
  selectedCodes: string[] = [];
  selectedFolder?: vscode.Uri;

  constructor(private readonly state: vscode.Memento) {}

  select(folder: vscode.Uri | undefined, codes: string[]): void {
    this.selectedFolder = folder;
    this.selectedCodes = codes;
    this.selectionChanged.fire();
    this.changed.fire();
  }

  hidden(): Set<string> {
    return new Set(this.state.get<string[]>('qda.hiddenCodes', []));
  }

  async toggleHidden(code: string): Promise<boolean> {
    const h = this.hidden();
    const nowHidden = !h.has(code);
    if (nowHidden) h.add(code);
    else h.delete(code);
    await this.state.update('qda.hiddenCodes', [...h]);
    this.changed.fire();
    return nowHidden;
  }

  dispose(): void {
    this.changed.dispose();
    this.selectionChanged.dispose();
  }
}
