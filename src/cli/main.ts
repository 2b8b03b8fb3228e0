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
import { anchoringProblems, loadCodebook, loadDocument, saveDocument, validateWorkspace, workspaceStats } from '../core/project';
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
        (exact, moved, fuzzy, orphan). --write saves the result.
  validate [paths…] [--json]
        Check the codebook, annotation files and anchoring. Exits 1 on any error.
  stats [--json]
        Count coded segments per code and per document.

Document paths are relative to the current folder and must lie inside the workspace.

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

function context(values: Record<string, unknown>) {
  const store = new NodeStore((values.workspace as string | undefined) ?? process.cwd());
  const codebookPath = (values.codebook as string | undefined) ?? DEFAULT_CODEBOOK_PATH;
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
  const { store, codebookPath } = context(values);
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
  const { store, codebookPath, inWorkspace } = context(values);
  const docPath = inWorkspace(positionals[0]);
  const cb = await loadCodebook(store, codebookPath);
  if (!cb.exists) throw new DataError(`There is no codebook at ${codebookPath}; create one with "qda init".`);
  if (!cb.codebook) throw new DataError(cb.problems.map(formatProblem).join('\n'));
  const index = new CodebookIndex(cb.codebook);
  const unknown = codes.filter((c) => !index.has(c));
  if (unknown.length > 0) throw new DataError(`Not in the codebook: ${unknown.join(', ')}. Codes: ${cb.codebook.codes.map((c) => c.id).join(', ')}.`);
  const doc = await loadDocument(store, docPath);
  if (doc.readOnly) throw new DataError(doc.problems.map(formatProblem).join('\n') + `\n${doc.sidecarPath} was left untouched.`);
  let s = start;
  let e = end;
  if (quote !== undefined) {
    const found = locateQuote(doc.text, quote);
    if (!found.ok) throw new DataError(found.message);
    s = found.start;
    e = found.end;
  }
  if (!(s! >= 0 && e! > s! && e! <= doc.text.length)) throw new DataError(`The segment ${s}–${e} is not inside the document (0–${doc.text.length} code points) or is empty.`);
  const ann = createAnnotation(doc.text, { start: s!, end: e!, codes, creator: (values.coder as string | undefined) ?? defaultCoder(), memo: values.memo as string | undefined });
  doc.sidecar.annotations.push(ann);
  await saveDocument(store, doc);
  out.log(ann.id);
  return 0;
}

async function anchor(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, write: { type: 'boolean' } });
  if (values.help) return (out.log(USAGE), 0);
  if (positionals.length !== 1) throw new UsageError('anchor needs exactly one document.');
  const { store, inWorkspace } = context(values);
  const doc = await loadDocument(store, inWorkspace(positionals[0]));
  for (const p of doc.problems) out.err(formatProblem(p));
  if (!doc.sidecarExists) out.err(`${doc.path} has no coding yet.`);
  if (values.json) {
    out.log(JSON.stringify(doc.results.map((r) => ({ id: r.id, status: r.status, start: r.start ?? null, end: r.end ?? null, confidence: r.confidence, certainty: r.certainty, reason: r.reason })), null, 2));
  } else {
    for (const p of anchoringProblems(doc)) out.log(formatProblem(p));
    // Placed on an unchanged quote, but unsure of the place (its context changed): say so too.
    doc.results.forEach((r, i) => {
      if (r.status === 'moved' && r.certainty !== 'high') out.log(`${doc.path}: a coded segment ("${doc.sidecar.annotations[i].exact.replace(/\s+/g, ' ').trim().slice(0, 60)}") was placed with ${r.certainty} confidence (${Math.round(r.confidence * 100)}%): ${r.reason}`);
    });
    const count = (s: string) => doc.results.filter((r) => r.status === s).length;
    const unsure = doc.results.filter((r) => r.status !== 'orphan' && r.certainty !== 'high').length;
    out.log(`${doc.results.length} segments: ${count('exact')} exact, ${count('moved')} moved, ${count('fuzzy')} fuzzy, ${count('orphan')} orphaned${unsure > 0 ? `; ${unsure} placed with less than high confidence (check ${unsure === 1 ? 'it' : 'them'})` : ''}.`);
  }
  if (values.write) {
    if (doc.readOnly) throw new DataError(`${doc.sidecarPath} was not written: it could not be read safely.`);
    if (doc.sidecarExists) {
      await saveDocument(store, doc);
      out.err(`Saved ${doc.sidecarPath}.`);
    }
  }
  return doc.problems.some((p) => p.severity === 'error') ? 1 : 0;
}

async function validate(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) return (out.log(USAGE), 0);
  const { store, codebookPath, inWorkspace } = context(values);
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
  const { store, codebookPath } = context(values);
  const s = await workspaceStats(store, codebookPath);
  if (values.json) {
    out.log(JSON.stringify(s, null, 2));
    return 0;
  }
  const w = Math.max(4, ...s.byCode.map((c) => c.name.length));
  out.log(`${'Code'.padEnd(w)}  Segments  Documents`);
  for (const c of s.byCode) out.log(`${c.name.padEnd(w)}  ${String(c.segments).padStart(8)}  ${String(c.documents).padStart(9)}`);
  out.log('');
  const dw = Math.max(8, ...s.byDocument.map((d) => d.document.length));
  out.log(`${'Document'.padEnd(dw)}  Segments`);
  for (const d of s.byDocument) out.log(`${d.document.padEnd(dw)}  ${String(d.segments).padStart(8)}`);
  out.log(`\n${s.total} segments in ${s.byDocument.length} documents.`);
  return 0;
}

if (require.main === module) {
  // Not process.exit(): it cuts off what is still being written to a pipe (`qda anchor --json | jq`).
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
