/**
 * Editing the codebook, and the workspace-wide changes to coding that go with it.
 *
 * - Codebook operations are pure: each returns a new Codebook and never changes the one given.
 *   Each checks its result (unique ids, parents and stages that exist, no loops) and throws a
 *   `CodebookEditError` in words a researcher can act on rather than return a broken codebook.
 * - Workspace operations (merge, remove everywhere, recode everywhere) change sidecars through a
 *   FileStore. They read every sidecar first and refuse the whole operation, before writing
 *   anything, when a sidecar that uses the code cannot be read or must not be written; sidecars
 *   that cannot be read but do not use the code are skipped and reported. Each file is written
 *   atomically and deterministically (serializeSidecar); only the codes (and `modified`) of the
 *   annotations concerned change. The result holds each changed file's text before and after,
 *   for `undoFileChanges`.
 */
import type { Annotation } from '../model/annotation';
import type { Code, Codebook } from '../model/codebook';
import { isSidecarPath, readSidecarText } from '../project';
import { parseSidecar, serializeSidecar, type Sidecar } from '../sidecar/format';
import { codeIri, documentPathFor } from '../sidecar/iri';
import { walk, withLock, type FileStore } from '../store';
import { checkCodebook, slugify } from './codebook';
import { recoded, withoutCodes } from '../coding/operations';

/** A refused edit; `files` lists the files concerned, if any. Nothing was changed. */
export class CodebookEditError extends Error {
  constructor(
    message: string,
    readonly files: string[] = [],
  ) {
    super(message);
    this.name = 'CodebookEditError';
  }
}

// ---------------------------------------------------------------------------------------------
// Codebook operations (pure)

export type CodeTextField = 'definition' | 'whenToUse' | 'whenNotToUse' | 'example';

export interface NewCode {
  name: string;
  parent?: string;
  stage?: string;
  colour?: string;
  definition?: string;
  whenToUse?: string;
  whenNotToUse?: string;
  example?: string;
  memo?: string;
}

const COLOUR = /^#[0-9A-Fa-f]{6}$/;
const TEXT_FIELDS: CodeTextField[] = ['definition', 'whenToUse', 'whenNotToUse', 'example'];

function codeOf(cb: Codebook, id: string): Code {
  const c = cb.codes.find((x) => x.id === id);
  if (!c) throw new CodebookEditError(`There is no code "${id}" in the codebook.`);
  return c;
}

function cleanName(name: string): string {
  const n = name.replace(/\s+/g, ' ').trim();
  if (n === '') throw new CodebookEditError('A code needs a name.');
  return n;
}

/** Optional text: empty or blank removes the field. */
const cleanText = (t: string | undefined): string | undefined => (t === undefined || t.trim() === '' ? undefined : t);

function checkColour(colour: string | undefined): void {
  if (colour !== undefined && !COLOUR.test(colour)) throw new CodebookEditError(`"${colour}" is not a colour: write it as #rrggbb, for example #1f77b4.`);
}

function checkParent(cb: Codebook, parent: string | undefined): void {
  if (parent !== undefined && !cb.codes.some((c) => c.id === parent)) throw new CodebookEditError(`There is no code "${parent}" to put the code under.`);
}

function checkStage(cb: Codebook, stage: string | undefined): void {
  if (stage !== undefined && !cb.stages.some((s) => s.id === stage)) throw new CodebookEditError(`There is no stage "${stage}" in the codebook.`);
}

/** Two codes under the same parent may not share a name (ignoring case and spacing). */
function checkSiblingName(cb: Codebook, name: string, parent: string | undefined, self?: string): void {
  const key = name.toLowerCase();
  const twin = cb.codes.find((c) => c.id !== self && c.parent === parent && cleanName(c.name).toLowerCase() === key);
  if (twin) {
    const where = parent === undefined ? 'at the top level' : `under "${codeOf(cb, parent).name}"`;
    throw new CodebookEditError(`There is already a code "${twin.name}" ${where}.`);
  }
}

/** The code and all its sub-codes, by id. */
export function subtree(cb: Codebook, id: string): Set<string> {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of cb.codes) {
      if (c.parent !== undefined && out.has(c.parent) && !out.has(c.id)) {
        out.add(c.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Where a new child of `parent` goes in the list: after the parent's last descendant (root: at the end). */
function insertionIndex(codes: readonly Code[], cb: Codebook, parent: string | undefined): number {
  if (parent === undefined) return codes.length;
  const family = subtree(cb, parent);
  let at = -1;
  codes.forEach((c, i) => {
    if (family.has(c.id)) at = i;
  });
  return at === -1 ? codes.length : at + 1;
}

function finish(cb: Codebook): Codebook {
  const problems = checkCodebook(cb);
  if (problems.length > 0) throw new CodebookEditError(`The codebook would not be valid: ${problems.map((p) => p.message).join(' ')}`);
  return cb;
}

function replaceCode(cb: Codebook, id: string, change: (c: Code) => Code): Codebook {
  codeOf(cb, id);
  return finish({ ...cb, codes: cb.codes.map((c) => (c.id === id ? change(c) : c)) });
}

function withField<T extends object, K extends keyof T>(o: T, key: K, value: T[K] | undefined): T {
  const copy = { ...o };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

/** Adds a code; its id is made from its name ("Brokering relations" → "brokering-relations"). */
export function addCode(cb: Codebook, spec: NewCode): { codebook: Codebook; id: string } {
  const name = cleanName(spec.name);
  checkParent(cb, spec.parent);
  checkStage(cb, spec.stage);
  checkColour(spec.colour);
  checkSiblingName(cb, name, spec.parent);
  const id = slugify(name, new Set(cb.codes.map((c) => c.id)));
  const code: Code = { id, name };
  for (const f of TEXT_FIELDS) {
    const t = cleanText(spec[f]);
    if (t !== undefined) code[f] = t;
  }
  if (spec.colour !== undefined) code.colour = spec.colour;
  if (spec.parent !== undefined) code.parent = spec.parent;
  if (spec.stage !== undefined) code.stage = spec.stage;
  const memo = cleanText(spec.memo);
  if (memo !== undefined) code.memo = memo;
  const codes = [...cb.codes];
  codes.splice(insertionIndex(codes, cb, spec.parent), 0, code);
  return { codebook: finish({ ...cb, codes }), id };
}

/** Renames a code; its id (which annotations use) stays. */
export function renameCode(cb: Codebook, id: string, name: string): Codebook {
  const n = cleanName(name);
  checkSiblingName(cb, n, codeOf(cb, id).parent, id);
  return replaceCode(cb, id, (c) => ({ ...c, name: n }));
}

/** Sets a code's colour; undefined: inherit its parent's or stage's. */
export function recolour(cb: Codebook, id: string, colour: string | undefined): Codebook {
  checkColour(colour);
  return replaceCode(cb, id, (c) => withField(c, 'colour', colour));
}

/** Sets one of a code's texts (definition, when to use, when not to use, example); blank removes it. */
export function editText(cb: Codebook, id: string, field: CodeTextField, text: string | undefined): Codebook {
  if (!TEXT_FIELDS.includes(field)) throw new CodebookEditError(`"${field}" is not a text of a code.`);
  return replaceCode(cb, id, (c) => withField(c, field, cleanText(text)));
}

export function editDefinition(cb: Codebook, id: string, text: string | undefined): Codebook {
  return editText(cb, id, 'definition', text);
}

/**
 * Moves a code (with its sub-codes) under another parent and/or to another stage. For each of
 * `parent` and `stage`: undefined leaves it, null removes it (top level; no stage of its own).
 */
export function moveCode(cb: Codebook, id: string, to: { parent?: string | null; stage?: string | null }): Codebook {
  const code = codeOf(cb, id);
  let moved: Code = code;
  if (to.stage !== undefined) {
    checkStage(cb, to.stage ?? undefined);
    moved = withField(moved, 'stage', to.stage ?? undefined);
  }
  if (to.parent === undefined || (to.parent ?? undefined) === code.parent) {
    return finish({ ...cb, codes: cb.codes.map((c) => (c.id === id ? moved : c)) });
  }
  const parent = to.parent ?? undefined;
  checkParent(cb, parent);
  const family = subtree(cb, id);
  if (parent !== undefined && family.has(parent)) {
    throw new CodebookEditError(parent === id ? `A code cannot be put under itself.` : `"${code.name}" cannot be put under "${codeOf(cb, parent).name}", which is one of its own sub-codes.`);
  }
  checkSiblingName(cb, cleanName(code.name), parent, id);
  moved = withField(moved, 'parent', parent);
  // The code and its sub-codes move together, to after the new parent's family.
  const block = cb.codes.filter((c) => family.has(c.id)).map((c) => (c.id === id ? moved : c));
  const rest = cb.codes.filter((c) => !family.has(c.id));
  const codes = [...rest];
  codes.splice(insertionIndex(rest, { ...cb, codes: rest }, parent), 0, ...block);
  return finish({ ...cb, codes });
}

/**
 * Deletes a code that no segment uses (`counts`: segments per code, e.g. from the workspace
 * index) and that has no sub-codes.
 */
export function deleteCode(cb: Codebook, id: string, counts: ReadonlyMap<string, { segments: number }>): Codebook {
  const code = codeOf(cb, id);
  const used = counts.get(id)?.segments ?? 0;
  if (used > 0) {
    throw new CodebookEditError(`"${code.name}" is used by ${used} segment${used === 1 ? '' : 's'}: remove it from them (or merge it into another code) before deleting it.`);
  }
  const children = cb.codes.filter((c) => c.parent === id);
  if (children.length > 0) {
    throw new CodebookEditError(`"${code.name}" has sub-codes (${children.map((c) => `"${c.name}"`).join(', ')}): move or delete them first.`);
  }
  return finish({ ...cb, codes: cb.codes.filter((c) => c.id !== id) });
}

/** Sets (or, with undefined or blank text, removes) the memo of a code or a stage. */
export function setMemo(cb: Codebook, target: { code: string } | { stage: string }, memo: string | undefined): Codebook {
  const text = cleanText(memo);
  if ('code' in target) return replaceCode(cb, target.code, (c) => withField(c, 'memo', text));
  if (!cb.stages.some((s) => s.id === target.stage)) throw new CodebookEditError(`There is no stage "${target.stage}" in the codebook.`);
  return finish({ ...cb, stages: cb.stages.map((s) => (s.id === target.stage ? withField(s, 'memo', text) : s)) });
}

/**
 * The codebook after merging `from` into `into`: `from` is removed (if it is in the codebook; an
 * unknown code used in sidecars can be merged too), its sub-codes go under `into` (those that
 * `into` descends from go under `from`'s parent instead), and its memo is appended to `into`'s.
 */
export function mergeInCodebook(cb: Codebook, from: string, into: string): Codebook {
  if (from === into) throw new CodebookEditError('A code cannot be merged into itself.');
  const target = codeOf(cb, into);
  const source = cb.codes.find((c) => c.id === from);
  if (!source) return finish({ ...cb, codes: [...cb.codes] });
  const ancestorsOfInto = new Set<string>();
  for (let p = target.parent; p !== undefined && !ancestorsOfInto.has(p); p = cb.codes.find((c) => c.id === p)?.parent) ancestorsOfInto.add(p);
  const codes = cb.codes
    .filter((c) => c.id !== from)
    .map((c) => {
      let out = c;
      if (c.parent === from) out = withField(c, 'parent', c.id === into || ancestorsOfInto.has(c.id) ? source.parent : into);
      if (c.id === into && source.memo) out = { ...out, memo: out.memo ? `${out.memo}\n\n${source.memo}` : source.memo };
      return out;
    });
  return finish({ ...cb, codes });
}

// ---------------------------------------------------------------------------------------------
// Workspace operations (sidecars)

/** One file changed by an operation: its text before and the text the operation wrote. */
export interface FileChange {
  path: string;
  before: string;
  after: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** Who uses a code: what an operation on it would change, for a confirmation. */
export interface CodeUsePlan {
  code: string;
  /** Annotations with the code, in sidecars that can be changed. */
  segments: number;
  documents: number;
  /** The sidecars that would change. */
  files: string[];
  /** Sidecars that use (or may use) the code but cannot be read or written: the operation is refused. */
  blocked: SkippedFile[];
  /** Sidecars that cannot be read and do not mention the code: left alone. */
  skipped: SkippedFile[];
}

export interface MergePlan extends CodeUsePlan {
  from: string;
  into: string;
  /** A sentence for the confirmation (or why it cannot be done). */
  message: string;
}

export interface WorkspaceEditResult {
  /** Sidecars written, sorted. */
  changedFiles: string[];
  /** Annotations changed (or removed). */
  segments: number;
  /** Texts before and after, for `undoFileChanges`. */
  changes: FileChange[];
  /** Sidecars that could not be read and were left alone (they do not use the code). */
  skipped: SkippedFile[];
}

export interface MergeResult extends WorkspaceEditResult {
  /** The codebook without `from` (not saved: the caller saves it). */
  codebook: Codebook;
}

export interface RemoveResult extends WorkspaceEditResult {
  /** Annotations deleted: they had no other code and no memo. */
  removedAnnotations: number;
  /** Annotations kept as memos: they had no other code but a memo. */
  keptAsMemos: number;
}

export interface EditOptions {
  /** The time recorded as `modified` on changed annotations (default: now). */
  now?: Date;
}

interface Candidate {
  path: string;
  text: string;
  sidecar: Sidecar;
  uses: number;
}

interface Scan {
  candidates: Candidate[];
  blocked: SkippedFile[];
  skipped: SkippedFile[];
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a file we cannot parse names the code (its IRI, not a longer one). */
function mentionsCode(text: string, code: string): boolean {
  return new RegExp(escapeRegExp(codeIri(code)) + '(?![A-Za-z0-9._~%!$&\'()*+,;=:@/-])').test(text);
}

async function scan(store: FileStore, code: string): Promise<Scan> {
  const out: Scan = { candidates: [], blocked: [], skipped: [] };
  for (const path of await walk(store, '', isSidecarPath)) {
    const read = await readSidecarText(store, path);
    if (read === undefined) continue;
    if (read.problem) {
      // Not UTF-8: never rewritten. It blocks the change if it may use the code.
      const loose = new TextDecoder('utf-8').decode(await store.readBytes(path));
      (mentionsCode(loose, code) ? out.blocked : out.skipped).push({ file: path, reason: read.problem.message });
      continue;
    }
    const text = read.text;
    const load = parseSidecar(text, path);
    const reason = load.problems[0]?.message ?? 'it could not be read';
    if (!load.sidecar) {
      (mentionsCode(text, code) ? out.blocked : out.skipped).push({ file: path, reason });
      continue;
    }
    const uses = load.sidecar.annotations.filter((a) => a.codes.includes(code)).length;
    if (load.readOnly) {
      if (uses > 0) out.blocked.push({ file: path, reason });
      else out.skipped.push({ file: path, reason });
    } else if (uses > 0) {
      out.candidates.push({ path, text, sidecar: load.sidecar, uses });
    }
  }
  return out;
}

function toPlan(code: string, s: Scan): CodeUsePlan {
  return {
    code,
    segments: s.candidates.reduce((n, c) => n + c.uses, 0),
    documents: s.candidates.length,
    files: s.candidates.map((c) => c.path),
    blocked: s.blocked,
    skipped: s.skipped,
  };
}

const plural = (n: number, one: string, many = one + 's'): string => `${n} ${n === 1 ? one : many}`;

function refusal(what: string, code: string, blocked: SkippedFile[]): CodebookEditError {
  const list = blocked.map((b) => `${b.file} (${b.reason})`).join('; ');
  return new CodebookEditError(
    `${what} was not done and nothing was changed: ${plural(blocked.length, 'annotations file')} that use${blocked.length === 1 ? 's' : ''} "${code}" cannot be read or must not be written: ${list}. Fix ${blocked.length === 1 ? 'it' : 'them'} (for example resolve a git conflict) and try again.`,
    blocked.map((b) => b.file),
  );
}

/** How many segments in how many documents use a code, and whether every sidecar concerned can be changed. */
export async function planCodeUse(store: FileStore, code: string): Promise<CodeUsePlan> {
  return toPlan(code, await scan(store, code));
}

/** What merging `from` into `into` would change, with a sentence for the confirmation. Throws if the merge is not possible in the codebook. */
export async function planMerge(store: FileStore, codebook: Codebook, from: string, into: string): Promise<MergePlan> {
  mergeInCodebook(codebook, from, into);
  const plan = await planCodeUse(store, from);
  const nameOf = (id: string) => codebook.codes.find((c) => c.id === id)?.name ?? id;
  const message =
    plan.blocked.length > 0
      ? refusal(`Merging "${nameOf(from)}" into "${nameOf(into)}"`, from, plan.blocked).message
      : `Merge "${nameOf(from)}" into "${nameOf(into)}": ${plural(plan.segments, 'segment')} in ${plural(plan.documents, 'document')} will be coded "${nameOf(into)}" instead, and "${nameOf(from)}" will be removed from the codebook.`;
  return { ...plan, from, into, message };
}

type Transform = (a: Annotation) => Annotation | undefined;

/** Applies `transform` to every annotation with `code`, in every sidecar, all or nothing. */
async function applyEverywhere(store: FileStore, code: string, what: string, transform: Transform): Promise<WorkspaceEditResult> {
  const s = await scan(store, code);
  if (s.blocked.length > 0) throw refusal(what, code, s.blocked);
  const changes: FileChange[] = [];
  let segments = 0;
  for (const c of s.candidates) {
    const annotations: Annotation[] = [];
    for (const a of c.sidecar.annotations) {
      if (!a.codes.includes(code)) {
        annotations.push(a);
        continue;
      }
      segments++;
      const next = transform(a);
      if (next) annotations.push(next);
    }
    const after = serializeSidecar({ ...c.sidecar, annotations }, documentPathFor(c.path)!);
    if (after !== c.text) changes.push({ path: c.path, before: c.text, after });
  }
  // Nothing is written if a file changed since it was read.
  const moved: string[] = [];
  for (const ch of changes) if ((await store.readText(ch.path)) !== ch.before) moved.push(ch.path);
  if (moved.length > 0) throw new CodebookEditError(`${what} was not done and nothing was changed: ${moved.join(', ')} changed meanwhile. Try again.`, moved);
  const written: FileChange[] = [];
  try {
    // Each file is looked at once more and written under its lock, so that a writer in between
    // (the qda tool, the editor) is never written over.
    for (const ch of changes) {
      await withLock(store, ch.path, async () => {
        if ((await store.readText(ch.path)) !== ch.before) throw new Error(`${ch.path} changed meanwhile`);
        await store.writeAtomic(ch.path, ch.after);
      });
      written.push(ch);
    }
  } catch (e) {
    const failed: string[] = [];
    for (const w of written.reverse()) {
      try {
        await withLock(store, w.path, () => store.writeAtomic(w.path, w.before));
      } catch {
        failed.push(w.path);
      }
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw new CodebookEditError(
      failed.length === 0
        ? `${what} failed (${reason}); the files already written were restored, nothing was changed.`
        : `${what} failed (${reason}) and ${failed.join(', ')} could not be restored: check ${failed.length === 1 ? 'it' : 'them'} (git diff).`,
      failed,
    );
  }
  return { changedFiles: changes.map((c) => c.path).sort(), segments, changes, skipped: s.skipped };
}

/** Every annotation coded `from` is coded `to` instead (in the same place; never twice). */
export async function recodeEverywhere(store: FileStore, from: string, to: string, options: EditOptions = {}): Promise<WorkspaceEditResult> {
  if (from === to) throw new CodebookEditError('A code cannot be recoded as itself.');
  return applyEverywhere(store, from, `Recoding "${from}" as "${to}"`, (a) => recoded(a, from, to, options.now));
}

/**
 * Merges `from` into `into`: every annotation with `from` gets `into` instead, and the codebook
 * loses `from` (see mergeInCodebook). The codebook is returned, not saved.
 */
export async function mergeCodes(store: FileStore, codebook: Codebook, from: string, into: string, options: EditOptions = {}): Promise<MergeResult> {
  const merged = mergeInCodebook(codebook, from, into);
  const result = await recodeEverywhere(store, from, into, options);
  return { ...result, codebook: merged };
}

/**
 * Removes a code from every annotation. An annotation left with no code is deleted, unless it has
 * a memo: then it is kept as a memo. The codebook is not changed (see deleteCode).
 */
export async function removeCodeEverywhere(store: FileStore, code: string, options: EditOptions = {}): Promise<RemoveResult> {
  let removedAnnotations = 0;
  let keptAsMemos = 0;
  const now = options.now;
  const result = await applyEverywhere(store, code, `Removing "${code}" from every segment`, (a) => {
    const rest = withoutCodes(a, [code], now);
    if (!rest) removedAnnotations++;
    else if (rest.codes.length === 0) keptAsMemos++;
    return rest;
  });
  return { ...result, removedAnnotations, keptAsMemos };
}

export interface UndoResult {
  /** Files restored (all of them, or none). */
  restored: string[];
  /** Files changed since the operation wrote them: when any, nothing was restored. */
  changedSince: string[];
  message: string;
}

/** Restores the files an operation changed, only if each still has the text the operation wrote. */
export async function undoFileChanges(store: FileStore, changes: readonly FileChange[]): Promise<UndoResult> {
  const changedSince: string[] = [];
  for (const ch of changes) if ((await store.readText(ch.path)) !== ch.after) changedSince.push(ch.path);
  if (changedSince.length > 0) {
    return {
      restored: [],
      changedSince,
      message: `Nothing was undone: ${changedSince.join(', ')} changed since (edited, pulled or recoded). Undo those changes first, or fix the coding by hand.`,
    };
  }
  const restored: string[] = [];
  for (const ch of changes) {
    await store.writeAtomic(ch.path, ch.before);
    restored.push(ch.path);
  }
  return { restored, changedSince: [], message: `Restored ${plural(restored.length, 'file')}.` };
}
