/** Small coloured-dot icons for codes and stages in tree views, written once per colour. */
import * as vscode from 'vscode';

export class CodeIcons {
  private readonly made = new Map<string, vscode.Uri>();
  constructor(private readonly dir: vscode.Uri) {}

  /** An icon for a colour (#rrggbb); `hollow` draws a ring (for a hidden code or a stage). */
  async icon(colour: string, hollow = false): Promise<vscode.Uri> {
    const key = `${colour}${hollow ? '-ring' : ''}`;
    const have = this.made.get(key);
    if (have) return have;
    const shape = hollow
      ? `<circle cx="8" cy="8" r="4.5" fill="none" stroke="${colour}" stroke-width="2"/>`
      : `<circle cx="8" cy="8" r="5" fill="${colour}"/>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">${shape}</svg>`;
    const uri = vscode.Uri.joinPath(this.dir, `${key.replace('#', '')}.svg`);
    await vscode.workspace.fs.createDirectory(this.dir);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(svg));
    this.made.set(key, uri);
    return uri;
  }

  /** The icon if already made (tree items are built synchronously). */
  peek(colour: string, hollow = false): vscode.Uri | undefined {
    return this.made.get(`${colour}${hollow ? '-ring' : ''}`);
  }
}
