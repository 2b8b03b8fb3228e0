/**
 * `qda`: the same annotation core as the extension, headless, for scripts, CI and people who
 * prefer a terminal. Exit codes: 0 success, 1 a problem with the data, 2 bad arguments.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createAnnotation, locateQuote } from '../core/annotations';
import { CodebookIndex, DEFAULT_CODEBOOK_PATH, serializeCodebook } from '../core/codebook/codebook';
import { emptyCodebook, TEMPLATES } from '../core/codebook/templates';
import { formatProblem } from '../core/problems';
import type { Problem } from '../core/problems';
import { anchoringProblems, codingWriteProblems, loadCodebook, loadDocument, NO_CODEBOOK_MESSAGE, sidecarBytes, validateWorkspace, workspaceStats, type LoadedDocument } from '../core/project';
import { sameBytes } from '../core/sidecar/encode';
import { updateDocument } from '../core/update';
import { NodeStore } from '../node/nodeStore';

class UsageError extends Error {}
class DataError extends Error {}

const USAGE = `Usage: qda <command> [options]

Commands:
  init [--template network-orchestration] [--force]
        Write codebook.json (empty, or from a built-in template).
  add <doc> --code <id> [--code <id>…] (--start N --end N | --quote TEXT) [--memo TEXT] [--coder NAME]
        Code a passage of a Markdown document; prints the new annotation's id.
        Positions count Unicode code points over the text with line ends as LF.
  anchor <doc> [--json] [--write]
        Re-attach a document's coding to its current text and report how each segment anchored
        (exact, moved, fuzzy, orphan). --write saves the result (only when it changed).
  validate [paths…] [--json]
        Check the codebook, annotation files and anchoring. Exits 1 on any error.
  stats [--json]
        Count coded segments per code, per stage and per document, as the side panel does.
        A coded segment is a passage (or an orphan, or a whole document) with at least one code;
        a memo without a code is not one.

Document paths are relative to the current folder and must lie inside the workspace.
add and anchor --write write nothing while "qda validate" finds an error in the codebook or in the
document's annotations file.

Exit codes: 0 success; 1 a problem with the data (reported on stderr; nothing is written);
2 bad arguments.

Options for every command:
  --workspace DIR   the workspace folder (default: the current folder)
  --codebook PATH   the codebook, relative to the workspace (default: codebook.json)
  -h, --help        this help`;

const COMMON: ParseArgsConfig['options'] = {
  workspace: { type: 'string' },
  codebook: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

function parse(args: string[], options: ParseArgsConfig['options']) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function intOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number of characters (code points); got "${v}".`);
  return Number(v);
}

function defaultCoder(): string {
  if (process.env.QDA_CODER) return process.env.QDA_CODER;
  try {
    const name = execFileSync('git', ['config', 'user.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (name) return name;
  } catch {
    // git missing or no user.name: fall through
  }
  return process.env.USER || process.env.USERNAME || 'unknown coder';
}

type Out = { log: (s: string) => void; err: (s: string) => void };

export async function main(argv: string[], out: Out = { log: (s) => console.log(s), err: (s) => console.error(s) }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help' || command === 'help') {
      out.log(USAGE);
      return command ? 0 : 2;
    }
    switch (command) {
      case 'init':
        return await init(rest, out);
      case 'add':
        return await add(rest, out);
      case 'anchor':
        return await anchor(rest, out);
      case 'validate':
        return await validate(rest, out);
      case 'stats':
        return await stats(rest, out);
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      out.err(`qda: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    out.err(`qda: ${(e as Error).message}`);
    return 1;
  }
}

function context(values: Record<string, unknown>, out: Out) {
  const store = new NodeStore((values.workspace as string | undefined) ?? process.cwd(), (message) => out.err(`qda: ${message}`));
  const givenCodebook = (values.codebook as string | undefined) ?? DEFAULT_CODEBOOK_PATH;
  // Real paths are compared (links followed), so a link cannot lead reading or writing outside.
  const codebookPath = store.inWorkspace(givenCodebook);
  if (codebookPath === undefined || codebookPath === '') {
    throw new UsageError(`--codebook ${givenCodebook} is outside the workspace ${store.root}; the codebook must be inside it (the path is relative to the workspace).`);
  }
  /** A path from the command line (relative to the current folder) as a workspace path. */
  const inWorkspace = (userPath: string): string => {
    const rel = store.relative(userPath);
    if (rel === undefined) throw new UsageError(`${userPath} is outside the workspace ${store.root}; documents and their coding must be inside it (see --workspace).`);
    return rel;
  };
  return { store, codebookPath, inWorkspace };
}

async function init(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, { template: { type: 'string' }, force: { type: 'boolean' } });
  if (values.help) return (out.log(USAGE), 0);
  if (positionals.length > 0) throw new UsageError(`init takes no file names; got "${positionals.join(' ')}".`);
  const { store, codebookPath } = context(values, out);
  const name = values.template as string | undefined;
  if (name !== undefined && !TEMPLATES[name]) throw new UsageError(`Unknown template "${name}". Templates: ${Object.keys(TEMPLATES).join(', ')}.`);
  if ((await store.stat(codebookPath)) && !values.force) {
    throw new DataError(`${codebookPath} already exists; it was left as it is. Use --force to replace it.`);
  }
  const cb = name ? TEMPLATES[name].codebook : emptyCodebook();
  await store.writeAtomic(codebookPath, serializeCodebook(cb));
  out.log(`Wrote ${codebookPath}${name ? ` from the "${TEMPLATES[name].label}" template (${cb.stages.length} stages, ${cb.codes.length} codes)` : ''}.`);
  return 0;
}

async function add(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, {
    code: { type: 'string', multiple: true },
    start: { type: 'string' },
    end: { type: 'string' },
    quote: { type: 'string' },
    memo: { type: 'string' },
    coder: { type: 'string' },
  });
  if (values.help) return (out.log(USAGE), 0);
  if (positionals.length !== 1) throw new UsageError('add needs exactly one document.');
  const codes = (values.code as string[] | undefined) ?? [];
  if (codes.length === 0) throw new UsageError('add needs at least one --code.');
  const start = intOption(values.start as string | undefined, 'start');
  const end = intOption(values.end as string | undefined, 'end');
  const quote = values.quote as string | undefined;
  if ((start === undefined) !== (end === undefined)) throw new UsageError('--start and --end go together.');
  if ((start === undefined) === (quote === undefined)) throw new UsageError('Give either --start and --end, or --quote.');
  const { store, codebookPath, inWorkspace } = context(values, out);
  const docPath = inWorkspace(positionals[0]);
  const cb = await loadCodebook(store, codebookPath);
  const creator = (values.coder as string | undefined) ?? defaultCoder();
  let id = '';
  // Read, check, add and write under the sidecar's lock: another writer's coding is never dropped.
  await updateDocument(store, docPath, async (doc) => {
    await refuseWrite(store, cb, codebookPath, doc);
    const index = new CodebookIndex(cb.codebook!);
    const unknown = codes.filter((c) => !index.has(c));
    if (unknown.length > 0) throw new DataError(`Not in the codebook: ${unknown.join(', ')}. Codes: ${cb.codebook!.codes.map((c) => c.id).join(', ')}. Nothing was written.`);
    let s = start;
    let e = end;
    if (quote !== undefined) {
      const found = locateQuote(doc.text, quote);
      if (!found.ok) throw new DataError(found.message);
      s = found.start;
      e = found.end;
    }
    if (!(s! >= 0 && e! > s! && e! <= doc.text.length)) throw new DataError(`The segment ${s}–${e} is not inside the document (0–${doc.text.length} code points) or is empty.`);
    const ann = createAnnotation(doc.text, { start: s!, end: e!, codes, creator, memo: values.memo as string | undefined });
    doc.sidecar.annotations.push(ann);
    id = ann.id;
  });
  out.log(id);
  return 0;
}

/**
 * Throws (nothing written) when the document's coding may not be written: the problems, as
 * `validate` prints them, from the core's one rule (codingWriteProblems).
 */
async function refuseWrite(store: NodeStore, cb: Awaited<ReturnType<typeof loadCodebook>>, codebookPath: string, doc: LoadedDocument, alreadyShown: readonly Problem[] = []): Promise<void> {
  const raw = doc.sidecarExists && !doc.readOnly ? await store.readText(doc.sidecarPath) : undefined;
  const problems = codingWriteProblems(cb, codebookPath, doc, raw);
  if (problems.length === 0) return;
  const lines = problems.filter((p) => !alreadyShown.includes(p)).map(formatProblem);
  throw new DataError([...lines, `Nothing was written: ${doc.sidecarExists ? `${doc.sidecarPath} is as it was` : `no ${doc.sidecarPath} was created`}. Fix the problem${problems.length === 1 ? '' : 's'} above first ("qda validate" lists them).`].join('\n'));
}

async function anchor(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, write: { type: 'boolean' } });
  if (values.help) return (out.log(USAGE), 0);
  if (positionals.length !== 1) throw new UsageError('anchor needs exactly one document.');
  const { store, codebookPath, inWorkspace } = context(values, out);
  const docPath = inWorkspace(positionals[0]);
  // With --write, the reading reported is the one written, under the sidecar's lock; a refusal is
  // said after the report, and nothing is written then. Written only when it changes: an
  // unchanged file keeps its time, for git and file watchers.
  let refused: unknown;
  let written = false;
  const doc = values.write
    ? await updateDocument(store, docPath, async (d) => {
        if (!d.sidecarExists) return false;
        try {
          await refuseWrite(store, await loadCodebook(store, codebookPath), codebookPath, d, d.problems);
        } catch (e) {
          refused = e;
          return false;
        }
        if (sameBytes(await store.readBytes(d.sidecarPath), sidecarBytes(d))) return false;
        written = true;
      })
    : await loadDocument(store, docPath);
  for (const p of doc.problems) out.err(formatProblem(p));
  if (!doc.sidecarExists) out.err(`${doc.path} has no coding yet.`);
  if (values.json) {
    out.log(JSON.stringify(doc.results.map((r) => ({ id: r.id, status: r.status, start: r.start ?? null, end: r.end ?? null, confidence: r.confidence, certainty: r.certainty, reason: r.reason })), null, 2));
  } else {
    for (const p of anchoringProblems(doc)) out.log(formatProblem(p));
    const count = (s: string) => doc.results.filter((r) => r.status === s).length;
    const unsure = doc.results.filter((r) => r.status !== 'orphan' && r.certainty !== 'high').length;
    out.log(`${doc.results.length} segments: ${count('exact')} exact, ${count('moved')} moved, ${count('fuzzy')} fuzzy, ${count('orphan')} orphaned${unsure > 0 ? `; ${unsure} placed with less than high confidence (check ${unsure === 1 ? 'it' : 'them'})` : ''}.`);
  }
  if (values.write && doc.sidecarExists) {
    if (refused) throw refused;
    out.err(written ? `Saved ${doc.sidecarPath}.` : `${doc.sidecarPath} is up to date; it was left as it is.`);
  }
  return doc.problems.some((p) => p.severity === 'error') ? 1 : 0;
}

async function validate(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) return (out.log(USAGE), 0);
  const { store, codebookPath, inWorkspace } = context(values, out);
  const report = await validateWorkspace(store, codebookPath, positionals.map(inWorkspace));
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  if (values.json) {
    out.log(JSON.stringify({ ...report, errors }, null, 2));
  } else {
    for (const p of report.problems) out.log(formatProblem(p));
    const s = report.statuses;
    out.log(`${report.documents} coded documents, ${report.annotations} segments (${s.exact} exact, ${s.moved} moved, ${s.fuzzy} fuzzy, ${s.orphan} orphaned); ${errors} error${errors === 1 ? '' : 's'}, ${report.problems.length - errors} warning${report.problems.length - errors === 1 ? '' : 's'}.`);
  }
  return errors > 0 ? 1 : 0;
}

async function stats(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) return (out.log(USAGE), 0);
  if (positionals.length > 0) throw new UsageError('stats takes no file names.');
  const { store, codebookPath } = context(values, out);
  const s = await workspaceStats(store, codebookPath);
  const code = s.problems.some((p) => p.severity === 'error') ? 1 : 0;
  for (const p of s.problems) out.err(formatProblem(p));
  const noCodebook = s.problems.some((p) => p.file === codebookPath && p.message === NO_CODEBOOK_MESSAGE);
  if (noCodebook) out.err(`Nothing was counted: there is no codebook at ${codebookPath} in ${store.root}. Run "qda init" there, or give the project's folder with --workspace.`);
  if (values.json) {
    out.log(JSON.stringify(s, null, 2));
    return code;
  }
  if (noCodebook) return 1;
  const table = (rows: string[][]) => {
    const cells = rows.map((r) => r.map(printable));
    const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    for (const r of cells) out.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  };
  table([['Code', 'Segments', 'Documents'], ...s.byCode.map((c) => [c.name, String(c.segments), String(c.documents)])]);
  if (s.byStage.some((x) => x.stage !== null)) {
    out.log('');
    table([['Stage', 'Segments', 'Documents'], ...s.byStage.map((x) => [x.name, String(x.segments), String(x.documents)])]);
  }
  out.log('');
  table([['Document', 'Segments'], ...s.byDocument.map((d) => [d.document, String(d.segments)])]);
  out.log(`\n${s.total} segment${s.total === 1 ? '' : 's'} in ${s.documents} document${s.documents === 1 ? '' : 's'}.`);
  const unread = s.problems.filter((p) => p.severity === 'error' && p.file !== codebookPath).length;
  if (unread > 0) out.err(`${unread} problem${unread === 1 ? '' : 's'} above: the coding in those files is not counted.`);
  return code;
}

/** A name as one line of a table: line breaks, tabs and other control characters written as escapes. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

if (require.main === module) {
  // Not process.exit(): on a pipe, stdout is written asynchronously and exiting at once would cut
  // the answer off. Node exits by itself, with this code, once everything is written.
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
