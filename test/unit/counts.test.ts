/**
 * One definition of every count: `qda stats`, the side panel's index (Codebook, Stages and Coded
 * segments views) and the export give the same numbers on the same workspace, and those are the
 * numbers of the definition (a coded segment is an annotation with at least one code; a stage
 * counts distinct segments), computed here directly from the generated annotations.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { CodebookIndex, serializeCodebook } from '../../src/core/codebook/codebook';
import { segmentsTable } from '../../src/core/index/exportSegments';
import { loadAll } from '../../src/core/index/workspaceIndex';
import type { Annotation } from '../../src/core/model/annotation';
import type { Codebook } from '../../src/core/model/codebook';
import type { Stats } from '../../src/core/project';
import { serializeSidecar } from '../../src/core/sidecar/format';
import { NodeStore } from '../../src/node/nodeStore';

const STAGES = ['s0', 's1'];
/** Code ids, some named like properties every JavaScript object has. */
const IDS = ['alpha', 'constructor', 'toString', 'valueOf', 'beta', 'gamma'];
const DOCS = ['a.md', 'x/b.md', 'x/y/c.md', 'd.md'];

const codebookArb = fc
  .tuple(
    fc.array(fc.option(fc.constantFrom(...STAGES), { nil: undefined }), { minLength: IDS.length, maxLength: IDS.length }),
    // Each code's parent comes before it: no cycles.
    fc.array(fc.option(fc.nat(), { nil: undefined }), { minLength: IDS.length, maxLength: IDS.length }),
  )
  .map(([stages, parents]): Codebook => ({
    version: 1,
    stages: STAGES.map((id) => ({ id, name: `Stage ${id}` })),
    codes: IDS.map((id, i) => {
      const p = parents[i];
      return { id, name: `Code ${id}`, ...(stages[i] ? { stage: stages[i] } : {}), ...(p !== undefined && i > 0 ? { parent: IDS[p % i] } : {}) };
    }),
  }));

const annArb = fc.record({
  codes: fc.array(fc.constantFrom(...IDS, 'ghost', 'hasOwnProperty'), { maxLength: 4 }),
  kind: fc.constantFrom('passage', 'passage', 'orphan', 'whole'),
  memo: fc.option(fc.constantFrom('a memo', 'why here?'), { nil: undefined }),
  start: fc.nat({ max: 40 }),
});

const workspaceArb = fc.record({
  codebook: codebookArb,
  docs: fc.array(fc.record({ doc: fc.nat({ max: DOCS.length - 1 }), anns: fc.array(annArb, { maxLength: 6 }), broken: fc.boolean() }), { maxLength: 4 }),
});

function annotation(k: number, a: { codes: string[]; kind: string; memo?: string; start: number }): Annotation {
  const whole = a.kind === 'whole';
  const ann: Annotation = {
    id: `urn:uuid:00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
    creator: 'Ana',
    created: '2026-02-03T04:05:06Z',
    modified: '2026-02-03T04:05:06Z',
    codes: a.codes,
    ...(a.kind === 'passage' ? { target: 'passage' as const, start: a.start, end: a.start + 5 } : whole ? { target: 'document' as const } : { target: 'lost' as const }),
    exact: whole ? '' : `quote ${k}`,
    prefix: '',
    suffix: '',
  };
  if (a.memo !== undefined || whole) ann.memo = a.memo ?? 'a document memo';
  return ann;
}

/** The counts by their definition, from the annotations of the readable sidecars. */
function reference(cb: Codebook, files: Map<string, Annotation[]>) {
  const parent = new Map(cb.codes.map((c) => [c.id, c.parent]));
  const lineage = (code: string): string[] => {
    const out = [code];
    for (let p = parent.get(code); p !== undefined && !out.includes(p); p = parent.get(p)) out.push(p);
    return out;
  };
  const stageOf = (code: string): string | null | undefined => {
    if (!parent.has(code)) return null; // not in the codebook: in no stage group
    for (const c of lineage(code)) {
      const s = cb.codes.find((x) => x.id === c)!.stage;
      if (s) return s;
    }
    return undefined;
  };
  const segments: { document: string; codes: Set<string> }[] = [];
  for (const [document, anns] of files) for (const a of anns) if (a.codes.length > 0) segments.push({ document, codes: new Set(a.codes) });
  const count = (keep: (codes: Set<string>) => boolean) => {
    const mine = segments.filter((s) => keep(s.codes));
    return { segments: mine.length, documents: new Set(mine.map((s) => s.document)).size };
  };
  const used = [...new Set(segments.flatMap((s) => [...s.codes]))];
  const order = [...cb.codes.map((c) => c.id), ...used.filter((c) => !parent.has(c)).sort()];
  const byCode = order.map((code) => ({
    code,
    name: parent.has(code) ? `Code ${code}` : `${code} (not in the codebook)`,
    ...count((codes) => codes.has(code)),
    withSubCodes: count((codes) => [...codes].some((c) => lineage(c).includes(code))),
  }));
  const byStage = [...cb.stages.map((s) => ({ stage: s.id as string | null, name: s.name })), ...(cb.codes.some((c) => stageOf(c.id) === undefined) ? [{ stage: null, name: 'No stage' }] : [])].map((s) => ({
    ...s,
    ...count((codes) => [...codes].some((c) => stageOf(c) === (s.stage ?? undefined))),
  }));
  const docs = [...new Set(segments.map((s) => s.document))].sort();
  const byDocument = docs.map((document) => {
    const mine = segments.filter((s) => s.document === document);
    const codes = order.filter((c) => mine.some((s) => s.codes.has(c))).map((c) => [c, mine.filter((s) => s.codes.has(c)).length] as const);
    return { document, segments: mine.length, codes: Object.fromEntries(codes) };
  });
  return { byCode, byStage, byDocument, total: segments.length, documents: docs.length };
}

describe('counts: one definition for qda stats, the side panel and the export', function () {
  this.timeout(120_000);
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-counts-'));
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('qda stats --json, the index and the export agree with the definition on random workspaces (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(workspaceArb, async ({ codebook, docs }) => {
        const dir = path.join(root, String(++run));
        await fs.mkdir(dir);
        await fs.writeFile(path.join(dir, 'codebook.json'), serializeCodebook(codebook));
        const readable = new Map<string, Annotation[]>();
        const broken = new Set<string>();
        let k = 0;
        for (const d of docs) {
          const doc = DOCS[d.doc];
          await fs.mkdir(path.dirname(path.join(dir, doc)), { recursive: true });
          await fs.writeFile(path.join(dir, doc), 'Some text of the interview, long enough for every quote.\n');
          const anns = d.anns.map((a) => annotation(++k, a));
          const text = d.broken ? '<<<<<<< HEAD\n{}\n' : serializeSidecar({ version: 1, id: 'urn:uuid:11111111-1111-4111-8111-111111111111', annotations: anns }, doc);
          await fs.writeFile(path.join(dir, doc + '.annotations.json'), text);
          if (d.broken) {
            broken.add(doc);
            readable.delete(doc);
          } else {
            broken.delete(doc);
            readable.set(doc, anns);
          }
        }
        const expected = reference(codebook, readable);

        const out: string[] = [];
        const err: string[] = [];
        const code = await main(['stats', '--json', '--workspace', dir], { log: (s) => out.push(s), err: (s) => err.push(s) });
        const cli = JSON.parse(out.join('\n')) as Stats;
        assert.equal(code, broken.size > 0 ? 1 : 0, err.join('\n'));
        assert.deepEqual([...new Set(cli.problems.map((p) => p.file))].sort(), [...broken].map((d) => d + '.annotations.json').sort());
        for (const d of broken) assert.ok(err.some((e) => e.includes(d + '.annotations.json')), `${d} named on stderr`);
        assert.deepEqual({ ...cli, problems: undefined }, { ...expected, problems: undefined });

        // The side panel's index over the same files.
        const cbIndex = new CodebookIndex(codebook);
        const ix = await loadAll(new NodeStore(dir), { codebook: cbIndex });
        const panel = ix.codeCounts();
        assert.deepEqual(
          [...panel].map(([c, n]) => [c, n.segments, n.documents, n.withDescendants.segments, n.withDescendants.documents]),
          expected.byCode.map((c) => [c.code, c.segments, c.documents, c.withSubCodes.segments, c.withSubCodes.documents]),
        );
        const stages = ix.stageCounts();
        for (const s of expected.byStage) assert.deepEqual(stages.get(s.stage ?? undefined), { segments: s.segments, documents: s.documents }, `stage ${s.stage}`);
        assert.deepEqual(ix.totals(), { segments: expected.total, documents: expected.documents });
        // The Coded segments view of one code lists its segments with sub-codes.
        for (const c of expected.byCode) {
          const listed = ix.segments([c.code], undefined, { withDescendants: true });
          assert.equal(listed.reduce((n, d) => n + d.segments.length, 0), c.withSubCodes.segments, `segments of ${c.code}`);
          assert.equal(listed.length, c.withSubCodes.documents);
        }
        // The export: one row per segment and code; every coded segment once.
        const rows = segmentsTable(ix, cbIndex).slice(1);
        assert.equal(new Set(rows.map((r) => `${r[0]}|${r[1]}`)).size, expected.total);
      }),
      { numRuns: 100 },
    );
  });
});
