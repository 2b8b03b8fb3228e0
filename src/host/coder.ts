/** The coder's name: the `qda.coder` setting, else git's user.name, else the system user. */
import * as vscode from 'vscode';

let gitName: Promise<string | undefined> | undefined;

function readGitUserName(cwd: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      // Desktop only: the browser has no processes, and there the setting is the way.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cp = require('child_process') as typeof import('child_process');
      cp.execFile('git', ['config', 'user.name'], { cwd, timeout: 3000 }, (err, out) => resolve(err ? undefined : out.trim() || undefined));
    } catch {
      resolve(undefined);
    }
  });
}

export async function coderName(resource?: vscode.Uri): Promise<string> {
  const configured = vscode.workspace.getConfiguration('qda', resource).get<string>('coder')?.trim();
  if (configured) return configured;
  const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : vscode.workspace.workspaceFolders?.[0];
  gitName ??= readGitUserName(folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined);
  return (await gitName) ?? (typeof process !== 'undefined' ? process.env.USER || process.env.USERNAME : undefined) ?? 'unknown coder';
}
