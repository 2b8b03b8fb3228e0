/**
 * `npm run bench:outline`: the stage outline of a transcript, side by side with remark's own parse.
 *
 * On a deterministic 1 MB transcript (front matter, stage markers under some headings) with
 * 10,000 coded segments, it times, as medians:
 * - remark's own parse of the text (unified + remark-parse + remark-gfm + remark-frontmatter);
 * - the first outline: parseStructure + buildOutline (which assigns the stages); target within
 *   1.2× remark's parse, runs alternating with it so both see the same machine state;
 * - the outline after a one-character edit: updateStructure + buildOutline; target 50 ms;
 * - a typical 60 KB interview's full outline; target 50 ms;
 * - the outline when only the coding changes: buildOutline over the cached structure, checking
 *   that nothing is parsed again; target 50 ms.
 * Prints a table (measure, median, target, ok?). Missed targets print as MISSED; exit code 0.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { updateStructure } from '../src/core/markdown/incremental';
import { buildOutline } from '../src/core/markdown/outline';
import { type CodedSegment, segmentsFromAnnotations } from '../src/core/markdown/stages';
import { parseStats, parseStructure } from '../src/core/markdown/structure';
import type { Stage } from '../src/core/model/codebook';
import { Text } from '../src/core/text/text';
import { CODES, generateAnnotations, generateTranscript, Rng } from './data';

const ANNOTATIONS = 10_000;

const STAGES: Stage[] = [
  { id: 'leadership', name: 'Leadership and governance' },
  { id: 'membership', name: 'Membership and roles' },
  { id: 'relationships', name: 'Relationships and processes' },
];
/** Codes in turn to the three stages; every fourth code has none. */
const CODE_STAGE = new Map(CODES.map((c, i) => [c, i % 4 === 3 ? undefined : STAGES[i % 4].id]));
const stageOfCode = (id: string): string | undefined => CODE_STAGE.get(id);
const codeName = (id: string): string => id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The generated transcript with front matter and a stage marker under every third heading. */
function transcript(seed: number, length: number): string {
  let n = 0;
  const body = generateTranscript(seed, length).replace(/^(## .*\n\n)/gm, (h: string) => {
    n++;
    return n % 3 === 0 ? `${h}<!-- stage: ${STAGES[(n / 3) % 3].id} -->\n\n` : h;
  });
  return `---\nparticipant: P07\ntype: interview\n---\n\n${body}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall-clock and CPU milliseconds of one run. CPU time counts this process only, so it shows the work done even when other processes share the machine. */
interface Sample {
  wall: number;
  cpu: number;
}

function time(run: () => void): Sample {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

interface Timing {
  median: number;
  cpu: number;
  runs: number;
}

function summarise(samples: Sample[]): Timing {
  return { median: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), runs: samples.length };
}

/** Times `run` `runs` times after `warmup` untimed runs; `setup` (untimed) prepares each run. */
function measure<S>(warmup: number, runs: number, setup: () => S, run: (s: S) => void): Timing {
  for (let i = 0; i < warmup; i++) run(setup());
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const s = setup();
    samples.push(time(() => run(s)));
  }
  return summarise(samples);
}

function formatMs(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 100 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(0)} ms`;
}

function log(s = ''): void {
  process.stdout.write(s + '\n');
}

/** Segments moved past an edit, as live anchoring would move them. */
function shift(segments: readonly CodedSegment[], offset: number, removed: number, inserted: number): CodedSegment[] {
  const d = inserted - removed;
  const at = (p: number) => (p <= offset ? p : p >= offset + removed ? p + d : offset + inserted);
  return segments.map((s) => (s.end <= offset ? s : { ...s, start: at(s.start), end: at(s.end) }));
}

function main(): void {
  const cpus = os.cpus();
  log(`Orchestration QDA outline benchmark — ${new Date().toISOString()}`);
  log(`Machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}, Node ${process.version}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the start`);

  const raw = transcript(7, 1_000_000);
  const text = new Text(raw);
  const segments = segmentsFromAnnotations(generateAnnotations(text, ANNOTATIONS, 11), text);
  const small = transcript(23, 60_000);
  const smallText = new Text(small);
  const smallSegments = segmentsFromAnnotations(generateAnnotations(smallText, 600, 29), smallText);
  const first = parseStructure(raw);
  log(`Data: ${(Buffer.byteLength(raw) / 1e6).toFixed(2)} MB transcript, ${first.blocks.length} blocks, ${first.headings.length} headings, ${first.turns.length} speaker turns, ${first.markers.length} stage markers, ${segments.length} coded segments; ${(Buffer.byteLength(small) / 1e3).toFixed(0)} KB interview with ${smallSegments.length} segments`);
  log();

  const rows: { measure: string; t: Timing; target?: number; note?: string }[] = [];

  // 1 and 2, alternating run by run so both see the same machine: remark's own parse and the first outline.
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter).freeze();
  const remarkSamples: Sample[] = [];
  const outlineSamples: Sample[] = [];
  for (let i = 0; i < 2; i++) {
    processor.parse(raw);
    buildOutline(parseStructure(raw), STAGES, segments, codeName, stageOfCode);
  }
  for (let i = 0; i < 11; i++) {
    remarkSamples.push(time(() => processor.parse(raw)));
    outlineSamples.push(time(() => buildOutline(parseStructure(raw), STAGES, segments, codeName, stageOfCode)));
  }
  const remark = summarise(remarkSamples);
  const firstOutline = summarise(outlineSamples);
  rows.push({ measure: 'remark parse, 1 MB (remark-parse + gfm + frontmatter)', t: remark });
  rows.push({
    measure: 'first outline, 1 MB: parseStructure + stages + buildOutline',
    t: firstOutline,
    target: 1.2 * remark.median,
    note: `${(firstOutline.median / remark.median).toFixed(2)}× remark (CPU ${(firstOutline.cpu / remark.cpu).toFixed(2)}×)`,
  });
  rows.push({ measure: '  of which stages + buildOutline', t: measure(3, 21, () => undefined, () => buildOutline(first, STAGES, segments, codeName, stageOfCode)) });

  // 3. One keystroke: updateStructure + outline.
  {
    const rng = new Rng(31);
    let checked = false;
    const t = measure(5, 41, () => {
      const offset = rng.int(raw.length >> 2, raw.length - 1);
      return { offset, newText: raw.slice(0, offset) + 'x' + raw.slice(offset) };
    }, ({ offset, newText }) => {
      const s = updateStructure(first, raw, { offset, removed: 0, inserted: 'x' }, newText);
      buildOutline(s, STAGES, shift(segments, offset, 0, 1), codeName, stageOfCode);
      if (!checked) {
        checked = true; // in a warm-up run, untimed
        assert.deepStrictEqual(s, parseStructure(newText), 'the updated structure differs from a full parse');
      }
    });
    rows.push({ measure: 'after a one-character edit, 1 MB: updateStructure + outline', t, target: 50 });
  }
  {
    const rng = new Rng(37);
    const t = measure(5, 41, () => {
      const offset = rng.int(raw.length >> 2, raw.length - 1);
      return { offset, newText: raw.slice(0, offset) + '\n' + raw.slice(offset) };
    }, ({ offset, newText }) => {
      buildOutline(updateStructure(first, raw, { offset, removed: 0, inserted: '\n' }, newText), STAGES, shift(segments, offset, 0, 1), codeName, stageOfCode);
    });
    rows.push({ measure: 'after typing Enter, 1 MB: updateStructure + outline', t, target: 50 });
  }
  {
    const offset = raw.length >> 1;
    const newText = raw.slice(0, offset) + 'x' + raw.slice(offset);
    rows.push({ measure: '  of which updateStructure', t: measure(5, 41, () => undefined, () => updateStructure(first, raw, { offset, removed: 0, inserted: 'x' }, newText)) });
  }

  // 4. A typical interview.
  const kb = `${(small.length / 1000).toFixed(0)} KB`;
  rows.push({ measure: `remark parse, ${kb} interview`, t: measure(5, 41, () => undefined, () => processor.parse(small)) });
  rows.push({
    measure: `typical interview, ${kb}, ${smallSegments.length} segments: full outline`,
    t: measure(5, 41, () => undefined, () => buildOutline(parseStructure(small), STAGES, smallSegments, codeName, stageOfCode)),
    target: 50,
  });

  // 5. Only the coding changes: the cached structure is reused, nothing is parsed.
  {
    const rng = new Rng(41);
    const before = { ...parseStats };
    const t = measure(3, 41, () => {
      const i = rng.int(0, segments.length - 1);
      const changed = segments.slice();
      changed[i] = { ...changed[i], codes: [rng.pick(CODES)] };
      return changed;
    }, (changed) => {
      buildOutline(first, STAGES, changed, codeName, stageOfCode);
    });
    const parses = parseStats.full - before.full + parseStats.partial - before.partial;
    rows.push({ measure: 'coding changed only, 1 MB: outline from the cached structure', t, target: 50, note: parses === 0 ? 'parses: 0' : `parses: ${parses}  ← MISSED: expected none` });
  }

  // Table.
  const table = rows.map((r) => ({
    measure: r.measure,
    median: formatMs(r.t.median),
    cpu: formatMs(r.t.cpu),
    target: r.target === undefined ? '—' : `≤ ${formatMs(r.target)}`,
    ok: r.target === undefined ? '—' : r.t.median <= r.target && !(r.note ?? '').includes('MISSED') ? 'ok' : 'MISSED',
    runs: String(r.t.runs),
    note: r.note ?? '',
  }));
  const keys = ['measure', 'median', 'cpu', 'target', 'ok', 'runs', 'note'] as const;
  const headers = { measure: 'measure', median: 'median', cpu: 'CPU', target: 'target', ok: 'ok?', runs: 'runs', note: 'note' };
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(headers[k].length, ...table.map((t) => t[k].length))])) as Record<(typeof keys)[number], number>;
  const line = (t: Record<(typeof keys)[number], string>): string => '| ' + keys.map((k) => (k === 'measure' || k === 'note' ? t[k].padEnd(width[k]) : t[k].padStart(width[k]))).join(' | ') + ' |';
  log('Medians of wall-clock time; CPU is the median CPU time of this process for the same runs (wall above CPU means the machine was busy).');
  log(line(headers));
  log('|' + keys.map((k) => '-'.repeat(width[k] + 2)).join('|') + '|');
  for (const t of table) log(line(t));
  log(`Load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (on ${cpus.length} cores: above ${cpus.length}, other work shared the machine).`);
  const missed = table.filter((t) => t.ok === 'MISSED');
  log();
  log(missed.length === 0 ? 'All targets met.' : `MISSED: ${missed.map((t) => t.measure).join('; ')}`);
}

main();
