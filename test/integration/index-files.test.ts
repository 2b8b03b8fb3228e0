// Runs inside a real VS Code: which files the side panel's index reads, as VS Code's file search
// finds them: documents (any case of .md) and sidecars, not what files.exclude hides, not the
// folders the qda command never searches, no links (as the qda command's walk), no temporary files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { indexedFiles } from '../../src/host/indexService';
import { WorkspaceStore } from '../../src/host/workspaceStore';
import { fileUri, root, writeText } from './helpers';

const BASE = 'index-files';

describe('The files the index reads', () => {
  const files = ['kept.md', 'kept.md.annotations.json', 'Upper.MD', 'notes.txt', 'hidden/h.md.annotations.json', 'node_modules/n.md.annotations.json', 'out/o.md', 'real/r.md.annotations.json', '.kept.md.annotations.json.0123456789ab.tmp'];
  let exclude: unknown;

  before(async () => {
    for (const f of files) await writeText(fileUri(`${BASE}/${f}`), '{}');
    fs.symlinkSync('real', fileUri(`${BASE}/linked`).fsPath);
    fs.symlinkSync('real/r.md.annotations.json', fileUri(`${BASE}/link.md.annotations.json`).fsPath);
    const config = vscode.workspace.getConfiguration('files', root());
    exclude = config.inspect('exclude')?.workspaceValue;
    await config.update('exclude', { ...(exclude as object | undefined), [`${BASE}/hidden`]: true }, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files', root()).update('exclude', exclude, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(fileUri(BASE).fsPath, { recursive: true, force: true });
  });

  it('are the documents and sidecars VS Code finds, without excluded folders, links or temporary files', async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    const paths = ((await indexedFiles({ folder, store: new WorkspaceStore(folder.uri) })) ?? []).filter((p) => p.startsWith(`${BASE}/`)).sort();
    assert.deepEqual(paths, [`${BASE}/Upper.MD`, `${BASE}/kept.md`, `${BASE}/kept.md.annotations.json`, `${BASE}/real/r.md.annotations.json`]);
  });
});
