/**
 * `npm run bench:index`: times the workspace index behind the codebook side panel on a
 * deterministic synthetic workspace (500 codes in a three-level hierarchy, 1,000 documents,
 * 100,000 annotations, in a MemoryStore, sidecars written by serializeSidecar), checks its counts
 * against a direct count, and prints one table of medians. Missed targets print as MISSED; the
 * exit code stays 0.
 */
import { CodebookIndex } from '../src/core/codebook/codebook';
import { loadAll, type WorkspaceIndex } from '../src/core/index/workspaceIndex';
import type { Annotation } from '../src/core/model/annotation';
import type { Code, Codebook, Stage } from '../src/core/model/codebook';
import { createDocumentMemo, serializeSidecar } from '../src/core/sidecar/format';
import { MemoryStore } from '../src/core/store-memory';

const ROOTS = 25;
const CHILDREN_PER_ROOT = 5;
const CODES = 500;
const DOCUMENTS = 1_000;
const ANNOTATIONS = 100_000;
const SITES = ['Hospital A', 'Hospital B', 'Hospital C', 'Hospital D'];
const ROLES = ['consultant', 'nurse', 'manager', 'paramedic', 'director'];

/** mulberry32: a small seeded generator, so every run builds the same workspace. */
class Rng {
  constructor(private s: number) {}
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Skewed towards small values, as code use is in real projects. */
  skewed(n: number): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** 2));
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuid = (n: number) => `urn:uuid:${hex(n, 8)}-0000-4000-8000-${hex(n, 12)}`;

function makeCodebook(): Codebook {
  const stages: Stage[] = [0, 1, 2, 3, 4].map((i) => ({ id: `stage-${i}`, name: `Stage ${i}`, colour: `#${hex(i * 40, 2)}8080` }));
  const codes: Code[] = [];
  const roots: string[] = [];
  const mids: string[] = [];
  for (let r = 0; r < ROOTS; r++) {
    const id = `code-${codes.length}`;
    roots.push(id);
    const code: Code = { id, name: `Theme ${r}`, stage: `stage-${r % stages.length}` };
    if (r % 5 === 0) code.memo = `Memo on theme ${r}: about trust and tempo.`;
    codes.push(code);
  }
  for (const root of roots) {
    for (let c = 0; c < CHILDREN_PER_ROOT; c++) {
      const id = `code-${codes.length}`;
      mids.push(id);
      codes.push({ id, name: `Category ${codes.length}`, parent: root });
    }
  }
  for (let i = 0; codes.length < CODES; i++) {
    codes.push({ id: `code-${codes.length}`, name: `Sub-code ${codes.length}`, parent: mids[i % mids.length] });
  }
  return { version: 1, name: 'Synthetic', stages, codes };
}

interface Workspace {
  store: MemoryStore;
  codebook: Codebook;
  attributes: Map<string, { site: string; role: string | string[] }>;
  /** Own segments per code, counted directly. */
  expected: Map<string, number>;
  docPaths: string[];
}

function makeWorkspace(): Workspace {
  const rng = new Rng(20260101);
  const codebook = makeCodebook();
  const ids = codebook.codes.map((c) => c.id);
  const files: Record<string, string> = {};
  const attributes = new Map<string, { site: string; role: string | string[] }>();
  const expected = new Map<string, number>();
  const docPaths: string[] = [];
  const perDoc = ANNOTATIONS / DOCUMENTS;
  let n = 0;
  for (let d = 0; d < DOCUMENTS; d++) {
    const site = SITES[d % SITES.length];
    const path = `${site.toLowerCase().replace(' ', '-')}/interview-${String(d).padStart(4, '0')}.md`;
    docPaths.push(path);
    attributes.set(path, { site, role: d % 7 === 0 ? [ROLES[d % 5], ROLES[(d + 1) % 5]] : ROLES[d % 5] });
    const annotations: Annotation[] = [];
    let pos = 0;
    for (let i = 0; i < perDoc; i++) {
      const k = rng.next();
      const count = k < 0.8 ? 1 : k < 0.97 ? 2 : 3;
      const codes = [...new Set(Array.from({ length: count }, () => ids[rng.skewed(ids.length)]))];
      for (const c of codes) expected.set(c, (expected.get(c) ?? 0) + 1);
      const start = pos + rng.int(200);
      const end = start + 20 + rng.int(300);
      pos = end;
      const a: Annotation = {
        id: uuid(++n),
        creator: ['Ana', 'Ben', 'Cy'][rng.int(3)],
        created: '2026-03-04T05:06:07Z',
        modified: '2026-03-04T05:06:07Z',
        codes,
        target: 'passage',
        start,
        end,
        exact: `passage ${n} about the network and its orchestration`,
        prefix: 'the words before it ',
        suffix: ' and the words after',
      };
      if (rng.next() < 0.1) a.memo = `Memo ${n}: ${rng.next() < 0.2 ? 'board trust' : 'handover'} between sites`;
      annotations.push(a);
    }
    if (d % 10 === 0) annotations.push(createDocumentMemo({ memo: `Document memo ${d}: recorded at the ${site} board`, creator: 'Ana', id: uuid(10_000_000 + d), now: new Date('2026-03-04T05:06:07Z') }));
    files[path + '.annotations.json'] = serializeSidecar({ version: 1, id: uuid(20_000_000 + d), textHash: 'sha256:' + '0'.repeat(64), annotations }, path);
  }
  return { store: new MemoryStore(files), codebook, attributes, expected, docPaths };
}

// ---- timing ----

interface Row {
  measure: string;
  median: number;
  targetMs?: number;
  runs: number;
}
const rows: Row[] = [];

async function measure<S>(label: string, o: { warmup: number; runs: number; targetMs?: number }, setup: () => S | Promise<S>, run: (s: S) => unknown): Promise<number> {
  for (let i = 0; i < o.warmup; i++) await run(await setup());
  const times: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const s = await setup();
    const t0 = performance.now();
    await run(s);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  rows.push({ measure: label, median, targetMs: o.targetMs, runs: times.length });
  return median;
}

function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(1)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  if (ms < 10_000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function printTable(): void {
  const table = rows.map((r) => [r.measure, formatMs(r.median), r.targetMs === undefined ? '—' : `≤ ${formatMs(r.targetMs)}`, r.targetMs === undefined ? '' : r.median <= r.targetMs ? 'ok' : 'MISSED', String(r.runs)]);
  const head = ['measure', 'median', 'target', 'ok?', 'runs'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w, i) => (i === 0 ? ':' : '-') + '-'.repeat(w) + (i === 0 ? '-' : ':')).join('|') + '|');
  for (const r of table) console.log(line(r));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const ws = makeWorkspace();
  const cb = new CodebookIndex(ws.codebook);
  console.log(`Workspace: ${CODES} codes (${ROOTS} themes, 3 levels), ${DOCUMENTS} documents, ${ANNOTATIONS.toLocaleString('en')} annotations; generated in ${formatMs(performance.now() - t0)}.`);

  let index!: WorkspaceIndex;
  await measure(`loadAll (${DOCUMENTS} sidecars, parse + index)`, { warmup: 1, runs: 5 }, () => undefined, async () => {
    index = await loadAll(ws.store, { codebook: cb });
  });
  for (const [p, a] of ws.attributes) index.setAttributes(p, a);

  // Check the counts against a direct count of the generated data.
  const counts = index.codeCounts();
  for (const [code, n] of ws.expected) if (counts.get(code)!.segments !== n) throw new Error(`count of ${code}: ${counts.get(code)!.segments}, expected ${n}`);
  const rootTotal = cb.children(undefined).reduce((n, c) => n + counts.get(c.id)!.withDescendants.segments, 0);
  if (rootTotal !== themeTotal(ws, cb)) throw new Error(`themes with descendants: ${rootTotal}, expected ${themeTotal(ws, cb)}`);
  console.log(`Counts checked against a direct count (${ws.expected.size} codes used).`);

  // The Codebook view's first render: every code's counts with descendants, built from the index.
  await measure('first codeCounts with descendants (after load)', { warmup: 3, runs: 15, targetMs: 200 }, () => index.setCodebook(cb), () => index.codeCounts());

  // A file event: one document's sidecar changed, then the view re-reads the counts.
  const doc = ws.docPaths[123];
  const sidecar = doc + '.annotations.json';
  const original = ws.store.files.get(sidecar)!;
  const changed = original.replace(/"urn:qda:code:code-(\d+)"/, (_m, d: string) => `"urn:qda:code:code-${(Number(d) + 1) % CODES}"`);
  let flip = false;
  await measure('upsertSidecar (1 document, 100 annotations) + codeCounts', { warmup: 20, runs: 201, targetMs: 16 }, () => (flip = !flip) ? changed : original, (text) => {
    index.upsertSidecar(sidecar, text);
    index.codeCounts();
  });
  index.upsertSidecar(sidecar, original);

  const filter = { attributes: { site: ['Hospital C'], role: ['consultant', 'nurse'] } };
  await measure('codeCounts with a case-attribute filter (uncached)', { warmup: 3, runs: 15, targetMs: 200 }, () => index.setAttributes(doc, ws.attributes.get(doc)), () => index.codeCounts(filter));
  await measure('segments of a theme with descendants (grouped by document)', { warmup: 3, runs: 15, targetMs: 100 }, () => undefined, () => index.segments(['code-0'], undefined, { withDescendants: true }));
  await measure('memos search ("board trust")', { warmup: 3, runs: 15, targetMs: 100 }, () => undefined, () => index.memos('board trust'));

  console.log();
  printTable();
}

/** The sum over coded annotations of the number of distinct themes (root codes) among their codes, from the sidecar texts. */
function themeTotal(ws: Workspace, cb: CodebookIndex): number {
  const rootOf = (id: string): string => {
    let c = cb.codes.get(id)!;
    while (c.parent) c = cb.codes.get(c.parent)!;
    return c.id;
  };
  let total = 0;
  for (const text of ws.store.files.values()) {
    for (const item of (JSON.parse(text) as { items: { body?: { source?: string }[] }[] }).items) {
      const codes = (item.body ?? []).filter((b) => b.source).map((b) => b.source!.slice('urn:qda:code:'.length));
      total += new Set(codes.map(rootOf)).size;
    }
  }
  return total;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
