import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { createAnnotation } from '../../src/core/annotations';
import { retarget, type Annotation } from '../../src/core/model/annotation';
import { loadDocument, saveDocument } from '../../src/core/project';
import { MemoryStore } from '../../src/core/store-memory';
import { annotationChanges, applyAnnotationChanges, rebaseAnnotations, updateDocument } from '../../src/core/update';
import { NodeStore } from '../../src/node/nodeStore';
import { LocalFiles, STALE_LOCK_MS } from '../../src/node/localFiles';
import { Text } from '../../src/core/text/text';
import { qda, qdaSync } from './helpers/cli';

const LINE = 'The nurse said: we trust the hub now. The consultant said: the hub slows us down.\n';

let ws: string;

/** A workspace with a codebook and a document whose sidecar has `n` annotations. */
async function workspace(n: number): Promise<void> {
  ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'qda-conc-')));
  const text = LINE.repeat(Math.max(1, Math.ceil(n / 2)));
  await fs.writeFile(path.join(ws, 'doc.md'), text);
  assert.equal(qdaSync(['init', '--template', 'network-orchestration'], ws).code, 0);
  const store = new NodeStore(ws);
  const doc = await loadDocument(store, 'doc.md');
  const t = Text.fromRaw(text);
  for (let i = 0; i < n; i++) {
    const start = (i % Math.ceil(n / 2)) * LINE.length + (i % 2) * 40;
    doc.sidecar.annotations.push(createAnnotation(t, { start, end: start + 20, codes: ['orchestration-tasks'], creator: 'Seed' }));
  }
  await saveDocument(store, doc);
}

async function ids(): Promise<string[]> {
  const j = JSON.parse(await fs.readFile(path.join(ws, 'doc.md.annotations.json'), 'utf8')) as { items: { id: string }[] };
  return j.items.map((i) => i.id);
}

const add = (k: number) => qda(['add', 'doc.md', '--code', 'brokering-relations', '--start', String(k), '--end', String(k + 10)], ws);

describe('concurrent writers of one sidecar', function () {
  this.timeout(600_000);

  afterEach(async () => {
    if (ws) await fs.rm(ws, { recursive: true, force: true });
  });

  for (const [n, writers, trials] of [
    [6, 6, 5],
    [10_000, 4, 2],
  ] as const) {
    it(`${writers} qda add at once on a document with ${n.toLocaleString('en-US')} annotations: none lost (${trials} trials)`, async () => {
      await workspace(n);
      let expected = await ids();
      assert.equal(expected.length, n);
      for (let t = 0; t < trials; t++) {
        const runs = await Promise.all(Array.from({ length: writers }, (_, k) => add(k)));
        for (const r of runs) assert.equal(r.code, 0, r.stderr);
        const added = runs.map((r) => r.stdout.trim());
        expected = [...expected, ...added];
        const now = await ids();
        const lost = expected.filter((id) => !now.includes(id));
        assert.deepEqual(lost, [], `trial ${t}: lost ${lost.length}`);
        assert.equal(now.length, expected.length);
      }
    });
  }

  it('qda add beside qda anchor --write: none lost', async () => {
    await workspace(6);
    let expected = await ids();
    for (let t = 0; t < 6; t++) {
      const runs = await Promise.all([add(1), qda(['anchor', 'doc.md', '--write'], ws), add(2), qda(['anchor', 'doc.md', '--write'], ws)]);
      for (const r of runs) assert.equal(r.code, 0, r.stderr);
      expected = [...expected, runs[0].stdout.trim(), runs[2].stdout.trim()];
      const now = await ids();
      assert.deepEqual(expected.filter((id) => !now.includes(id)), [], `trial ${t}`);
    }
  });

  it('a lock left by a killed writer is taken over after a while, with a message', async () => {
    await workspace(6);
    const lock = path.join(ws, 'doc.md.annotations.json.lock');
    await fs.mkdir(lock);
    const past = new Date(Date.now() - STALE_LOCK_MS - 2000);
    await fs.utimes(lock, past, past);
    const r = await add(3);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /A lock on doc\.md\.annotations\.json left by an interrupted save \(since .* UTC\) was taken over/);
    assert.equal((await ids()).length, 7);
    await assert.rejects(fs.stat(lock), 'the lock is released');
  });

  it('a lock held by a writer that was killed is taken over once it is stale; a live one makes the next writer wait, then give up plainly', async () => {
    await workspace(6);
    // A writer that takes the lock and is killed while holding it.
    const script = `
      const { NodeStore } = require(${JSON.stringify(path.resolve(__dirname, '../../src/node/nodeStore.ts'))});
      new NodeStore(${JSON.stringify(ws)}).withLock('doc.md.annotations.json', () => { process.stdout.write('locked\\n'); setInterval(() => {}, 1000); return new Promise(() => {}); });`;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // While it lives, its lock is fresh: a writer waiting at most 1 s gives up with a plain message.
    const waiting = new LocalFiles(ws, () => undefined, 1000);
    await assert.rejects(waiting.withLock('doc.md.annotations.json', async () => 'ran'), /is being saved by another program .* not released within 1 s; nothing was written/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const t0 = Date.now();
    const r = await add(4);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - t0 >= STALE_LOCK_MS - 3000, 'waited for the lock to go stale');
    assert.match(r.stderr, /left by an interrupted save .* was taken over/);
    assert.equal((await ids()).length, 7);
  });

  it('writers in one process take turns too (a store without a file lock re-reads under its own)', async () => {
    const store = new MemoryStore({ 'doc.md': LINE });
    const t = Text.fromRaw(LINE);
    await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        updateDocument(store, 'doc.md', async (doc) => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          doc.sidecar.annotations.push(createAnnotation(t, { start: k, end: k + 5, codes: ['c'], creator: 'x' }));
        }),
      ),
    );
    assert.equal((await loadDocument(store, 'doc.md')).sidecar.annotations.length, 20);
  });

  it('changes by id applied to a newer reading keep the other writer\'s changes (property)', () => {
    const t = Text.fromRaw(LINE);
    const ann = (k: number, memo?: string): Annotation => ({ ...createAnnotation(t, { start: k, end: k + 3, codes: ['c'], creator: 'x' }), ...(memo ? { memo } : {}) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 8 }), (n, mine, theirs) => {
        const base = Array.from({ length: n }, (_, k) => ann(k));
        // Each writer edits its own copy: 0 add, 1 remove the first, 2 change a memo, 3 nothing.
        const edit = (ops: number[], who: string) => {
          const list = base.map((a) => ({ ...a }));
          for (const op of ops) {
            if (op === 0) list.push(ann(10, who));
            else if (op === 1 && list.length > 0) list.splice(0, 1);
            else if (op === 2 && list.length > 0) list[list.length - 1] = { ...list[list.length - 1], memo: who };
          }
          return list;
        };
        const a = edit(mine, 'a');
        const b = edit(theirs, 'b');
        const merged = b.map((x) => ({ ...x }));
        const changes = annotationChanges(base, a);
        applyAnnotationChanges(merged, changes);
        const ids = new Set(merged.map((x) => x.id));
        // Every annotation the other writer added is kept, and so is every one we added.
        for (const x of [...b, ...a]) if (!base.some((y) => y.id === x.id)) assert.ok(ids.has(x.id));
        // What we removed is gone; what they removed and we did not change stays gone.
        for (const id of changes.removed) assert.ok(!ids.has(id));
        for (const x of base) if (!b.some((y) => y.id === x.id) && !changes.put.some((y) => y.id === x.id)) assert.ok(!ids.has(x.id));
        assert.equal(ids.size, merged.length, 'no id twice');
      }),
    );
  });
});

describe('Rebasing one writer\'s annotations onto another\'s save', () => {
  type Over = Partial<Omit<Annotation, 'target' | 'start' | 'end'>> & { id: string; start?: number; end?: number };
  const A = (over: Over): Annotation => ({ creator: 'Ana', created: '2026-11-01T09:00:00Z', modified: '2026-11-01T09:00:00Z', codes: ['a'], exact: 'Hello', prefix: '', suffix: ' world', ...over, target: 'passage', start: over.start ?? 0, end: over.end ?? 5 });
  const moved = (a: Annotation, start: number, end: number): Annotation => retarget(a, { target: 'passage', start, end });
  const id = (n: number) => `urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('keeps their recode of a segment we only moved, and our move', () => {
    const b = A({ id: id(1) });
    const out = rebaseAnnotations([b], [{ ...moved(b, 7, 12), modified: '2026-11-02T00:00:00Z' }], [{ ...b, codes: ['b'], modified: '2026-11-03T00:00:00Z' }]);
    assert.deepEqual(out.map((a) => [a.codes, a.start, a.end, a.modified]), [[['b'], 7, 12, '2026-11-03T00:00:00Z']]);
  });

  it('adds what either side added, removes what we removed unless they changed it, keeps what we changed that they removed', () => {
    const x = A({ id: id(1) });
    const y = A({ id: id(2) });
    const z = A({ id: id(3) });
    const ours = [{ ...z, memo: 'ours' }, A({ id: id(4) })]; // removed x and y, changed z, added 4
    const theirs = [x, { ...y, codes: ['c'] }, A({ id: id(5) })]; // changed y, removed z, added 5
    const out = rebaseAnnotations([x, y, z], ours, theirs);
    assert.deepEqual(out.map((a) => a.id).sort(), [id(2), id(3), id(4), id(5)].sort());
    assert.equal(out.find((a) => a.id === id(3))!.memo, 'ours');
    assert.deepEqual(out.find((a) => a.id === id(2))!.codes, ['c']);
  });

  it('whatever two writers do from one base, every part one of them changed survives (property)', () => {
    const part = fc.record({ codes: fc.subarray(['a', 'b', 'c'], { minLength: 1 }), memo: fc.option(fc.constantFrom('m1', 'm2'), { nil: undefined }), start: fc.integer({ min: 0, max: 9 }) });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), fc.array(fc.option(part, { nil: null }), { maxLength: 5 }), fc.array(fc.option(part, { nil: null }), { maxLength: 5 }), (bases, oursSpec, theirsSpec) => {
        const base = bases.map((p, i) => A({ id: id(i), codes: p.codes, memo: p.memo, start: p.start, end: p.start + 5 }));
        const edit = (spec: (typeof oursSpec)[number] | undefined, a: Annotation): Annotation | undefined =>
          spec === undefined ? a : spec === null ? undefined : { ...moved(a, spec.start, spec.start + 5), codes: spec.codes, memo: spec.memo };
        const ours = base.map((a, i) => edit(oursSpec[i], a)).filter((a): a is Annotation => !!a);
        const theirs = base.map((a, i) => edit(theirsSpec[i], a)).filter((a): a is Annotation => !!a);
        const out = new Map(rebaseAnnotations(base, ours, theirs).map((a) => [a.id, a]));
        base.forEach((b, i) => {
          const o = ours.find((a) => a.id === b.id);
          const t = theirs.find((a) => a.id === b.id);
          const changed = (x: Annotation | undefined) => x !== undefined && JSON.stringify([x.codes, x.memo, x.start]) !== JSON.stringify([b.codes, b.memo, b.start]);
          const m = out.get(b.id);
          if (changed(o) || changed(t)) assert.ok(m, `annotation ${i} changed by a writer is kept`);
          if (m && changed(o) && JSON.stringify(o!.codes) !== JSON.stringify(b.codes)) assert.deepEqual(m.codes, o!.codes);
          if (m && changed(t) && JSON.stringify(t!.codes) !== JSON.stringify(b.codes) && JSON.stringify(o?.codes) === JSON.stringify(b.codes)) assert.deepEqual(m.codes, t!.codes);
          if (m && o && t && o.start === b.start && t.start !== b.start) assert.equal(m.start, t.start);
          if (!changed(o) && !changed(t) && (!o || !t)) assert.equal(m, undefined, 'removed by one side and changed by none: gone');
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('Rebasing keeps what an annotation points at consistent', () => {
  it('a segment we re-attached (lost → at a place) stays at its place over their edit of its codes', () => {
    const lost: Annotation = { id: 'urn:uuid:00000000-0000-4000-8000-000000000009', creator: 'Ana', created: '2026-11-01T09:00:00Z', modified: '2026-11-01T09:00:00Z', codes: ['a'], target: 'lost', exact: 'Hello', prefix: '', suffix: '' };
    const ours = retarget(lost, { target: 'passage', start: 3, end: 8 });
    const [out] = rebaseAnnotations([lost], [ours], [{ ...lost, codes: ['b'] }]);
    assert.equal(out.target, 'passage');
    assert.deepEqual([out.start, out.end, out.codes], [3, 8, ['b']]);
  });
});
