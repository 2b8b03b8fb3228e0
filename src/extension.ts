/**
 * Activation: builds the shared services once, then registers every feature from one list.
 *
 * Layout of src/host: the services every feature uses stay at its top (the coding manager and
 * coded documents, the codebook service, the workspace index, the file store, the panel's code
 * selection, recent codes, the coder's name, undo, convert.ts, debounce.ts, commandIds.ts,
 * common.ts); each feature has a folder under src/host/features/ whose index.ts registers its
 * commands, views and providers (coding, codebook, panel, stages, sample). A feature hands on
 * what the test API or a later feature needs with `expose`. The test API (features/test) is what
 * `activate` returns, for the integration tests and the in-editor benchmark (as VS Code's own
 * Markdown extension returns its test API): no test-only command is contributed.
 */
import * as vscode from 'vscode';
import { CodingManager } from './host/codingManager';
import { featureContext, type Feature } from './host/features/feature';
import * as codebook from './host/features/codebook';
import * as coding from './host/features/coding';
import * as panelFeature from './host/features/panel';
import * as sample from './host/features/sample';
import * as stages from './host/features/stages';
import { testApi, type TestApi } from './host/features/test/testApi';
import { IndexService } from './host/indexService';
import { PanelState } from './host/panelState';
import { RecentCodes } from './host/recentCodes';

export type { TestApi };

/** Every feature, registered in this order (a feature may use what an earlier one exposed). */
const FEATURES: readonly Feature[] = [coding, codebook, panelFeature, stages, sample];

export function activate(context: vscode.ExtensionContext): TestApi {
  const diagnostics = vscode.languages.createDiagnosticCollection('qda');
  const manager = new CodingManager(diagnostics);
  const panel = new PanelState(context.workspaceState);
  const recent = new RecentCodes(context.workspaceState);
  const indexes = new IndexService(manager);
  context.subscriptions.push(diagnostics, manager, panel, indexes);

  const features = featureContext(context, { manager, indexes, panel, recent });
  for (const feature of FEATURES) feature.register(features);

  // Documents already open when the extension starts.
  for (const d of vscode.workspace.textDocuments) void manager.ensure(d);
  return testApi(features);
}

export function deactivate(): void {
  // Every registration is a disposable in context.subscriptions; sidecars are written as coding happens.
}
