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

/** The parts of an annotation a writer changes as one: each is taken whole from the side that changed it. */
const PARTS: readonly (readonly (keyof Annotation)[])[] = [
  ['codes'],
  ['memo'],
  ['target', 'start', 'end', 'exact', 'prefix', 'suffix'],
  ['creator'],
  ['created'],
  ['kept'],
];

const samePart = (a: Annotation, b: Annotation, part: readonly (keyof Annotation)[]): boolean => part.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

/**
 * A writer's annotations (`ours`, changed since it read `base`) put onto what another writer saved
 * meanwhile (`theirs`), part by part, so that neither writer's change is lost:
 * - added by us: added; removed by us: removed, unless they changed it (a change wins over a removal);
 * - changed by us and removed by them: kept (as ours);
 * - changed on both sides: each part (codes, memo, span and quote, creator, …) from the side that
 *   changed it, ours where both did; `modified` is the later of the two.
 * Theirs keep their order; ours that are new come after.
 */
export function rebaseAnnotations(base: readonly Annotation[], ours: readonly Annotation[], theirs: readonly Annotation[]): Annotation[] {
  const baseById = new Map(base.map((a) => [a.id, a]));
  const oursById = new Map(ours.map((a) => [a.id, a]));
  const out: Annotation[] = [];
  const seen = new Set<string>();
  for (const t of theirs) {
    seen.add(t.id);
    const b = baseById.get(t.id);
    const o = oursById.get(t.id);
    if (!b) {
      out.push(o ?? t); // new on their side (or on both, with the same id: ours)
      continue;
    }
    if (!o) {
      // Removed by us: gone, unless they changed it since.
      if (PARTS.some((part) => !samePart(t, b, part))) out.push(t);
      continue;
    }
    const merged: Annotation = { ...t, codes: [...t.codes] };
    for (const part of PARTS) {
      if (samePart(o, b, part)) continue;
      for (const k of part) {
        if (o[k] === undefined) delete merged[k];
        else (merged as unknown as Record<string, unknown>)[k] = o[k];
      }
    }
    merged.modified = o.modified > t.modified ? o.modified : t.modified;
    out.push(merged);
  }
  for (const o of ours) {
    if (seen.has(o.id)) continue;
    // Not in theirs: new on our side, or removed by them; kept only when new or changed by us.
    const b = baseById.get(o.id);
    if (!b || PARTS.some((part) => !samePart(o, b, part))) out.push(o);
  }
  return out;
}
