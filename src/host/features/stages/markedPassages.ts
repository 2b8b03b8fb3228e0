/**
 * The passages stage markers place, across the documents of a workspace folder, for the Stages
 * view and the stage report: every Markdown document is read once, and again only when it changes
 * on disk (a file watcher forgets it); only those with a stage marker are parsed, and only the
 * passages are kept. Which passage goes to which stage is the core's decision
 * (passagesInStages), the same the outline shows.
 */
import * as vscode from 'vscode';
import { passagesInStages, type PassageInStage } from '../../../core/markdown/stages';
import { parseStructure, type DocumentStructure } from '../../../core/markdown/structure';
import type { Stage } from '../../../core/model/codebook';
import { isDocumentPath } from '../../../core/project';
import { walk } from '../../../core/store';
import { Text } from '../../../core/text/text';
import type { CodingManager, Folder } from '../../codingManager';

export interface DocumentReading {
  text: Text;
  structure: DocumentStructure;
}

/** What a stage marker starts with (structure.ts finds them exactly). */
const MARKER = /<!--\s*stage\s*:/i;

function readDocument(raw: string): DocumentReading {
  const text = Text.fromRaw(raw);
  return { text, structure: parseStructure(text.text) };
}

interface FolderCache {
  paths?: Promise<string[]>;
  docs: Map<string, Promise<DocumentReading | undefined>>;
  /** By the codebook's stages (as JSON) and document. */
  placed: Map<string, PassageInStage[]>;
  stagesKey?: string;
}

export class MarkedPassages implements vscode.Disposable {
  private readonly folders = new Map<Folder, FolderCache>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly manager: CodingManager) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{md,markdown}');
    const forget = (uri: vscode.Uri, listing: boolean) => {
      const folder = this.manager.folderOf(uri);
      const cache = folder && this.folders.get(folder);
      const path = folder?.store.relative(uri);
      if (!cache || path === undefined) return;
      cache.docs.delete(path);
      cache.placed.delete(path);
      if (listing) cache.paths = undefined;
    };
    watcher.onDidCreate((u) => forget(u, true));
    watcher.onDidChange((u) => forget(u, false));
    watcher.onDidDelete((u) => forget(u, true));
    this.disposables.push(watcher);
  }

  private cache(folder: Folder): FolderCache {
    let c = this.folders.get(folder);
    if (!c) this.folders.set(folder, (c = { docs: new Map(), placed: new Map() }));
    return c;
  }

  /** A document's text and structure as saved, read once until it changes. */
  read(folder: Folder, path: string): Promise<DocumentReading | undefined> {
    const c = this.cache(folder);
    let p = c.docs.get(path);
    if (!p) {
      p = folder.store.readText(path).then((raw) => (raw === undefined ? undefined : readDocument(raw)));
      c.docs.set(path, p);
    }
    return p;
  }

  /** Every document of the folder with the passages its markers place, in path order (documents without any left out). */
  async all(folder: Folder, stages: readonly Stage[]): Promise<{ document: string; passages: PassageInStage[] }[]> {
    const c = this.cache(folder);
    const key = JSON.stringify(stages.map((s) => [s.id, s.name]));
    if (c.stagesKey !== key) {
      c.placed.clear();
      c.stagesKey = key;
    }
    const paths = await (c.paths ??= walk(folder.store, '', isDocumentPath));
    const out: { document: string; passages: PassageInStage[] }[] = [];
    for (const path of paths) {
      let placed = c.placed.get(path);
      if (!placed) {
        // Most transcripts have no marker: they are not parsed (nor kept).
        const known = c.docs.get(path);
        const doc = known ? await known : await folder.store.readText(path).then((raw) => (raw !== undefined && MARKER.test(raw) ? readDocument(raw) : undefined));
        placed = doc && doc.structure.markers.length > 0 ? passagesInStages(doc.structure, stages, doc.text) : [];
        c.placed.set(path, placed);
      }
      if (placed.length > 0) out.push({ document: path, passages: placed });
    }
    return out;
  }

  /** The documents with passages marked for one stage, with those passages. */
  async ofStage(folder: Folder, stages: readonly Stage[], stage: string): Promise<{ document: string; passages: PassageInStage[] }[]> {
    return (await this.all(folder, stages)).map((d) => ({ document: d.document, passages: d.passages.filter((p) => p.stage === stage) })).filter((d) => d.passages.length > 0);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
