/** `qda.openSample`: copies the sample project that ships with the extension to a folder and opens it. */
import * as vscode from 'vscode';
import { report } from './common';

async function copyTree(from: vscode.Uri, to: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.createDirectory(to);
  for (const [name, type] of await vscode.workspace.fs.readDirectory(from)) {
    const src = vscode.Uri.joinPath(from, name);
    const dst = vscode.Uri.joinPath(to, name);
    if (type & vscode.FileType.Directory) await copyTree(src, dst);
    else await vscode.workspace.fs.copy(src, dst, { overwrite: false });
  }
}

export async function openSample(extensionUri: vscode.Uri): Promise<void> {
  await report(async () => {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Put the sample here', title: 'Where should the sample project be copied?' });
    if (!picked?.[0]) return;
    const target = vscode.Uri.joinPath(picked[0], 'orchestration-qda-sample');
    try {
      await vscode.workspace.fs.stat(target);
      throw new Error(`${target.fsPath || target.path} exists already; choose another place (nothing was overwritten).`);
    } catch (e) {
      if (!(e instanceof vscode.FileSystemError)) throw e;
    }
    await copyTree(vscode.Uri.joinPath(extensionUri, 'sample'), target);
    await vscode.commands.executeCommand('vscode.openFolder', target);
  });
}
