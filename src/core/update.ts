/**
 * Changing a document's coding on disk without dropping another writer's change. The editor,
 * `qda add`, `qda anchor --write`, autocoding and merges all write sidecars; each write here is a
 * read-modify-write under the store's lock on the sidecar: the sidecar is read afresh under the
 * lock, the caller's change is applied to what is on disk now, and the result is written atomically
 * before the lock is released. A store without a cross-process lock still re-reads right before
 * writing, so the window in which a change could be lost shrinks to one write.
 */
import type { Annotation } from './model/annotation';
import { loadDocument, saveDocument, type LoadedDocument } from './project';
import type { ReanchorOptions } from './anchoring/reanchor';
import { sidecarPathFor } from './sidecar/iri';
import { withLock, type FileStore } from './store';

/**
 * Reads the document and its sidecar under the sidecar's lock, lets `change` modify the loaded
 * document (return false to write nothing), and saves it before releasing the lock. Throws
 * `ReadOnlyError` (nothing written) when the sidecar on disk cannot be read safely. Returns the
 * document as written (or as read, when nothing was written).
 */
export async function updateDocument(
  store: FileStore,
  docPath: string,
  change: (doc: LoadedDocument) => boolean | void | Promise<boolean | void>,
  options?: ReanchorOptions,
): Promise<LoadedDocument> {
  return withLock(store, sidecarPathFor(docPath), async () => {
    const doc = await loadDocument(store, docPath, options);
    if ((await change(doc)) === false) return doc;
    await saveDocument(store, doc);
    return doc;
  });
}

/** What one writer changed in a document's annotations since it read them, by annotation id. */
export interface AnnotationChanges {
  /** New or changed annotations (a whole annotation replaces the one with its id). */
  put: Annotation[];
  /** Ids of removed annotations. */
  removed: string[];
}

/**
 * The changes between the annotations a writer read (`before`) and what it has now (`after`), by
 * id: what it must apply to a newer reading of the file so that other writers' changes are kept.
 */
export function annotationChanges(before: readonly Annotation[], after: readonly Annotation[]): AnnotationChanges {
  const old = new Map(before.map((a) => [a.id, a]));
  const now = new Set(after.map((a) => a.id));
  return {
    put: after.filter((a) => {
      const was = old.get(a.id);
      return was === undefined || JSON.stringify(was) !== JSON.stringify(a);
    }),
    removed: before.filter((a) => !now.has(a.id)).map((a) => a.id),
  };
}

/** Applies changes by id to a list of annotations (in place): replaced where the id exists, else added. */
export function applyAnnotationChanges(annotations: Annotation[], changes: AnnotationChanges): void {
  const removed = new Set(changes.removed);
  const put = new Map(changes.put.map((a) => [a.id, a]));
  const kept: Annotation[] = [];
  for (const a of annotations) {
    if (removed.has(a.id)) continue;
    const replacement = put.get(a.id);
    put.delete(a.id);
    kept.push(replacement ?? a);
  }
  kept.push(...put.values());
  annotations.length = 0;
  for (const a of kept) annotations.push(a);
}
