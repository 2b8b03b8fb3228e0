/**
 * `npm run bench`: times live anchoring, re-anchoring, and sidecar serialisation and parsing over
 * a synthetic 1 MB transcript with 10,000 annotations, checks re-anchoring's results, compares it
 * with the naive per-annotation approach, and prints one table of medians (also written to
 * bench/results/latest.json). Missed targets are printed as MISSED; the exit code stays 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { buildSync } from 'esbuild';
import path from 'node:path';
import { applyChange } from '../src/core/anchoring/live';
import { reanchor } from '../src/core/anchoring/reanchor';
import type { AnchorResult, AnchorStatus, Annotation } from '../src/core/model/annotation';
import { openDocument, sidecarBytes } from '../src/core/project';
import { encodeSidecar } from '../src/core/sidecar/encode';
import { parseSidecar, serializeSidecar, SIDECAR_VERSION, type Sidecar } from '../src/core/sidecar/format';
import { hashText, Text } from '../src/core/text/text';
import { applyEdits, generateAnnotations, generateEdits, generateTranscript, mapThroughEdits, originPositions, Rng, SIDECAR_ID, type Edit } from './data';
import { hypothesisReanchor, naiveReanchor } from './naive';

const ANNOTATIONS = 10_000;
const EDITS = 100;
const NAIVE_EVERY = 50;
const DOC_PATH = 'interviews/p07.md';
const SIDECAR_PATH = DOC_PATH + '.annotations.json';

interface Row {
  measure: string;
  /** Milliseconds, or a value in `unit`. */
  median: number;
  unit?: string;
  targetMs?: number;
  /** A lower bound instead (ratios). */
  targetMin?: number;
  runs?: number;
  note?: string;
}

const rows: Row[] = [];

interface Timing {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * Times `run` after `warmup` untimed runs; `setup` (untimed) prepares each run's input. Runs at
 * least `minRuns` times, then goes on until `maxRuns` or until `budgetMs` of timed work is spent.
 */
function measure<S>(o: { warmup: number; minRuns: number; maxRuns: number; budgetMs: number }, setup: () => S, run: (s: S) => void): Timing {
  for (let i = 0; i < o.warmup; i++) run(setup());
  const times: number[] = [];
  let spent = 0;
  while (times.length < o.minRuns || (times.length < o.maxRuns && spent < o.budgetMs)) {
    const s = setup();
    const t0 = performance.now();
    run(s);
    const t = performance.now() - t0;
    times.push(t);
    spent += t;
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { median, min: times[0], max: times[times.length - 1], runs: times.length };
}

/** Settings for fast operations (well under a millisecond). */
const MANY = { warmup: 500, minRuns: 2000, maxRuns: 20_000, budgetMs: 1000 };
/** Settings for operations of tens to thousands of milliseconds. */
const FEW = { warmup: 3, minRuns: 9, maxRuns: 41, budgetMs: 8000 };

const clone = (anns: readonly Annotation[]): Annotation[] => anns.map((a) => ({ ...a, codes: [...a.codes] }));

function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function log(s = ''): void {
  process.stdout.write(s + '\n');
}

function countStatuses(results: readonly AnchorResult[]): Record<AnchorStatus, number> {
  const c = { exact: 0, moved: 0, fuzzy: 0, orphan: 0 };
  for (const r of results) c[r.status]++;
  return c;
}

interface Check {
  untouched: number;
  touched: number;
  /** Untouched annotations that are not exact/moved or do not cover their original quote. */
  violations: number;
  /** Untouched annotations that cover their quote, but not where the edits moved it (another occurrence). */
  elsewhere: number;
  statusesUntouched: Record<AnchorStatus, number>;
  statusesTouched: Record<AnchorStatus, number>;
  /**
   * Touched annotations placed on text they never covered: approximately on text of which their
   * surviving characters are less than half (or cover less than a third of the placement), or,
   * with all their characters deleted, on anything but their exact quote.
   */
  damagedWrong: number;
  examples: string[];
}

/** Checks results (in the order of `original`) against where the edits put each untouched segment. */
function check(original: readonly Annotation[], results: readonly AnchorResult[], edited: Text, edits: readonly Edit[], origin: Int32Array): Check {
  const c: Check = {
    untouched: 0, touched: 0, violations: 0, elsewhere: 0, damagedWrong: 0,
    statusesUntouched: { exact: 0, moved: 0, fuzzy: 0, orphan: 0 },
    statusesTouched: { exact: 0, moved: 0, fuzzy: 0, orphan: 0 },
    examples: [],
  };
  original.forEach((a, i) => {
    const r = results[i];
    if (r.id !== a.id) throw new Error(`Result ${i} is for ${r.id}, not ${a.id}.`);
    const expected = mapThroughEdits(edits, a.start!, a.end!);
    if (!expected) {
      c.touched++;
      c.statusesTouched[r.status]++;
      if (r.start === undefined || r.end === undefined) return;
      let surviving = 0;
      let own = 0;
      for (let k = a.start!; k < a.end!; k++) {
        const p = origin[k];
        if (p < 0) continue;
        surviving++;
        if (p >= r.start && p < r.end) own++;
      }
      const onQuote = edited.slice(r.start, r.end) === a.exact;
      const wrong = surviving === 0 ? !onQuote : r.status === 'fuzzy' && (own < surviving / 2 || own < (r.end - r.start) / 3);
      if (wrong) {
        c.damagedWrong++;
        if (c.examples.length < 5) c.examples.push(`damaged ${a.id} "${a.exact.slice(0, 40)}" → ${r.status} on "${edited.slice(r.start, r.end).slice(0, 40)}" (${own} of ${surviving} surviving characters)`);
      }
      return;
    }
    c.untouched++;
    c.statusesUntouched[r.status]++;
    const ok = (r.status === 'exact' || r.status === 'moved') && r.start !== undefined && r.end !== undefined && edited.slice(r.start, r.end) === a.exact;
    if (!ok) {
      c.violations++;
      if (c.examples.length < 5) c.examples.push(`${a.id} ${a.start}–${a.end} → ${r.status} ${r.start}–${r.end} (expected ${expected.start}–${expected.end})`);
    } else if (r.start !== expected.start) {
      c.elsewhere++;
    }
  });
  return c;
}

function printCheck(label: string, c: Check, ours = false): void {
  const miss = (n: number): string => (n > 0 ? (ours ? '  ← MISSED' : '  (a baseline; no target)') : '');
  const s = (x: Record<AnchorStatus, number>): string => `exact ${x.exact}, moved ${x.moved}, fuzzy ${x.fuzzy}, orphan ${x.orphan}`;
  log(`${label}:`);
  log(`  untouched by any edit: ${c.untouched} (${s(c.statusesUntouched)})`);
  log(`  touched by an edit:    ${c.touched} (${s(c.statusesTouched)})`);
  log(`  violations (untouched but not exact/moved on its original quote): ${c.violations}${miss(c.violations)}`);
  log(`  untouched, anchored on another occurrence of the same quote: ${c.elsewhere}${miss(c.elsewhere)}`);
  log(`  damaged, placed on text they never covered: ${c.damagedWrong}${miss(c.damagedWrong)}`);
  for (const e of c.examples) log(`    e.g. ${e}`);
}

async function main(): Promise<void> {
  const started = new Date();
  const cpus = os.cpus();
  const machine = { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, platform: `${os.platform()} ${os.arch()}`, memoryGB: Math.round(os.totalmem() / 2 ** 30) };
  log(`Orchestration QDA benchmark — ${started.toISOString()}`);
  log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}, ${machine.memoryGB} GB, Node ${machine.node}`);
  const loadBefore = os.loadavg();
  log(`Load average (1, 5, 15 min) at the start: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}`);

  // Data.
  const raw = generateTranscript(7);
  const text = new Text(raw);
  const annotations = generateAnnotations(text, ANNOTATIONS, 11);
  const edits = generateEdits(text, EDITS, 13);
  const editedRaw = applyEdits(text, edits);
  const origin = originPositions(text.length, edits);
  const avgLen = annotations.reduce((n, a) => n + a.end! - a.start!, 0) / annotations.length;
  const data = {
    utf16Length: raw.length,
    codePoints: text.length,
    bytes: Buffer.byteLength(raw),
    astral: raw.length - text.length,
    annotations: annotations.length,
    averageAnnotationLength: Math.round(avgLen),
    edits: edits.length,
    editedCodePoints: new Text(editedRaw).length,
  };
  log(`Data: transcript of ${(data.bytes / 1e6).toFixed(2)} MB (${data.codePoints} code points, ${data.astral} astral), ${data.annotations} annotations (average ${data.averageAnnotationLength} code points), ${data.edits} external edits`);
  log();

  // 1. One keystroke's live update.
  {
    const anns = clone(annotations);
    const rng = new Rng(17);
    let len = text.length;
    const r = measure(MANY, () => rng.int(0, len), (offset) => {
      applyChange(anns, { offset, removed: 0, inserted: 1 });
      len++;
    });
    rows.push({ measure: `keystroke: applyChange over ${ANNOTATIONS} annotations`, median: r.median, targetMs: 0.5, runs: r.runs });
  }

  // 2. Re-anchoring after 100 scattered external edits.
  let oursMs = 0;
  let oursCheck: Check;
  let oursStatuses: Record<AnchorStatus, number>;
  {
    let last: AnchorResult[] = [];
    const r = measure(FEW, () => clone(annotations), (anns) => {
      last = reanchor(new Text(editedRaw), anns);
    });
    oursMs = r.median;
    rows.push({ measure: `re-anchor after ${EDITS} edits: reanchor(new Text, ${ANNOTATIONS})`, median: r.median, targetMs: 250, runs: r.runs });
    oursCheck = check(annotations, last, new Text(editedRaw), edits, origin);
    oursStatuses = countStatuses(last);
  }

  // 3. Serialising the sidecar.
  const sidecar: Sidecar = { version: SIDECAR_VERSION, id: SIDECAR_ID, textHash: hashText(raw), annotations: clone(annotations) };
  const json = serializeSidecar(sidecar, DOC_PATH);
  const sizeMB = Buffer.byteLength(json) / 1e6;
  let encodedSame = false;
  {
    // What saving does: encodeSidecar writes the file's bytes. First with every annotation new to
    // the writer (as when a sidecar is first written after loading).
    encodedSame = Buffer.from(encodeSidecar({ ...sidecar, annotations: clone(annotations) }, DOC_PATH)).equals(Buffer.from(json, 'utf8'));
    const cold = measure(FEW, () => ({ ...sidecar, annotations: clone(annotations) }), (s) => void encodeSidecar(s, DOC_PATH));
    rows.push({ measure: `serialise sidecar to its file's bytes, every annotation new (encodeSidecar, ${ANNOTATIONS})`, median: cold.median, targetMs: 50, runs: cold.runs });
    // One annotation changed since the last save (the editor's case: a coding action, then save).
    let k = 0;
    const warm = measure(FEW, () => {
      const a = sidecar.annotations[k++ % sidecar.annotations.length];
      a.modified = new Date(Date.UTC(2026, 0, 1, 0, 0, k)).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return sidecar;
    }, (s) => void encodeSidecar(s, DOC_PATH));
    rows.push({ measure: `serialise sidecar, one annotation changed since the last save (${ANNOTATIONS})`, median: warm.median, targetMs: 50, runs: warm.runs });
    // The reference definition of the bytes, as a string: JSON.stringify(page, null, 2), not yet encoded.
    const ref = measure(FEW, () => ({ ...sidecar, annotations: clone(annotations) }), (s) => void serializeSidecar(s, DOC_PATH));
    rows.push({ measure: 'info: serializeSidecar (JSON.stringify(page, null, 2), a string, not encoded)', median: ref.median, runs: ref.runs });
    rows.push({ measure: 'sidecar size', median: sizeMB, unit: 'MB' });
  }

  // 4. Parsing and validating it.
  let parseOk = false;
  let roundTrip = false;
  {
    const t0 = performance.now();
    const first = parseSidecar(json, SIDECAR_PATH);
    const coldMs = performance.now() - t0;
    parseOk = first.problems.length === 0 && !first.readOnly && first.sidecar?.annotations.length === ANNOTATIONS;
    roundTrip = first.sidecar !== undefined && serializeSidecar(first.sidecar, DOC_PATH) === json;
    const r = measure(FEW, () => json, (s) => void parseSidecar(s, SIDECAR_PATH));
    rows.push({ measure: 'parse + validate sidecar (parseSidecar)', median: r.median, targetMs: 100, runs: r.runs });
    rows.push({ measure: 'parse + validate, first call (incl. schema compile)', median: coldMs, runs: 1, note: 'info' });
  }

  // 5. The naive way, on a sample, extrapolated.
  const sampleIdx = annotations.map((_, i) => i).filter((i) => i % NAIVE_EVERY === 0);
  const sample = sampleIdx.map((i) => annotations[i]);
  const editedText = new Text(editedRaw);
  let naiveMs = 0;
  let naiveCheck: Check;
  {
    // Warm up on annotations outside the sample.
    naiveReanchor(editedText, clone(annotations.filter((_, i) => i % NAIVE_EVERY === NAIVE_EVERY / 2).slice(0, 3)));
    const anns = clone(sample);
    const t0 = performance.now();
    const results = naiveReanchor(editedText, anns);
    const total = performance.now() - t0;
    naiveMs = (total / sample.length) * ANNOTATIONS;
    naiveCheck = check(sample, results, editedText, edits, origin);
    rows.push({
      measure: `naive re-anchor (Hypothesis-style matchQuote), extrapolated from ${sample.length} of ${ANNOTATIONS}`,
      median: naiveMs, runs: 1, note: `${formatMs(total)} for ${sample.length}, every ${NAIVE_EVERY}th annotation`,
    });
    rows.push({ measure: 'ratio naive / ours', median: naiveMs / oursMs, unit: '×' });
  }

  // 6. The baseline: Hypothesis's own way (position first, then matchQuote, whose search tries
  // indexOf for the exact quote before searching approximately), over all annotations.
  let hypoMs = 0;
  let hypoCheck: Check;
  {
    let last: AnchorResult[] = [];
    const r = measure({ warmup: 0, minRuns: 3, maxRuns: 3, budgetMs: 0 }, () => clone(annotations), (anns) => {
      last = hypothesisReanchor(new Text(editedRaw), anns);
    });
    hypoMs = r.median;
    hypoCheck = check(annotations, last, editedText, edits, origin);
    rows.push({ measure: `baseline: Hypothesis's anchoring (position, then exact indexOf, then approximate), all ${ANNOTATIONS}`, median: hypoMs, runs: r.runs });
    rows.push({ measure: 'ratio baseline (Hypothesis, exact first) / ours', median: hypoMs / oursMs, unit: '×', targetMin: 20 });
  }

  // Information: where re-anchoring's time goes, and the other costs around load, save and typing.
  {
    const g = measure({ ...FEW, minRuns: 5, maxRuns: 15 }, () => clone(annotations), (anns) => void reanchor(new Text(editedRaw), anns, { noGlobalFuzzy: true }));
    rows.push({ measure: 'info: re-anchor as (2) with noGlobalFuzzy (no whole-text fuzzy search)', median: g.median, runs: g.runs });
    const r = measure(FEW, () => editedRaw, (s) => void new Text(s));
    rows.push({ measure: 'info: new Text(1 MB) (code-point index)', median: r.median, runs: r.runs });
    const h = measure(FEW, () => raw, (s) => void hashText(s));
    rows.push({ measure: 'info: hashText(1 MB) (SHA-256; noble is slow under tsx, see report)', median: h.median, runs: h.runs });
    const o = measure({ ...FEW, minRuns: 5, maxRuns: 15 }, () => json, (s) => void openDocument(DOC_PATH, editedRaw, s));
    rows.push({ measure: 'info: openDocument (parse + re-anchor after the edits)', median: o.median, runs: o.runs });
    const doc = { path: DOC_PATH, text, sidecar: { ...sidecar, annotations: clone(annotations) } };
    const st = measure(FEW, () => doc, (d) => void sidecarBytes(d));
    rows.push({ measure: 'info: sidecarBytes (refresh quotes + hashText + encode), as the CLI saves', median: st.median, runs: st.runs });
  }

  // 7. What a user waits for: `qda anchor --json` as a whole process (read and check the sidecar,
  // re-anchor, print), through a pipe, less Node's own start-up measured in the same run.
  {
    const root = import.meta.dirname ? path.resolve(import.meta.dirname, '..') : process.cwd();
    const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
    const ws = mkdtempSync(path.join(os.tmpdir(), 'qda-bench-'));
    try {
      mkdirSync(path.join(ws, path.dirname(DOC_PATH)), { recursive: true });
      writeFileSync(path.join(ws, DOC_PATH), editedRaw);
      writeFileSync(path.join(ws, SIDECAR_PATH), json);
      const cli = path.join(root, 'dist', 'cli.js');
      const wall = (args: string[]): number => {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, args, { cwd: ws, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
        const ms = performance.now() - t0;
        if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
        return ms;
      };
      const median = (xs: number[]): number => {
        const a = [...xs].sort((x, y) => x - y);
        return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
      };
      const start: number[] = [];
      const ours: number[] = [];
      const outBytes = spawnSync(process.execPath, [cli, 'anchor', DOC_PATH, '--json'], { cwd: ws, maxBuffer: 1 << 28 }).stdout.length;
      for (let i = 0; i < 9; i++) {
        start.push(wall(['-e', '']));
        ours.push(wall([cli, 'anchor', DOC_PATH, '--json']));
      }
      const startMs = median(start);
      rows.push({ measure: 'info: node -e "" (Node start-up, same run)', median: startMs, runs: start.length });
      rows.push({ measure: `qda anchor --json, whole process less Node start-up (${(outBytes / 1e6).toFixed(1)} MB printed)`, median: median(ours) - startMs, runs: ours.length });
      // The same work with the baseline's re-anchoring, bundled the same way.
      const baseline = path.join(ws, 'baseline-cli.js');
      buildSync({ entryPoints: [path.join(root, 'bench', 'baseline-cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], outfile: baseline, logLevel: 'error' });
      const base: number[] = [];
      for (let i = 0; i < 3; i++) base.push(wall([baseline, DOC_PATH]));
      rows.push({ measure: 'baseline (Hypothesis\'s anchoring) as the same whole process, less Node start-up', median: median(base) - startMs, runs: base.length });
      rows.push({ measure: 'ratio baseline / ours, whole process', median: (median(base) - startMs) / (median(ours) - startMs), unit: '×' });
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }

  // Table.
  const table = rows.map((r) => {
    const value = r.unit === 'MB' ? `${r.median.toFixed(2)} MB` : r.unit === '×' ? `${Math.round(r.median)}×` : formatMs(r.median);
    const ok = r.targetMin !== undefined ? (r.median >= r.targetMin ? 'ok' : 'MISSED') : r.targetMs === undefined ? '—' : r.median <= r.targetMs ? 'ok' : 'MISSED';
    const label = r.runs && r.runs > 1 ? `${r.measure} [n=${r.runs}]` : r.measure;
    return { measure: label + (r.note && r.note !== 'info' ? ` (${r.note})` : ''), median: value, target: r.targetMin !== undefined ? `≥ ${r.targetMin}×` : r.targetMs === undefined ? '—' : `≤ ${formatMs(r.targetMs)}`, ok };
  });
  const headers = { measure: 'measure', median: 'median', target: 'target', ok: 'ok?' };
  const keys = ['measure', 'median', 'target', 'ok'] as const;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(headers[k].length, ...table.map((t) => t[k].length))])) as Record<(typeof keys)[number], number>;
  const line = (t: Record<(typeof keys)[number], string>): string => '| ' + keys.map((k) => (k === 'measure' ? t[k].padEnd(width[k]) : t[k].padStart(width[k]))).join(' | ') + ' |';
  log(line(headers));
  log('|' + keys.map((k) => (k === 'measure' ? ':' + '-'.repeat(width[k] + 1) : '-'.repeat(width[k] + 1) + ':')).join('|') + '|');
  for (const t of table) log(line(t));
  log();

  printCheck(`Re-anchoring check (ours, ${ANNOTATIONS} annotations)`, oursCheck, true);
  log(`  statuses: exact ${oursStatuses.exact}, moved ${oursStatuses.moved}, fuzzy ${oursStatuses.fuzzy}, orphan ${oursStatuses.orphan}`);
  printCheck(`Re-anchoring check (naive, sample of ${sample.length})`, naiveCheck);
  printCheck(`Re-anchoring check (baseline: Hypothesis's anchoring, ${ANNOTATIONS} annotations)`, hypoCheck);
  log(`Sidecar: parsed without problems: ${parseOk ? 'yes' : 'NO  ← MISSED'}; re-serialised byte-identical: ${roundTrip ? 'yes' : 'NO  ← MISSED'}; encodeSidecar's bytes are serializeSidecar's: ${encodedSame ? 'yes' : 'NO  ← MISSED'}`);
  log();

  const missed = table.filter((t) => t.ok === 'MISSED').map((t) => t.measure);
  if (oursCheck.violations > 0) missed.push(`re-anchoring correctness (${oursCheck.violations} violations)`);
  if (oursCheck.elsewhere > 0) missed.push(`untouched segments moved to another occurrence (${oursCheck.elsewhere})`);
  if (oursCheck.damagedWrong > 0) missed.push(`damaged segments placed on text they never covered (${oursCheck.damagedWrong})`);
  if (!parseOk) missed.push('sidecar parse without problems');
  if (!roundTrip) missed.push('sidecar round trip');
  if (!encodedSame) missed.push('encodeSidecar bytes equal to serializeSidecar');
  log(missed.length === 0 ? 'All targets met.' : `MISSED: ${missed.join('; ')}`);

  // import.meta.dirname is set under tsx; fall back to the usual working directory (npm run).
  const outDir = import.meta.dirname ? path.join(import.meta.dirname, 'results') : path.resolve('bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const out = {
    date: started.toISOString(),
    machine,
    data,
    results: rows.map((r) => ({
      measure: r.measure,
      median: r.median,
      unit: r.unit ?? 'ms',
      target: r.targetMs ?? null,
      targetMin: r.targetMin ?? null,
      ok: r.targetMin !== undefined ? r.median >= r.targetMin : r.targetMs === undefined ? null : r.median <= r.targetMs,
      runs: r.runs ?? null,
      note: r.note ?? null,
    })),
    load: { before: loadBefore, after: os.loadavg() },
    reanchorCheck: oursCheck,
    baselineCheck: hypoCheck,
    reanchorStatuses: oursStatuses,
    naiveCheck,
    sidecar: { sizeMB, parsedWithoutProblems: parseOk, roundTripIdentical: roundTrip, encodedIdentical: encodedSame },
    missed,
  };
  const file = path.join(outDir, 'latest.json');
  writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  log(`Results written to ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
