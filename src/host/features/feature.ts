/**
 * What every feature gets from activation: the shared services, built once, and the ways to
 * register its commands, views and providers. Everything registered goes into the extension's
 * subscriptions (disposed when it deactivates).
 */
import * as vscode from 'vscode';
import type { CodingManager } from '../codingManager';
import type { CommandId } from '../commandIds';
import type { IndexService } from '../indexService';
import type { PanelState } from '../panelState';
import type { RecentCodes } from '../recentCodes';
import type { CodebookEditing } from './codebook/codebookEditing';
import type { CodebookView } from './codebook/codebookView';
import type { Decorations } from './coding/decorations';
import type { SegmentContext } from './coding/segmentContext';
import type { MemosView } from './panel/memosView';
import type { SegmentsView } from './panel/segmentsView';
import type { StageOutline } from './stages/outline';
import type { StagesView } from './stages/stagesView';
import type { StructureService } from './stages/structureService';

/** The services features hand on (to the test API, and to features registered after them). */
export interface FeatureServices {
  decorations: Decorations;
  segmentContext: SegmentContext;
  codebookView: CodebookView;
  editing: CodebookEditing;
  segmentsView: SegmentsView;
  memosView: MemosView;
  stagesView: StagesView;
  outline: StageOutline;
  structures: StructureService;
}

export interface FeatureContext {
  readonly extension: vscode.ExtensionContext;
  readonly manager: CodingManager;
  readonly indexes: IndexService;
  /** The codes selected and hidden in the Codebook view (the panel's selection). */
  readonly panel: PanelState;
  readonly recent: RecentCodes;
  /** Registers a command under one of the ids package.json contributes. */
  command(id: CommandId, run: (...args: never[]) => unknown): void;
  /** Keeps these until the extension deactivates. */
  keep(...disposables: vscode.Disposable[]): void;
  /** Hands one of the feature's services on to the test API (and to features registered after it). */
  expose<K extends keyof FeatureServices>(key: K, service: FeatureServices[K]): void;
  /** A service a feature registered before this one exposed. */
  exposed<K extends keyof FeatureServices>(key: K): FeatureServices[K];
}

/** A feature: registers its commands, views and providers. */
export interface Feature {
  register(context: FeatureContext): void;
}

/** A FeatureContext over the extension's subscriptions and the shared services. */
export function featureContext(extension: vscode.ExtensionContext, shared: Pick<FeatureContext, 'manager' | 'indexes' | 'panel' | 'recent'>): FeatureContext {
  const services: Partial<FeatureServices> = {};
  return {
    extension,
    ...shared,
    command: (id, run) => extension.subscriptions.push(vscode.commands.registerCommand(id, run)),
    keep: (...disposables) => extension.subscriptions.push(...disposables),
    expose: (key, service) => {
      services[key] = service;
    },
    exposed: (key) => {
      const service = services[key];
      if (!service) throw new Error(`No feature registered before this one provides ${key}.`);
      return service;
    },
  };
}
