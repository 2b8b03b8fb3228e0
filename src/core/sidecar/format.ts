/**
 * Sidecar format v1: the coding of one document as a W3C Web Annotation AnnotationPage.
 *
 * Written deterministically so teams can diff and merge it in git: fixed key order, items sorted
 * by start, end and id (orphans, which have no position, last), two-space indent, final newline.
 * Loading and saving unchanged data gives identical bytes; changing one annotation changes only
 * its own lines.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import sidecarSchema from '../../../schemas/sidecar.schema.json';
import { newAnnotationId, timestamp } from '../annotations';
import type { Annotation } from '../model/annotation';
import type { Problem } from '../problems';
import { parseJsonFile, schemaProblems } from '../json';
import { baseName, codeIdFromIri, codeIri, documentIri } from './iri';

export const SIDECAR_VERSION = 1;
export const W3C_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';

export interface Sidecar {
  version: number;
  /** "urn:uuid:…", kept from the first save. */
  id: string;
  /** Hash of the normalised document text when the sidecar was last saved. */
  textHash?: string;
  annotations: Annotation[];
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
  return ann.start === undefined && ann.end === undefined && ann.exact === '' && ann.prefix === '' && ann.suffix === '';
}

/** A memo on the whole document (a whole-document annotation with no codes). */
export function createDocumentMemo(spec: { memo: string; creator: string; id?: string; now?: Date }): Annotation {
  const at = timestamp(spec.now);
  return { id: spec.id ?? newAnnotationId(), creator: spec.creator, created: at, modified: at, codes: [], memo: spec.memo, exact: '', prefix: '', suffix: '' };
}

/** The W3C JSON-LD object of one annotation, keys in a fixed order. */
export function annotationToW3C(ann: Annotation, documentName: string): Record<string, unknown> {
  const body: Record<string, unknown>[] = ann.codes.map((c) => ({ type: 'SpecificResource', purpose: 'classifying', source: codeIri(c) }));
  if (ann.memo !== undefined && ann.memo !== '') {
    body.push({ type: 'TextualBody', purpose: 'commenting', value: ann.memo, format: 'text/markdown' });
  }
  const selector: Record<string, unknown>[] = [];
  if (ann.start !== undefined && ann.end !== undefined) selector.push({ type: 'TextPositionSelector', start: ann.start, end: ann.end });
  selector.push({ type: 'TextQuoteSelector', exact: ann.exact, prefix: ann.prefix, suffix: ann.suffix });
  const out: Record<string, unknown> = {
    '@context': W3C_CONTEXT,
    id: ann.id,
    type: 'Annotation',
    motivation: ann.codes.length > 0 ? 'classifying' : 'commenting',
    creator: { type: 'Person', name: ann.creator },
    created: ann.created,
    modified: ann.modified,
  };
  if (body.length > 0) out.body = body;
  out.target = isWholeDocument(ann)
    ? { id: documentIri(documentName), type: 'Text', format: 'text/markdown' }
    : { source: documentIri(documentName), selector };
  return out;
}

/**
 * Serialises a sidecar for the document at `documentPath` (workspace-relative): the page as
 * `JSON.stringify(page, null, 2)` writes it, with a final newline. This is the definition of the
 * file's bytes; `encodeSidecar` (encode.ts) writes the same bytes faster and is what saving uses.
 */
export function serializeSidecar(sidecar: Sidecar, documentPath: string): string {
  const name = baseName(documentPath);
  const page: Record<string, unknown> = {
    '@context': W3C_CONTEXT,
    id: sidecar.id,
    type: 'AnnotationPage',
    version: sidecar.version,
  };
  if (sidecar.textHash) page.textHash = sidecar.textHash;
  page.items = [...sidecar.annotations].sort(compareAnnotations).map((a) => annotationToW3C(a, name));
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

/** Reads a sidecar file's text. Never throws: problems are returned with file and line. */
export function parseSidecar(text: string, file: string): SidecarLoad {
  const parsed = parseJsonFile(text, file);
  if (!parsed.ok) return { problems: [parsed.problem], readOnly: true };
  const value = parsed.value as Json;
  const problems: Problem[] = [];
  let readOnly = false;
  const version = typeof value?.version === 'number' ? value.version : undefined;
  if (version !== undefined && version > SIDECAR_VERSION) {
    readOnly = true;
    problems.push({
      file,
      severity: 'warning',
      message: `This annotations file was written by a newer version of Orchestration QDA (format ${version}; this version knows ${SIDECAR_VERSION}). It is shown read-only: update the extension to change its coding.`,
    });
  }
  const v = validateSidecarJson(value);
  if (v.errors && v.errors.length > 0) {
    return { problems: [...problems, ...schemaProblems(v.errors, text, file, describeSidecarPointer)], readOnly: true };
  }
  const annotations: Annotation[] = [];
  const ids = new Set<string>();
  (value.items as Json[]).forEach((item, i) => {
    const ann = annotationFromW3C(item);
    const where = `Annotation ${i + 1}`;
    if (ids.has(ann.id)) {
      problems.push({ file, severity: 'error', message: `${where} repeats the id ${ann.id} of an earlier one.` });
      readOnly = true;
    }
    ids.add(ann.id);
    if (ann.start !== undefined && ann.end !== undefined && ann.end < ann.start) {
      problems.push({ file, severity: 'error', message: `${where} ends (${ann.end}) before it starts (${ann.start}).` });
      readOnly = true;
    }
    annotations.push(ann);
  });
  return {
    sidecar: { version: version ?? SIDECAR_VERSION, id: String(value.id ?? ''), textHash: value.textHash as string | undefined, annotations },
    problems,
    readOnly,
  };
}

/** Reads one W3C annotation (already schema-checked) into the model. */
export function annotationFromW3C(item: Json): Annotation {
  const codes: string[] = [];
  let memo: string | undefined;
  for (const b of asArray(item.body) as Json[]) {
    if (b.type === 'SpecificResource') {
      const id = codeIdFromIri(String(b.source));
      if (id !== undefined) codes.push(id);
    } else if (b.type === 'TextualBody') {
      memo = String(b.value);
    }
  }
  // A whole-document target: an IRI, or an object without selectors.
  const target = (typeof item.target === 'string' ? {} : item.target) as Json;
  let start: number | undefined;
  let end: number | undefined;
  let exact = '';
  let prefix = '';
  let suffix = '';
  for (const s of asArray(target.selector) as Json[]) {
    if (s.type === 'TextPositionSelector') {
      start = s.start as number;
      end = s.end as number;
    } else if (s.type === 'TextQuoteSelector') {
      exact = String(s.exact ?? '');
      prefix = String(s.prefix ?? '');
      suffix = String(s.suffix ?? '');
    }
  }
  const creator = item.creator;
  const ann: Annotation = {
    id: String(item.id),
    creator: typeof creator === 'string' ? creator : creator && typeof creator === 'object' ? String((creator as Json).name ?? '') : '',
    created: String(item.created ?? ''),
    modified: String(item.modified ?? item.created ?? ''),
    codes,
    start,
    end,
    exact,
    prefix,
    suffix,
  };
  if (memo !== undefined) ann.memo = memo;
  return ann;
}
