/** Reading, checking and looking up a codebook (codebook.json). */
import Ajv from 'ajv';
import codebookSchema from '../../../schemas/codebook.schema.json';
import { CODEBOOK_VERSION, type Code, type Codebook, type Stage } from '../model/codebook';
import type { Problem } from '../problems';
import { capProblems, locatePointer, MAX_LISTED_PROBLEMS, parseJsonFile, schemaProblems } from '../json';

export const DEFAULT_CODEBOOK_PATH = 'codebook.json';

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(value: unknown): ReturnType<Ajv['compile']> {
  if (!validator) validator = new Ajv({ allErrors: true, strict: false }).compile(codebookSchema);
  validator(value);
  return validator;
}

export interface CodebookLoad {
  codebook?: Codebook;
  problems: Problem[];
  /** True when the file must not be written (unreadable, invalid, or from a newer version). */
  readOnly: boolean;
}

function describePointer(value: unknown, pointer: string): string {
  const m = /^\/(codes|stages)\/(\d+)(.*)$/.exec(pointer);
  if (!m) return pointer === '' ? 'The codebook' : `"${pointer.slice(1).replace(/\//g, '.')}"`;
  const list = (value as Record<string, { id?: unknown; name?: unknown }[]>)[m[1]];
  const entry = Array.isArray(list) ? list[Number(m[2])] : undefined;
  const label = entry && typeof entry.name === 'string' ? ` "${entry.name}"` : entry && typeof entry.id === 'string' ? ` "${entry.id}"` : '';
  const kind = m[1] === 'codes' ? 'Code' : 'Stage';
  return `${kind} ${Number(m[2]) + 1}${label}${m[3] ? ` (${m[3].slice(1).replace(/\//g, '.')})` : ''}`;
}

/** Reads a codebook file's text. Never throws. */
export function parseCodebook(text: string, file: string): CodebookLoad {
  const parsed = parseJsonFile(text, file);
  if (!parsed.ok) return { problems: [parsed.problem], readOnly: true };
  const value = parsed.value;
  const version = (value as { version?: unknown })?.version;
  if (typeof version === 'number' && version > CODEBOOK_VERSION) {
    return {
      problems: [{ file, severity: 'error', message: `This codebook was written by a newer version of Orchestration QDA (format ${version}; this version knows ${CODEBOOK_VERSION}). Update the extension to use it.` }],
      readOnly: true,
    };
  }
  const v = validate(value);
  if (v.errors && v.errors.length > 0) {
    return { problems: schemaProblems(v.errors, text, file, (p) => describePointer(value, p)), readOnly: true };
  }
  const codebook = value as Codebook;
  const checks = checkCodebook(codebook);
  // Only listed problems are located: past the cap, counting them is enough.
  const problems = capProblems(
    checks.map((c, i) => ({ file, ...(i <= MAX_LISTED_PROBLEMS ? locatePointer(text, c.pointer) : {}), severity: 'error' as const, message: c.message })),
    file,
  );
  return { codebook, problems, readOnly: problems.length > 0 };
}

/** Checks what a schema cannot: unique ids, references that resolve, no cycles. */
export function checkCodebook(cb: Codebook): { pointer: string; message: string }[] {
  const out: { pointer: string; message: string }[] = [];
  const stageIds = new Set<string>();
  cb.stages.forEach((s, i) => {
    if (stageIds.has(s.id)) out.push({ pointer: `/stages/${i}/id`, message: `Stage "${s.name}" repeats the id "${s.id}" of another stage.` });
    stageIds.add(s.id);
  });
  const codeIds = new Map<string, Code>();
  cb.codes.forEach((c, i) => {
    if (codeIds.has(c.id)) out.push({ pointer: `/codes/${i}/id`, message: `Code "${c.name}" repeats the id "${c.id}" of another code.` });
    codeIds.set(c.id, c);
  });
  cb.codes.forEach((c, i) => {
    if (c.parent !== undefined && !codeIds.has(c.parent)) out.push({ pointer: `/codes/${i}/parent`, message: `Code "${c.name}" has a parent "${c.parent}" that is not in the codebook.` });
    if (c.stage !== undefined && !stageIds.has(c.stage)) out.push({ pointer: `/codes/${i}/stage`, message: `Code "${c.name}" belongs to a stage "${c.stage}" that is not in the codebook.` });
  });
  // Loops in the parent chains, in one walk over all codes (a long chain is walked once, not once per code).
  const state = new Map<string, 'walking' | 'done'>();
  const inLoop = new Set<string>();
  for (const c of cb.codes) {
    const path: string[] = [];
    let id: string | undefined = c.id;
    while (id !== undefined && codeIds.has(id) && !state.has(id)) {
      state.set(id, 'walking');
      path.push(id);
      id = codeIds.get(id)!.parent;
    }
    // Reached a code being walked in this very walk: the codes from it on form a loop.
    if (id !== undefined && state.get(id) === 'walking') for (let k = path.indexOf(id); k < path.length; k++) inLoop.add(path[k]);
    for (const p of path) state.set(p, 'done');
  }
  cb.codes.forEach((c, i) => {
    // Report the codes in the loop, not every code hanging below it.
    if (inLoop.has(c.id) && codeIds.get(c.id) === c) out.push({ pointer: `/codes/${i}/parent`, message: `Code "${c.name}" is its own ancestor: its parents form a loop.` });
  });
  return out;
}

/** Serialises a codebook deterministically: fixed key order, two-space indent, final newline. */
export function serializeCodebook(cb: Codebook): string {
  const stage = (s: Stage) => pick(s, ['id', 'name', 'description', 'colour', 'memo']);
  const code = (c: Code) => pick(c, ['id', 'name', 'definition', 'whenToUse', 'whenNotToUse', 'example', 'colour', 'parent', 'stage', 'memo']);
  const out = pick({ ...cb, version: cb.version ?? CODEBOOK_VERSION }, ['version', 'name', 'description']);
  out.stages = cb.stages.map(stage);
  out.codes = cb.codes.map(code);
  return JSON.stringify(out, null, 2) + '\n';
}

function pick<T extends object>(o: T, keys: string[]): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) r[k] = v;
  }
  return r;
}

/** Fast lookups over a codebook. */
export class CodebookIndex {
  readonly codes = new Map<string, Code>();
  readonly stages = new Map<string, Stage>();
  private readonly childrenOf = new Map<string | undefined, Code[]>();

  constructor(readonly codebook: Codebook) {
    for (const s of codebook.stages) this.stages.set(s.id, s);
    for (const c of codebook.codes) {
      this.codes.set(c.id, c);
      const list = this.childrenOf.get(c.parent) ?? [];
      list.push(c);
      this.childrenOf.set(c.parent, list);
    }
  }

  has(codeId: string): boolean {
    return this.codes.has(codeId);
  }

  children(codeId?: string): Code[] {
    return this.childrenOf.get(codeId) ?? [];
  }

  /** The code's stage, inherited from the nearest ancestor that has one. */
  stageOf(codeId: string): Stage | undefined {
    for (let c = this.codes.get(codeId), guard = 0; c && guard < 1000; c = c.parent ? this.codes.get(c.parent) : undefined, guard++) {
      if (c.stage) return this.stages.get(c.stage);
    }
    return undefined;
  }

  /** The code's colour, else its nearest ancestor's, else its stage's, else a neutral grey. */
  colourOf(codeId: string): string {
    for (let c = this.codes.get(codeId), guard = 0; c && guard < 1000; c = c.parent ? this.codes.get(c.parent) : undefined, guard++) {
      if (c.colour) return c.colour;
    }
    return this.stageOf(codeId)?.colour ?? '#808080';
  }

  /** "Parent > Child" names from the root. */
  pathOf(codeId: string): string {
    const names: string[] = [];
    for (let c = this.codes.get(codeId), guard = 0; c && guard < 1000; c = c.parent ? this.codes.get(c.parent) : undefined, guard++) names.unshift(c.name);
    return names.join(' > ');
  }
}

/** A readable, unique id for a new code or stage name: "Brokering relations" → "brokering-relations". */
export function slugify(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48)
      .replace(/-+$/, '') || 'code';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
