/** `qda.createCodebook`: writes a codebook from a built-in template (or an empty one). */
import * as vscode from 'vscode';
import { emptyCodebook, TEMPLATES } from '../../../core/codebook/templates';
import type { CodingManager, Folder } from '../../codingManager';
import { report } from '../../common';

export async function createCodebook(manager: CodingManager, args?: { template?: string; folder?: string }): Promise<boolean> {
  return (await report(async () => {
    const folders = manager.allFolders();
    let folder = args?.folder ? folders.find((f) => f.folder.uri.toString() === args.folder) : folders[0];
    if (!args?.folder && folders.length > 1) {
      const pick = await vscode.window.showQuickPick(folders.map((f) => ({ label: f.folder.name, f })), { placeHolder: 'Which folder gets the codebook?' });
      folder = pick?.f;
    }
    if (!folder) {
      void vscode.window.showInformationMessage('Open a folder first: the codebook is kept in it.');
      return false;
    }
    if (folder.codebook.exists) {
      void vscode.window.showInformationMessage(`${folder.codebook.path} exists already; it was left as it is.`);
      return false;
    }
    let template = args?.template;
    if (template === undefined) {
      const pick = await vscode.window.showQuickPick(
        [...Object.entries(TEMPLATES).map(([id, t]) => ({ label: t.label, description: `${t.codebook.stages.length} stages, ${t.codebook.codes.length} codes`, id })), { label: 'Empty codebook', description: 'start from nothing', id: '' }],
        { placeHolder: 'Start the codebook from…' },
      );
      if (!pick) return false;
      template = pick.id;
    }
    if (template && !TEMPLATES[template]) throw new Error(`There is no template called “${template}”.`);
    await folder.codebook.write(template ? TEMPLATES[template].codebook : emptyCodebook());
    void vscode.window.showInformationMessage(`Created ${folder.codebook.path}${template ? ` from the ${TEMPLATES[template].label} template` : ''}.`);
    return true;
  })) ?? false;
}

/** Makes sure the folder has a usable codebook, offering to create one. */
export async function ensureCodebook(folder: Folder): Promise<boolean> {
  if (folder.codebook.index) return true;
  if (folder.codebook.exists) {
    void vscode.window.showErrorMessage(`The codebook ${folder.codebook.path} has a problem: ${folder.codebook.problems[0]?.message ?? 'it could not be read'}. Fix it to go on coding.`);
    return false;
  }
  const choice = await vscode.window.showInformationMessage(
    'This folder has no codebook yet. Create one?',
    'From the Network orchestration template',
    'Empty codebook',
  );
  if (!choice) return false;
  await folder.codebook.write(choice === 'Empty codebook' ? emptyCodebook() : TEMPLATES['network-orchestration'].codebook);
  return true;
}
