/**
 * Sidecar format v1: the coding of one document as a W3C Web Annotation AnnotationPage.
 *
 * Written deterministically so teams can diff and merge it in git: fixed key order, items sorted
 * by start, end and id (orphans, which have no position, last), two-space indent, final newline.
 * Loading and saving unchanged data gives identical bytes; changing one annotation changes only
 * its own lines.
 *
 * Content this version does not understand (written by another tool or a later version) is kept:
 * read into `Annotation.kept` / `Sidecar.kept`, never changed in place, and written back so the
 * file means what it meant after load, edit and save. Ours is written first, in our fixed order;
 * what was kept follows in the order read (JSON.stringify puts property names that are array
 * indices, such as "0", first, as it does everywhere):
 * - properties of the page and of an annotation other than ours (generator, rights, label, partOf…);
 * - body items other than the codes and the memo: further memos (the first TextualBody commenting
 *   is the memo the editor shows and edits), other purposes, codes that cannot be read (reported);
 * - selectors other than the first TextPositionSelector and TextQuoteSelector, after ours; other
 *   properties of the target, after source and selector;
 * - a code body, the memo, a selector of ours or the creator in another form than ours (other
 *   properties, another format, a creator that is Software or a plain IRI, another %-encoding of a
 *   code id): written back as read, with only our values in it changed (the memo's value, the
 *   positions, the quote). A creator is written as read while its name is unchanged;
 * - the motivation as read (`highlighting`, or none): written back while the annotation keeps
 *   having codes (or keeps having none); once that changes, the motivation becomes ours
 *   ("classifying" with codes, "commenting" without), as the old one no longer describes it;
 * - the absence of creator, created, modified (while unchanged) and of a page id;
 * - a passage given by a TextPositionSelector only: anchored at that position, its quote filled in
 *   from the text on save; while the text is not at hand it is written with its position only.
 * Not kept, by design: the order of items (sorted, as above) and of body items (codes, the memo,
 * then the rest; a kept memo moves up when the model's memo is removed), the document named by
 * the target (the sidecar's place names it), and an annotation's missing "@context" (added).
 * What cannot be kept faithfully makes the file read-only with a message and a line, never a
 * silent rewrite: a property written twice in one object (JSON.parse keeps only one), a number
 * that would not be written back as it was (beyond double range, or an integer whose digits would change), bytes
 * that are not UTF-8 (`decodeSidecar`). Numbers are otherwise kept as their value (1.0 is
 * written 1), strings as their text (an escape such as \u00e9 is written é).
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import sidecarSchema from '../../../schemas/sidecar.schema.json';
import { newAnnotationId, timestamp } from '../annotations';
import { findNodeAtLocation, parseTree, visit, type JSONPath } from 'jsonc-parser';
import type { Annotation, AnnotationTarget, KeptContent, KeptProperties } from '../model/annotation';
import type { Problem } from '../problems';
import { lineColumn, parseJsonFile, schemaProblems } from '../json';
import { baseName, CODE_IRI_PREFIX, codeIdFromIri, codeIri, documentIri } from './iri';

export const SIDECAR_VERSION = 1;
export const W3C_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

export interface Sidecar {
  version: number;
  /** "urn:uuid:…", kept from the first save. */
  id: string;
  /** Hash of the normalised document text when the sidecar was last saved. */
  textHash?: string;
  annotations: Annotation[];
  /** Properties of the page other than ours, kept to be written back (see above). */
  kept?: KeptProperties;
}

/** Document order: by start, end, id; orphans (no position) last, by id. */
export function compareAnnotations(a: Annotation, b: Annotation): number {
  const ao = a.start === undefined;
  const bo = b.start === undefined;
  if (ao !== bo) return ao ? 1 : -1;
  if (!ao) {
    const d = a.start! - b.start! || a.end! - b.end!;
    if (d !== 0) return d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Whether an annotation is about the whole document rather than a passage: it has neither a
 * position nor a quote. Its memo is a document memo. It is written with a target naming the
 * document only (`{ "id": "file:b.md", "type": "Text", "format": "text/markdown" }`, a W3C
 * External Web Resource), without selectors; an orphan always keeps its quote, so the two never mix.
 */
export function isWholeDocument(ann: Annotation): boolean {
  return ann.target === 'document';
}

/** A memo on the whole document (a whole-document annotation with no codes). */
export function createDocumentMemo(spec: { memo: string; creator: string; id?: string; now?: Date }): Annotation {
  const at = timestamp(spec.now);
  return { id: spec.id ?? newAnnotationId(), creator: spec.creator, created: at, modified: at, codes: [], memo: spec.memo, target: 'document', exact: '', prefix: '', suffix: '' };
}

/** Sets a property as JSON.parse does (an own property, also for "__proto__"). */
function define(o: Json, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function putAll(o: Json, props: KeptProperties | undefined): Json {
  if (props) for (const [k, v] of props) define(o, k, v);
  return o;
}

/** An object as read, with some of its values replaced (those it lacks are added at the end). */
function withValues(original: unknown, values: Json): Json {
  const o = original as Json;
  const out: Json = {};
  for (const k of Object.keys(o)) define(out, k, Object.hasOwn(values, k) ? values[k] : o[k]);
  for (const k of Object.keys(values)) if (!Object.hasOwn(o, k)) define(out, k, values[k]);
  return out;
}

/** A copy of a list with its first item that passes `test` moved to the front. */
function promote(list: readonly unknown[], test: (v: unknown) => boolean): unknown[] {
  const i = list.findIndex(test);
  return i <= 0 ? [...list] : [list[i], ...list.slice(0, i), ...list.slice(i + 1)];
}

/** A body reading takes for the memo (the first one). */
function isMemoBody(b: unknown): b is Json {
  return isObject(b) && b.type === 'TextualBody' && typeof b.value === 'string' && b.value !== '' && (b.purpose === undefined || b.purpose === 'commenting');
}
const isPositionSelector = (s: unknown): s is Json => isObject(s) && s.type === 'TextPositionSelector';

/** The name of a creator as read: a plain string is taken for the name. */
function creatorName(c: unknown): string {
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && !Array.isArray(c)) return typeof (c as Json).name === 'string' ? ((c as Json).name as string) : '';
  return '';
}

/** The motivation this version writes: "classifying" with codes, "commenting" without. */
export const ourMotivation = (ann: Annotation): string => (ann.codes.length > 0 ? 'classifying' : 'commenting');

/** The W3C JSON-LD object of one annotation, keys in a fixed order, then what was kept (see above). */
export function annotationToW3C(ann: Annotation, documentName: string): Record<string, unknown> {
  const k: KeptContent | undefined = ann.kept;
  const body: unknown[] = ann.codes.map((c) => {
    const kept = k?.codeBodies?.find((e) => e[0] === c);
    return kept ? kept[1] : { type: 'SpecificResource', purpose: 'classifying', source: codeIri(c) };
  });
  if (ann.memo !== undefined && ann.memo !== '') {
    body.push(k?.memoBody !== undefined ? withValues(k.memoBody, { value: ann.memo }) : { type: 'TextualBody', purpose: 'commenting', value: ann.memo, format: 'text/markdown' });
  }
  // A kept memo that reading would take for the memo (the model has none now) goes first, so that
  // the file reads back to what it says and writes the same bytes again; likewise a position selector.
  if (k?.bodies) body.push(...(ann.memo ? k.bodies : promote(k.bodies, isMemoBody)));
  const selector: unknown[] = [];
  const positioned = ann.start !== undefined && ann.end !== undefined;
  if (positioned) {
    selector.push(k?.position !== undefined ? withValues(k.position, { start: ann.start, end: ann.end }) : { type: 'TextPositionSelector', start: ann.start, end: ann.end });
  }
  const quote = { exact: ann.exact, prefix: ann.prefix, suffix: ann.suffix };
  const keptSelectors: unknown[] | undefined = k?.selectors && (positioned ? [...k.selectors] : promote(k.selectors, isPositionSelector));
  if (keptSelectors && !positioned && isPositionSelector(keptSelectors[0])) selector.push(keptSelectors.shift());
  // A passage known by its position only that lost its place keeps the position it had: nothing else locates it.
  else if (!positioned && k?.passage && k.position !== undefined && ann.exact === '') selector.push(k.position);
  // A passage read without a quote (a position only) gets none while its quote is unknown (saving fills it in from the text).
  const noQuote = k?.passage && k.quote === undefined && ann.exact === '' && ann.prefix === '' && ann.suffix === '' && (selector.length > 0 || (keptSelectors?.length ?? 0) > 0);
  if (!noQuote) selector.push(k?.quote !== undefined ? withValues(k.quote, quote) : { type: 'TextQuoteSelector', ...quote });
  if (keptSelectors) selector.push(...keptSelectors);
  const out: Record<string, unknown> = { '@context': W3C_CONTEXT, id: ann.id, type: 'Annotation' };
  const motivation = k?.motivation;
  if (motivation && motivation.coded === ann.codes.length > 0) {
    if (motivation.value !== undefined) out.motivation = motivation.value;
  } else out.motivation = ourMotivation(ann);
  if (k?.creator && creatorName(k.creator.value) === ann.creator) {
    if (k.creator.value !== undefined) out.creator = k.creator.value;
  } else out.creator = { type: 'Person', name: ann.creator };
  if (!(k?.noCreated && ann.created === '')) out.created = ann.created;
  if (!(k?.noModified && ann.modified === ann.created)) out.modified = ann.modified;
  if (body.length > 0) out.body = body;
  const source = documentIri(documentName);
  if (!isWholeDocument(ann)) out.target = putAll({ source, selector }, k?.target);
  else if (k?.targetIri) out.target = source;
  else out.target = k?.target ? putAll({ id: source }, k.target) : { id: source, type: 'Text', format: 'text/markdown' };
  return putAll(out, k?.properties);
}

/** The page object without its items (`items: placeholder`), keys in their written order. */
export function pageToW3C(sidecar: Sidecar, items: unknown): Record<string, unknown> {
  const page: Record<string, unknown> = { '@context': W3C_CONTEXT };
  if (sidecar.id !== '') page.id = sidecar.id;
  page.type = 'AnnotationPage';
  page.version = sidecar.version;
  if (sidecar.textHash) page.textHash = sidecar.textHash;
  page.items = items;
  return putAll(page, sidecar.kept);
}

/**
 * Serialises a sidecar for the document at `documentPath` (workspace-relative): the page as
 * `JSON.stringify(page, null, 2)` writes it, with a final newline. This is the definition of the
 * file's bytes; `encodeSidecar` (encode.ts) writes the same bytes faster and is what saving uses.
 */
export function serializeSidecar(sidecar: Sidecar, documentPath: string): string {
  const name = baseName(documentPath);
  const page = pageToW3C(sidecar, [...sidecar.annotations].sort(compareAnnotations).map((a) => annotationToW3C(a, name)));
  return JSON.stringify(page, null, 2) + '\n';
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validateSidecarJson(value: unknown): ReturnType<Ajv['compile']> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(sidecarSchema);
  }
  validator(value);
  return validator;
}

export interface SidecarLoad {
  /** The sidecar, when it could be read (also when read-only). */
  sidecar?: Sidecar;
  problems: Problem[];
  /**
   * True when the file must not be written: it could not be read, failed its schema, or was made
   * by a newer version of the extension.
   */
  readOnly: boolean;
}

function describeSidecarPointer(pointer: string): string {
  const m = /^\/items\/(\d+)(.*)$/.exec(pointer);
  if (m) return `Annotation ${Number(m[1]) + 1}${m[2] ? ` (${m[2].slice(1).replace(/\//g, '.')})` : ''}`;
  return pointer === '' ? 'The file' : `"${pointer.slice(1).replace(/\//g, '.')}"`;
}

type Json = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** A copy of what reading a sidecar gave, free to change without touching the original. */
export function copySidecarLoad(load: SidecarLoad): SidecarLoad {
  const s = load.sidecar;
  return {
    sidecar: s && { ...s, annotations: s.annotations.map((a) => ({ ...a, codes: [...a.codes] })) },
    problems: load.problems.map((p) => ({ ...p })),
    readOnly: load.readOnly,
  };
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a sidecar file's bytes strictly as UTF-8 (a BOM is dropped, as TextDecoder does). Bytes
 * that are not UTF-8 are not replaced by U+FFFD, which saving would then write: the file is
 * reported, with the line of the first bad byte, to be shown read-only.
 */
export function decodeSidecar(bytes: Uint8Array, file: string): { text: string; problem?: undefined } | { text?: undefined; problem: Problem } {
  try {
    return { text: utf8Strict.decode(bytes) };
  } catch {
    // Where the first bad byte is: the longest prefix that decodes (streaming, so a character cut at the end is no error).
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      let ok = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      } catch {
        ok = false;
      }
      if (ok) lo = mid;
      else hi = mid - 1;
    }
    let line = 1;
    for (let i = 0; i < lo; i++) if (bytes[i] === 0x0a) line++;
    return {
      problem: {
        file,
        line,
        severity: 'error',
        message: 'This annotations file holds bytes that are not UTF-8 text (saved in another encoding, or damaged). It is shown read-only so that nothing in it is replaced; save it as UTF-8 to code it again.',
      },
    };
  }
}

/** Reads a sidecar file's bytes: `decodeSidecar`, then `parseSidecar`. */
export function parseSidecarBytes(bytes: Uint8Array, file: string): SidecarLoad {
  const d = decodeSidecar(bytes, file);
  return d.problem ? { problems: [d.problem], readOnly: true } : parseSidecar(d.text, file);
}

const PAGE_KEYS = new Set(['@context', 'id', 'type', 'version', 'textHash', 'items']);

/** Reads a sidecar file's text. Never throws: problems are returned with file and line. */
export function parseSidecar(text: string, file: string): SidecarLoad {
  const parsed = parseJsonFile(text, file);
  if (!parsed.ok) return { problems: [parsed.problem], readOnly: true };
  const value = parsed.value as Json;
  const problems: Problem[] = [];
  /** Problems whose line is looked up at the end, in one pass over the text. */
  const located: { path: JSONPath; problem: Problem }[] = [];
  const at = (path: JSONPath, problem: Problem): void => {
    problems.push(problem);
    located.push({ path, problem });
  };
  let readOnly = false;
  const version = typeof value?.version === 'number' ? value.version : undefined;
  if (version !== undefined && version > SIDECAR_VERSION) {
    readOnly = true;
    at(['version'], {
      file,
      severity: 'warning',
      message: `This annotations file was written by a newer version of Orchestration QDA (format ${version}; this version knows ${SIDECAR_VERSION}). It is shown read-only: update the extension to change its coding.`,
    });
  }
  const v = validateSidecarJson(value);
  if (v.errors && v.errors.length > 0) {
    locate(text, located);
    return { problems: [...problems, ...schemaProblems(v.errors, text, file, describeSidecarPointer)], readOnly: true };
  }
  const unfaithful = unfaithfulProblems(text, value, file);
  if (unfaithful.length > 0) {
    problems.push(...unfaithful);
    readOnly = true;
  }
  const annotations: Annotation[] = [];
  const ids = new Set<string>();
  const notes: ReadNotes = { undecodable: [], extraMemos: [] };
  (value.items as Json[]).forEach((item, i) => {
    const ann = readAnnotation(item, notes);
    const where = `Annotation ${i + 1}`;
    if (ids.has(ann.id)) {
      at(['items', i, 'id'], { file, severity: 'error', message: `${where} repeats the id ${ann.id} of an earlier one.` });
      readOnly = true;
    }
    ids.add(ann.id);
    if (ann.start !== undefined && ann.end !== undefined && ann.end < ann.start) {
      const k = ((item.target as Json).selector as Json[]).findIndex((s) => s?.type === 'TextPositionSelector');
      at(['items', i, 'target', 'selector', k, 'start'], { file, severity: 'error', message: `${where} ends (${ann.end}) before it starts (${ann.start}).` });
      readOnly = true;
    }
    for (const j of notes.undecodable) {
      const iri = String(((item.body as Json[])[j] as Json).source);
      at(['items', i, 'body', j, 'source'], { file, severity: 'warning', message: `${where} is coded with "${iri}", which does not name a code (a broken %-escape?). It is kept in the file as it is but not shown; fix the code's name in the file to see it.` });
    }
    for (const j of notes.extraMemos) {
      at(['items', i, 'body', j], { file, severity: 'warning', message: `${where} has more than one memo. The first is shown and edited; this one is kept in the file as it is.` });
    }
    notes.undecodable.length = 0;
    notes.extraMemos.length = 0;
    annotations.push(ann);
  });
  locate(text, located);
  let kept: [string, unknown][] | undefined;
  for (const key of Object.keys(value)) if (!PAGE_KEYS.has(key)) (kept ??= []).push([key, value[key]]);
  const sidecar: Sidecar = { version: version ?? SIDECAR_VERSION, id: typeof value.id === 'string' ? value.id : '', textHash: value.textHash as string | undefined, annotations };
  if (kept) sidecar.kept = kept;
  return { sidecar, problems, readOnly };
}

/** Gives problems the line and column of their place in the file (one parse of the text, only when there are some). */
function locate(text: string, located: { path: JSONPath; problem: Problem }[]): void {
  if (located.length === 0) return;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const root = parseTree(body);
  if (!root) return;
  for (const { path, problem } of located) {
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(root, path.slice(0, n));
      if (node) {
        Object.assign(problem, lineColumn(body, node.offset));
        break;
      }
    }
  }
}

/** Counts, over a parsed value, the properties and the colons in strings; notes numbers that may not be written back as read. */
let tallyColons = 0;
let tallySuspect = false;
function tally(v: unknown): void {
  if (typeof v === 'string') {
    for (let i = v.indexOf(':'); i !== -1; i = v.indexOf(':', i + 1)) tallyColons++;
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) tallySuspect = true;
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) tally(v[i]);
  } else if (v !== null && typeof v === 'object') {
    for (const k in v) {
      tallyColons++; // the property's own colon
      for (let i = k.indexOf(':'); i !== -1; i = k.indexOf(':', i + 1)) tallyColons++;
      tally((v as Json)[k]);
    }
  }
}

const MAX_REPORTED = 20;

/**
 * What JSON.parse reads differently from what the file says, so that saving would change it: a
 * property written twice in one object (only the last is read), and numbers that are not written
 * back as they were. A cheap check first: outside strings a colon follows every property name, so
 * the file's colons are the properties read plus the colons inside strings, unless a property is
 * repeated (or a colon is written as the escape \u003a, which takes the exact check). The exact
 * check, with the lines, walks the text with jsonc-parser.
 */
function unfaithfulProblems(text: string, value: unknown, file: string): Problem[] {
  tallyColons = 0;
  tallySuspect = false;
  tally(value);
  let colons = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) colons++;
  if (colons === tallyColons && !tallySuspect && text.indexOf('\\u003') === -1) return [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: Problem[] = [];
  const objects: Map<string, number>[] = [];
  visit(body, {
    onObjectBegin: () => void objects.push(new Map()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (name, _offset, _length, line) => {
      const seen = objects[objects.length - 1];
      const first = seen.get(name);
      if (first !== undefined && out.length < MAX_REPORTED) {
        out.push({
          file,
          line: line + 1,
          severity: 'error',
          message: `"${name}" is written twice in the same place (lines ${first + 1} and ${line + 1}). Only the second would be read, and saving would lose the first, so the file is shown read-only: remove one of the two or merge them.`,
        });
      } else if (first === undefined) seen.set(name, line);
    },
    onLiteralValue: (_value, offset, length, line) => {
      const raw = body.substr(offset, length);
      if (out.length >= MAX_REPORTED || !/^-?\d/.test(raw)) return;
      // Written back as JSON.stringify writes the value read: an integer must come back with its digits.
      const n = Number(raw);
      if (Number.isFinite(n) && !(/^-?\d+$/.test(raw) && String(n) !== raw && raw !== '-0')) return;
      out.push({
        file,
        line: line + 1,
        severity: 'error',
        message: `The number ${raw.length > 40 ? raw.slice(0, 40) + '…' : raw} is too large or too precise to be written back exactly as it is. The file is shown read-only so that it is never changed.`,
      });
    },
  });
  return out;
}

interface ReadNotes {
  /** Body indexes of codes whose IRI cannot be read. */
  undecodable: number[];
  /** Body indexes of memos after the first. */
  extraMemos: number[];
}

const ITEM_KEYS = new Set(['@context', 'id', 'type', 'motivation', 'creator', 'created', 'modified', 'body', 'target']);
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Whether an object has exactly `n` own properties (its known ones having been checked). */
function hasKeys(o: Json, n: number): boolean {
  let c = 0;
  for (const key in o) if (key !== undefined && ++c > n) return false;
  return c === n;
}

/** Reads one W3C annotation (already schema-checked) into the model, keeping what it does not use. */
export function annotationFromW3C(item: Json): Annotation {
  return readAnnotation(item, undefined);
}

function readAnnotation(item: Json, notes: ReadNotes | undefined): Annotation {
  let kept: Mutable<KeptContent> | undefined;
  const keep = (): Mutable<KeptContent> => (kept ??= {});
  let properties: [string, unknown][] | undefined;
  for (const key in item) if (!ITEM_KEYS.has(key)) (properties ??= []).push([key, item[key]]);
  if (properties) keep().properties = properties;

  const codes: string[] = [];
  let memo: string | undefined;
  const body = asArray(item.body);
  for (let j = 0; j < body.length; j++) {
    const b = body[j];
    if (isObject(b) && b.type === 'SpecificResource' && b.purpose === 'classifying' && typeof b.source === 'string') {
      const id = codeIdFromIri(b.source);
      if (id !== undefined && id !== '') {
        codes.push(id);
        if (!(hasKeys(b, 3) && b.source === codeIri(id))) {
          const k = keep();
          k.codeBodies = [...(k.codeBodies ?? []), [id, b]];
        }
        continue;
      }
      if (b.source.startsWith(CODE_IRI_PREFIX)) notes?.undecodable.push(j);
    } else if (isMemoBody(b)) {
      if (memo === undefined) {
        memo = b.value as string;
        if (!(b.purpose === 'commenting' && b.format === 'text/markdown' && hasKeys(b, 4))) keep().memoBody = b;
        continue;
      }
      notes?.extraMemos.push(j);
    }
    const k = keep();
    k.bodies = [...(k.bodies ?? []), b];
  }

  let start: number | undefined;
  let end: number | undefined;
  let exact = '';
  let prefix = '';
  let suffix = '';
  const target = item.target;
  if (typeof target === 'string') keep().targetIri = true;
  else {
    const t = target as Json;
    const selectors = t.selector as unknown[] | undefined;
    let other: [string, unknown][] | undefined;
    if (selectors !== undefined) {
      // A passage: the first position and quote selectors are ours.
      for (const key in t) if (key !== 'source' && key !== 'selector') (other ??= []).push([key, t[key]]);
      let position = false;
      let quote = false;
      for (const s of selectors) {
        if (!position && isPositionSelector(s)) {
          position = true;
          start = s.start as number;
          end = s.end as number;
          if (!hasKeys(s, 3)) keep().position = s;
          continue;
        }
        if (!quote && isObject(s) && s.type === 'TextQuoteSelector') {
          quote = true;
          exact = String(s.exact ?? '');
          prefix = String(s.prefix ?? '');
          suffix = String(s.suffix ?? '');
          let n = 2;
          if (s.prefix !== undefined) n++;
          if (s.suffix !== undefined) n++;
          if (!hasKeys(s, n)) keep().quote = s;
          continue;
        }
        const k = keep();
        k.selectors = [...(k.selectors ?? []), s];
      }
      if (exact === '' && prefix === '' && suffix === '') {
        const k = keep();
        k.passage = true;
        // Its position is all that locates it: kept as read, should anchoring find no place for it.
        const s = selectors.find(isPositionSelector);
        if (s !== undefined) k.position = s;
      }
    } else if (!(t.type === 'Text' && t.format === 'text/markdown' && hasKeys(t, 3))) {
      // The whole document, in another form than ours: its properties replace our type and format.
      other = [];
      for (const key in t) if (key !== 'id') other.push([key, t[key]]);
    }
    if (other) keep().target = other;
  }

  if (item.motivation !== (codes.length > 0 ? 'classifying' : 'commenting')) keep().motivation = { value: item.motivation, coded: codes.length > 0 };
  const c = item.creator;
  if (!(isObject(c) && c.type === 'Person' && typeof c.name === 'string' && hasKeys(c, 2))) keep().creator = { value: c };
  if (item.created === undefined) keep().noCreated = true;
  if (item.modified === undefined) keep().noModified = true;
  const created = item.created === undefined ? '' : String(item.created);

  // What it points at: a place; else a passage whose place is lost (it has a quote, or was
  // written as a passage); else the whole document.
  const pointsAt: AnnotationTarget =
    start !== undefined && end !== undefined ? { target: 'passage', start, end } : exact !== '' || prefix !== '' || suffix !== '' || kept?.passage ? { target: 'lost' } : { target: 'document' };
  const ann: Annotation = {
    id: String(item.id),
    creator: creatorName(c),
    created,
    modified: item.modified === undefined ? created : String(item.modified),
    codes,
    ...pointsAt,
    exact,
    prefix,
    suffix,
  };
  if (memo !== undefined) ann.memo = memo;
  if (kept) ann.kept = kept;
  return ann;
}
