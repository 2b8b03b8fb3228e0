// Helpers shared by the integration tests (run inside the real VS Code, on the fixture workspace).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';

/** The fixture workspace folder. */
export function root(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests must run with the fixture workspace open');
  return folder.uri;
}

/** A workspace-relative path (forward slashes) as a URI. */
export function fileUri(path: string): vscode.Uri {
  return vscode.Uri.joinPath(root(), ...path.split('/'));
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `check` (which asserts) until it passes; on timeout fails with its last error. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) {
        const detail = err instanceof Error ? err.message : String(err);
        assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}:\n${detail}`);
      }
    }
    await sleep(50);
  }
}

/** Activates the extension and gives the fixture workspace the "Network orchestration" codebook if it has none yet. */
export async function activateWithCodebook(): Promise<void> {
  await vscode.extensions.getExtension('orchestration-qda.orchestration-qda')!.activate();
  if (!(await exists(fileUri('codebook.json')))) {
    await vscode.commands.executeCommand('qda.createCodebook', { template: 'network-orchestration', folder: root().toString() });
  }
}

/** The extension's test API (what `activate` returns), activating the extension first if needed. */
export async function testApi(): Promise<TestApi> {
  return vscode.extensions.getExtension<TestApi>('orchestration-qda.orchestration-qda')!.activate();
}
