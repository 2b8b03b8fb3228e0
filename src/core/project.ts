/**
 * Workspace-level operations over a FileStore: loading and saving a document's coding, checking
 * a whole workspace, and counting. Shared by the extension and the `qda` command-line tool.
 */
import { refreshQuote } from './annotations';
import { CodebookIndex, DEFAULT_CODEBOOK_PATH, parseCodebook, type CodebookLoad } from './codebook/codebook';
import { reanchor, type ReanchorOptions } from './anchoring/reanchor';
import type { AnchorResult, Annotation } from './model/annotation';
import type { Codebook } from './model/codebook';
import type { Problem } from './problems';
import { compareAnnotations, decodeSidecar, parseSidecar, parseSidecarBytes, serializeSidecar, SIDECAR_VERSION, type Sidecar, type SidecarLoad } from './sidecar/format';
import { encodeSidecar } from './sidecar/encode';
import { documentPathFor, SIDECAR_SUFFIX, sidecarPathFor } from './sidecar/iri';
import { loadAll, WorkspaceIndex, type Counts, type IndexFilter } from './index/workspaceIndex';
import { FileRefusedError, walk, type FileStore } from './store';
import { hashText, LineIndex, Text } from './text/text';
import { capProblems, lineColumn, MAX_LISTED_PROBLEMS } from './json';

/**
 * A sidecar file's text, decoded strictly as UTF-8 (every reader of sidecars in the core uses it):
 * `undefined` when there is no such file; a problem, and no text, when its bytes are not UTF-8 (the
 * file is then never rewritten, as a loose decoding would replace what it cannot read).
 */
export async function readSidecarText(store: FileStore, path: string): Promise<{ text: string; problem?: undefined } | { text?: undefined; problem: Problem } | undefined> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.readBytes(path);
  } catch (e) {
    // A file the store refuses (too large, not an ordinary file, outside the workspace) is one
    // problem of that file, not the end of a whole check.
    if (e instanceof FileRefusedError) return { problem: { file: path, severity: 'error', message: e.message } };
    throw e;
  }
  return bytes === undefined ? undefined : decodeSidecar(bytes, path);
}

export async function loadCodebook(store: FileStore, path = DEFAULT_CODEBOOK_PATH): Promise<CodebookLoad & { exists: boolean }> {
  const text = await store.readText(path);
  if (text === undefined) return { exists: false, problems: [], readOnly: false };
  return { exists: true, ...parseCodebook(text, path) };
}

/** A document with its coding, anchored against its current text. */
export interface LoadedDocument {
  path: string;
  sidecarPath: string;
  text: Text;
  sidecar: Sidecar;
  /** One per annotation, in the sidecar's order. */
  results: AnchorResult[];
  /** True when the text differs from the one the sidecar was saved against (worked out when first read). */
  readonly textChanged: boolean;
  sidecarExists: boolean;
  /** Never write this document's sidecar (it could not be read, or is from a newer version). */
  readOnly: boolean;
  problems: Problem[];
}

export function emptySidecar(): Sidecar {
  return { version: SIDECAR_VERSION, id: 'urn:uuid:' + globalThis.crypto.randomUUID(), annotations: [] };
}

/** Loads and anchors a document's coding from its text and its sidecar's text (if any). */
export function openDocument(path: string, rawText: string, sidecarText: string | undefined, options?: ReanchorOptions): LoadedDocument {
  return anchorDocument(path, rawText, sidecarText === undefined ? undefined : parseSidecar(sidecarText, sidecarPathFor(path)), options);
}

/** Anchors a document's coding, already read from its sidecar (`undefined`: it has none), against its text. */
export function anchorDocument(path: string, rawText: string, load: SidecarLoad | undefined, options?: ReanchorOptions): LoadedDocument {
  const sidecarPath = sidecarPathFor(path);
  const text = Text.fromRaw(rawText);
  if (load === undefined) {
    return { path, sidecarPath, text, sidecar: emptySidecar(), results: [], textChanged: false, sidecarExists: false, readOnly: false, problems: [] };
  }
  if (!load.sidecar) {
    return { path, sidecarPath, text, sidecar: emptySidecar(), results: [], textChanged: false, sidecarExists: true, readOnly: true, problems: load.problems };
  }
  const sidecar = load.sidecar;
  const results = reanchor(text, sidecar.annotations, options);
  // Hashing a long text takes a while and anchoring does not need it: only when asked.
  const savedHash = sidecar.textHash;
  let changed: boolean | undefined;
  return {
    path, sidecarPath, text, sidecar, results, sidecarExists: true, readOnly: load.readOnly, problems: load.problems,
    get textChanged() {
      return (changed ??= savedHash !== undefined ? savedHash !== hashText(text.text) : true);
    },
  };
}

export async function loadDocument(store: FileStore, path: string, options?: ReanchorOptions): Promise<LoadedDocument> {
  const raw = await store.readText(path);
  if (raw === undefined) throw new Error(`The document ${path} does not exist.`);
  // The sidecar's bytes, decoded strictly: bytes that are not UTF-8 make it read-only rather than U+FFFD on the next save.
  const sidecarPath = sidecarPathFor(path);
  const bytes = await store.readBytes(sidecarPath);
  return anchorDocument(path, raw, bytes === undefined ? undefined : parseSidecarBytes(bytes, sidecarPath), options);
}

/** Brings a document's sidecar up to date before it is written: quotes refreshed from the text, hash recorded. */
function prepareSidecar(doc: { text: Text; sidecar: Sidecar }): void {
  for (const a of doc.sidecar.annotations) refreshQuote(a, doc.text);
  doc.sidecar.annotations.sort(compareAnnotations);
  doc.sidecar.textHash = hashText(doc.text.text);
}

/** The sidecar text for a document: quotes refreshed from the text, hash recorded. */
export function sidecarText(doc: { path: string; text: Text; sidecar: Sidecar }): string {
  prepareSidecar(doc);
  return serializeSidecar(doc.sidecar, doc.path);
}

/** The sidecar file's bytes for a document (the UTF-8 of `sidecarText`, written faster). */
export function sidecarBytes(doc: { path: string; text: Text; sidecar: Sidecar }): Uint8Array {
  prepareSidecar(doc);
  return encodeSidecar(doc.sidecar, doc.path);
}

export class ReadOnlyError extends Error {}

/** Saves a document's sidecar atomically; refuses when the sidecar on disk could not be read. */
export async function saveDocument(store: FileStore, doc: LoadedDocument): Promise<void> {
  if (doc.readOnly) {
    throw new ReadOnlyError(`${doc.sidecarPath} was not saved: the file on disk could not be read safely (${doc.problems[0]?.message ?? 'see the problems reported'}). Fix it first; nothing was overwritten.`);
  }
  await store.writeAtomic(doc.sidecarPath, sidecarBytes(doc));
  doc.sidecarExists = true;
}

/** Problems for annotations whose codes the codebook does not know, located in the sidecar file. */
export function unknownCodeProblems(doc: Pick<LoadedDocument, 'sidecar' | 'sidecarPath'>, sidecarRaw: string | undefined, codebook: CodebookIndex): Problem[] {
  const out: Problem[] = [];
  // Linear in the file: each code's IRI is looked for after where it was last found (annotations are
  // in file order), lines come from one index, and only the listed problems are located.
  const lines = sidecarRaw !== undefined ? new LineIndex(sidecarRaw) : undefined;
  const searchFrom = new Map<string, number>();
  for (const a of doc.sidecar.annotations) {
    for (const c of a.codes) {
      if (codebook.has(c)) continue;
      let where: { line: number; column: number } | undefined;
      if (sidecarRaw !== undefined && lines && out.length < MAX_LISTED_PROBLEMS) {
        const iri = `"urn:qda:code:${encodeURIComponent(c)}"`;
        const at = sidecarRaw.indexOf(iri, searchFrom.get(c) ?? 0);
        if (at >= 0) {
          searchFrom.set(c, at + iri.length);
          const p = lines.position(at);
          where = { line: p.line + 1, column: p.character + 1 };
        }
      }
      out.push({
        file: doc.sidecarPath,
        ...where,
        severity: 'error',
        message: `A segment ("${shorten(a.exact)}") is coded with "${c}", which is not in the codebook. Add the code to the codebook or recode the segment; the coding is kept meanwhile.`,
      });
    }
  }
  return capProblems(out, doc.sidecarPath);
}

/**
 * Whether a document's coding may be written: the problems that forbid it, exactly as `validate`
 * reports them (empty: it may be written). Every writer (`qda add`, `qda anchor --write`, the
 * editor's save) asks this first and writes nothing when it answers anything. It refuses when:
 * - there is no codebook, or the codebook has an error (invalid, a repeated code or stage id, an
 *   unknown parent or stage, parents in a loop);
 * - the sidecar could not be read safely (`doc.readOnly`: its problems say why);
 * - a segment of the sidecar has a code the codebook does not have.
 * Orphans and approximate anchoring are no reason: they are kept and reported.
 * `sidecarRaw`, the sidecar file's text, locates unknown codes by line.
 */
export function codingWriteProblems(
  codebook: { exists: boolean; codebook?: Codebook; problems: Problem[] },
  codebookPath: string,
  doc: Pick<LoadedDocument, 'sidecar' | 'sidecarPath' | 'readOnly' | 'problems'>,
  sidecarRaw?: string,
): Problem[] {
  const out: Problem[] = [];
  if (!codebook.exists) out.push({ file: codebookPath, severity: 'error', message: NO_CODEBOOK_MESSAGE });
  out.push(...codebook.problems.filter((p) => p.severity === 'error'));
  if (doc.readOnly) out.push(...doc.problems);
  else out.push(...doc.problems.filter((p) => p.severity === 'error'));
  // As validate: the codes are checked against the codebook as read, even one with errors.
  if (codebook.codebook) out.push(...unknownCodeProblems(doc, sidecarRaw, new CodebookIndex(codebook.codebook)));
  return out;
}

/**
 * Which placements a researcher is asked to look at, and how: one rule for `qda anchor`, `qda
 * validate` and the editor's Problems panel. A segment that lost its place; one re-attached
 * approximately; one placed on its unchanged quote but elsewhere, with less than high confidence
 * (its context changed). Others are found as they were, or moved with their context.
 */
export function placementToCheck(r: Pick<AnchorResult, 'status' | 'certainty'>): 'lost' | 'approximate' | 'unsure' | undefined {
  if (r.status === 'orphan') return 'lost';
  if (r.status === 'fuzzy') return 'approximate';
  if (r.status === 'moved' && r.certainty !== 'high') return 'unsure';
  return undefined;
}

/** How sure a placement is, in words and figures: "medium confidence (72%)". */
export const sureness = (r: Pick<AnchorResult, 'certainty' | 'confidence'>): string => `${r.certainty} confidence (${Math.round(r.confidence * 100)}%)`;

export function anchoringProblems(doc: LoadedDocument): Problem[] {
  const out: Problem[] = [];
  doc.results.forEach((r, i) => {
    const a = doc.sidecar.annotations[i];
    const check = placementToCheck(r);
    if (check === 'lost') {
      out.push({ file: doc.path, severity: 'error', message: `A coded segment lost its place ("${shorten(a.exact)}"; codes: ${a.codes.join(', ') || 'none'}): ${r.reason} It is kept in ${doc.sidecarPath}.` });
    } else if (check) {
      const at = r.start !== undefined ? lineColumn(doc.text.text, doc.text.toUtf16(r.start)) : {};
      const what = check === 'approximate' ? 're-attached approximately' : 'placed elsewhere, on its unchanged quote';
      out.push({ file: doc.path, ...at, severity: 'warning', message: `A coded segment was ${what}, with ${sureness(r)} ("${shorten(a.exact)}"): ${r.reason}` });
    }
  });
  return out;
}

export function shorten(s: string, n = 60): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= n ? one : one.slice(0, n - 1) + '…';
}

export const isDocumentPath = (p: string): boolean => /\.(md|markdown)$/i.test(p);
export const isSidecarPath = (p: string): boolean => p.endsWith(SIDECAR_SUFFIX);

export interface ValidationReport {
  problems: Problem[];
  documents: number;
  annotations: number;
  statuses: Record<AnchorResult['status'], number>;
}

/**
 * Checks the codebook, every sidecar and its anchoring. `paths` narrows the check to some
 * documents, sidecars or folders; by default the whole workspace.
 */
export async function validateWorkspace(store: FileStore, codebookPath = DEFAULT_CODEBOOK_PATH, paths: string[] = []): Promise<ValidationReport> {
  const problems: Problem[] = [];
  const cb = await loadCodebook(store, codebookPath);
  problems.push(...cb.problems);
  if (!cb.exists) problems.push({ file: codebookPath, severity: 'error', message: NO_CODEBOOK_MESSAGE });
  const index = cb.codebook ? new CodebookIndex(cb.codebook) : undefined;
  const sidecars = new Set<string>();
  for (const p of paths.length > 0 ? paths : ['']) {
    const st = await store.stat(p);
    if (p !== '' && !st) {
      problems.push({ file: p, severity: 'error', message: 'No such file or folder.' });
      continue;
    }
    if (st?.type === 'file' || (p !== '' && st === undefined)) {
      if (isSidecarPath(p)) sidecars.add(p);
      else if (isDocumentPath(p)) sidecars.add(sidecarPathFor(p));
      else if (p === codebookPath) continue;
      else problems.push({ file: p, severity: 'warning', message: 'Not a Markdown document nor an annotations file; skipped.' });
    } else {
      for (const s of await walk(store, p, isSidecarPath)) sidecars.add(s);
    }
  }
  const statuses = { exact: 0, moved: 0, fuzzy: 0, orphan: 0 };
  let annotations = 0;
  let documents = 0;
  for (const sc of [...sidecars].sort()) {
    const docPath = documentPathFor(sc)!;
    const read = await readSidecarText(store, sc);
    if (read === undefined) continue; // a document without coding
    if (read.problem) {
      problems.push(read.problem);
      continue;
    }
    const raw = read.text;
    const docText = await store.readText(docPath);
    if (docText === undefined) {
      problems.push({ file: sc, severity: 'error', message: `This annotations file belongs to ${docPath}, which does not exist (renamed or deleted outside the editor?). Its coding is kept; move it next to the document, renamed to match.` });
      continue;
    }
    documents++;
    const doc = openDocument(docPath, docText, raw);
    problems.push(...doc.problems);
    if (!doc.sidecar) continue;
    annotations += doc.sidecar.annotations.length;
    for (const r of doc.results) statuses[r.status]++;
    if (index) problems.push(...unknownCodeProblems(doc, raw, index));
    problems.push(...anchoringProblems(doc));
  }
  return { problems, documents, annotations, statuses };
}

export interface Stats {
  /** Every code of the codebook (in its order), then codes used but not in it (sorted). */
  byCode: { code: string; name: string; segments: number; documents: number; withSubCodes: Counts }[];
  /** Every stage of the codebook (in its order), then `stage: null` when some of its codes have none. */
  byStage: { stage: string | null; name: string; segments: number; documents: number }[];
  /** Documents with coded segments, sorted; `codes`: how many of its segments have each code. */
  byDocument: { document: string; segments: number; codes: Record<string, number> }[];
  /** Coded segments in the workspace. */
  total: number;
  /** Documents with coded segments. */
  documents: number;
  /** Why the counts may be incomplete: no codebook, an invalid codebook, a sidecar that cannot be read. */
  problems: Problem[];
}

export const NO_CODEBOOK_MESSAGE = 'There is no codebook. Create one with "qda init" or the "Create codebook" command.';

/**
 * Coded segments per code, per stage and per document over the whole workspace (annotations as
 * saved), counted by the workspace index, as the side panel counts them (see its counting rules).
 * Without a codebook nothing is read: a problem says so.
 */
export async function workspaceStats(store: FileStore, codebookPath = DEFAULT_CODEBOOK_PATH): Promise<Stats> {
  const cb = await loadCodebook(store, codebookPath);
  if (!cb.exists) {
    return { byCode: [], byStage: [], byDocument: [], total: 0, documents: 0, problems: [{ file: codebookPath, severity: 'error', message: NO_CODEBOOK_MESSAGE }] };
  }
  // An invalid codebook (reported) gives no hierarchy nor stages: codes are counted as used.
  const index = cb.codebook && cb.problems.length === 0 ? new CodebookIndex(cb.codebook) : undefined;
  const ix = await loadAll(store, { codebook: index });
  return statsOf(ix, index, [...cb.problems, ...ix.problems()]);
}

/** The figures of `workspaceStats` from an index (the side panel's, or one just loaded). */
export function statsOf(ix: WorkspaceIndex, codebook: CodebookIndex | undefined, problems: Problem[] = [], filter?: IndexFilter): Stats {
  const byCode: Stats['byCode'] = [];
  for (const [code, c] of ix.codeCounts(filter)) {
    byCode.push({ code, name: codebook?.codes.get(code)?.name ?? `${code} (not in the codebook)`, segments: c.segments, documents: c.documents, withSubCodes: { ...c.withDescendants } });
  }
  const byStage: Stats['byStage'] = [];
  if (codebook) {
    const stages = ix.stageCounts(filter);
    for (const s of codebook.codebook.stages) byStage.push({ stage: s.id, name: s.name, ...stages.get(s.id)! });
    if (codebook.codebook.codes.some((c) => !codebook.stageOf(c.id))) byStage.push({ stage: null, name: 'No stage', ...stages.get(undefined)! });
  }
  // Object.fromEntries defines own keys: a code named "constructor" or "__proto__" is one like any other.
  const byDocument = ix.documentCounts(filter).map((d) => ({ document: d.document, segments: d.segments, codes: Object.fromEntries(d.codes) }));
  const totals = ix.totals(filter);
  return { byCode, byStage, byDocument, total: totals.segments, documents: totals.documents, problems };
}

export type { Annotation };
