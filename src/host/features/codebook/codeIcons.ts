/** Small coloured-dot icons for codes and stages in tree views, written once per colour. */
import * as vscode from 'vscode';

export type Shape = 'dot' | 'ring' | 'square';

export class CodeIcons {
  private readonly made = new Map<string, vscode.Uri>();
  constructor(private readonly dir: vscode.Uri) {}

  /** An icon for a colour (#rrggbb): a dot for a code, a ring for a hidden code, a square for a stage. */
  async icon(colour: string, shape: Shape = 'dot'): Promise<vscode.Uri> {
    const key = `${colour}-${shape}`;
    const have = this.made.get(key);
    if (have) return have;
    const svgShape =
      shape === 'ring'
        ? `<circle cx="8" cy="8" r="4.5" fill="none" stroke="${colour}" stroke-width="2"/>`
        : shape === 'square'
          ? `<rect x="3" y="3" width="10" height="10" rx="2" fill="${colour}"/>`
          : `<circle cx="8" cy="8" r="5" fill="${colour}"/>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">${svgShape}</svg>`;
    const uri = vscode.Uri.joinPath(this.dir, `${key.replace('#', '')}.svg`);
    await vscode.workspace.fs.createDirectory(this.dir);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(svg));
    this.made.set(key, uri);
    return uri;
  }

  /** The icon if already made (tree items are built synchronously). */
  peek(colour: string, shape: Shape = 'dot'): vscode.Uri | undefined {
    return this.made.get(`${colour}-${shape}`);
  }
}
