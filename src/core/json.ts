/**
 * Reading JSON files that people edit and merge by hand: a fast path with JSON.parse, and on
 * failure a second pass with jsonc-parser (the parser VS Code itself uses) to say on which line
 * the problem is. Git conflict markers get a message of their own.
 */
import { findNodeAtLocation, parse as parseJsonc, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ErrorObject } from 'ajv';
import type { Problem } from './problems';
import { LineIndex } from './text/text';

/**
 * The line index of the text last asked about: problems are located one by one in the same
 * file, and finding each line from the start again made reporting many of them take minutes.
 */
let lastLines: { text: string; index: LineIndex } | undefined;
function linesOf(text: string): LineIndex {
  if (lastLines?.text !== text) lastLines = { text, index: new LineIndex(text) };
  return lastLines.index;
}

/** 1-based line and column of a UTF-16 offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const { line, character } = linesOf(text).position(Math.min(Math.max(offset, 0), text.length));
  return { line: line + 1, column: character + 1 };
}

/** At most this many problems are listed per file; past it, one problem says how many more there are. */
export const MAX_LISTED_PROBLEMS = 20;

/** The first MAX_LISTED_PROBLEMS problems, then one that says how many more there are. */
export function capProblems(problems: Problem[], file: string): Problem[] {
  if (problems.length <= MAX_LISTED_PROBLEMS + 1) return problems;
  const more = problems.length - MAX_LISTED_PROBLEMS;
  return [
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    { file, severity: 'error', message: `… and ${more.toLocaleString('en-US')} more problems in this file (only the first ${MAX_LISTED_PROBLEMS} are listed; fix them first, the others are often the same mistake).` },
  ];
}

/** Deeper nesting of [ ] and { } than this is refused: no codebook or annotations file has it. */
export const MAX_JSON_DEPTH = 512;

/**
 * Whether a parsed value nests arrays and objects more than MAX_JSON_DEPTH deep. Iterative (an
 * explicit stack), visiting objects and arrays only: far cheaper than a scan of the text's every
 * character, and it never overflows the call stack itself.
 */
function nestsTooDeeply(value: unknown): boolean {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (d > MAX_JSON_DEPTH) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push({ v: x, d: d + 1 });
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') stack.push({ v: x, d: d + 1 });
      }
    }
  }
  return false;
}

const CONFLICT = /^(<{7}|={7}|>{7}|\|{7})(?: |$)/m;
/** Whether the text may hold a conflict marker: a cheap look for the four markers before the line-anchored search. */
const mayHoldConflict = (text: string): boolean => text.includes('<<<<<<<') || text.includes('=======') || text.includes('>>>>>>>') || text.includes('|||||||');

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

/** Parses a JSON file, or says what is wrong and where. */
export function parseJsonFile(text: string, file: string): JsonResult {
  const conflict = mayHoldConflict(text) ? CONFLICT.exec(text) : null;
  if (conflict) {
    const { line } = lineColumn(text, conflict.index);
    return {
      ok: false,
      problem: {
        file,
        line,
        column: 1,
        severity: 'error',
        message:
          'This file contains unresolved git merge conflict markers (<<<<<<<, =======, >>>>>>>). ' +
          'Resolve the conflict (keep the coding you want from both sides) and save the file; until then it is left untouched.',
      },
    };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const tooDeep: JsonResult = {
    ok: false,
    problem: { file, severity: 'error', message: `This file nests too deeply (more than ${MAX_JSON_DEPTH} levels of [ ] or { }); no codebook or annotations file does, so it is damaged or not one. It is left untouched.` },
  };
  try {
    const value: unknown = JSON.parse(body);
    return nestsTooDeeply(value) ? tooDeep : { ok: true, value };
  } catch (e) {
    if (e instanceof RangeError) return tooDeep; // the parser's own stack ran out

    const errors: ParseError[] = [];
    try {
      parseJsonc(body, errors, { allowTrailingComma: false, disallowComments: true });
    } catch (deep) {
      if (deep instanceof RangeError) return tooDeep; // the locating parser recurses: nested too deeply for it
      throw deep;
    }
    const first = errors[0];
    const where = first ? lineColumn(body, first.offset) : { line: 1, column: 1 };
    const what = first ? describeParseError(printParseErrorCode(first.error)) : 'it is not valid JSON';
    return {
      ok: false,
      problem: { file, ...where, severity: 'error', message: `This file is not valid JSON: ${what}. It is left untouched until fixed.` },
    };
  }
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'an unexpected character',
    InvalidNumberFormat: 'a malformed number',
    PropertyNameExpected: 'a property name was expected (a stray comma?)',
    ValueExpected: 'a value was expected (a stray comma?)',
    ColonExpected: 'a colon was expected',
    CommaExpected: 'a comma was expected',
    CloseBraceExpected: 'a closing } was expected',
    CloseBracketExpected: 'a closing ] was expected',
    EndOfFileExpected: 'unexpected text after the end',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'an unfinished comment',
    UnexpectedEndOfString: 'an unfinished string (a missing ")',
    UnexpectedEndOfNumber: 'an unfinished number',
    InvalidUnicode: 'an invalid \\u escape',
    InvalidEscapeCharacter: 'an invalid escape (\\)',
    InvalidCharacter: 'an invalid character in a string',
  };
  return words[code] ?? code;
}

/** Line and column of the value at a JSON Pointer such as "/items/3/target", when it exists. */
export function locatePointer(text: string, pointer: string): { line: number; column: number } | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const root = treeOf(body);
  if (!root) return undefined;
  const path = pointer
    .split('/')
    .slice(1)
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
  // Walk up until a node exists (a missing property is reported at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    if (node) return lineColumn(body, node.offset);
  }
  return undefined;
}

/** The syntax tree of the text last asked about (see `linesOf`): parsed once for all its problems. */
let lastTree: { text: string; root: Node | undefined } | undefined;
function treeOf(body: string): Node | undefined {
  if (lastTree?.text !== body) {
    let root: Node | undefined;
    try {
      root = parseTree(body);
    } catch (e) {
      // Too deep for the parser's recursion (parseJsonFile refuses such files first): no lines then.
      if (!(e instanceof RangeError)) throw e;
    }
    lastTree = { text: body, root };
  }
  return lastTree.root;
}

/** Plain words for the patterns the project's schemas use. */
const PATTERN_WORDS: Record<string, string> = {
  '^#[0-9A-Fa-f]{6}$': 'must be a colour written as #rrggbb (for example #1f77b4)',
  '^[A-Za-z0-9][A-Za-z0-9._-]*$': 'must be an id made of letters, digits, ".", "-" or "_", starting with a letter or digit',
  '^urn:uuid:[0-9a-fA-F-]{36}$': 'must be an id of the form urn:uuid: followed by a UUID',
  '^sha256:[0-9a-f]{64}$': 'must be "sha256:" followed by 64 hexadecimal digits',
  '^urn:qda:code:.+': 'must name a code as urn:qda:code:<code id>',
};

/**
 * Turns JSON Schema errors into problems with lines, most specific first, one per place; at most
 * MAX_LISTED_PROBLEMS, then one that says how many more (see `capProblems`).
 */
export function schemaProblems(errors: readonly ErrorObject[], text: string, file: string, describe: (pointer: string) => string): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    // oneOf/anyOf summaries repeat what the branch errors say.
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    let message = e.message ?? 'is not valid';
    // An unknown property is shown where it is written, not at the start of its object.
    let at = e.instancePath;
    if (e.keyword === 'additionalProperties') {
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      message = `has an unknown property "${name}"`;
      at = `${e.instancePath}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    } else if (e.keyword === 'pattern') message = PATTERN_WORDS[(e.params as { pattern: string }).pattern] ?? message;
    else if (e.keyword === 'required') message = `is missing "${(e.params as { missingProperty: string }).missingProperty}"`;
    else if (e.keyword === 'enum' || e.keyword === 'const') message = `${message}${e.params ? `: ${JSON.stringify((e.params as { allowedValues?: unknown; allowedValue?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)}` : ''}`;
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Only listed problems are located: past the cap, counting them is enough.
    const where = out.length < MAX_LISTED_PROBLEMS + 1 ? locatePointer(text, at) : undefined;
    out.push({ file, ...where, severity: 'error', message: `${describe(e.instancePath)} ${message}.` });
  }
  return capProblems(out, file);
}
