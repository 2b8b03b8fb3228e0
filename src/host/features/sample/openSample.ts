/** `qda.openSample`: copies the sample project that ships with the extension to a folder and opens it. */
import * as vscode from 'vscode';
import { report } from '../../common';

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
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(extensionUri, 'sample'), target, { overwrite: false });
    await vscode.commands.executeCommand('vscode.openFolder', target);
  });
}
