import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkCodebook, CodebookIndex, parseCodebook } from '../../src/core/codebook/codebook';
import type { Codebook } from '../../src/core/model/codebook';
import { lineColumn, MAX_LISTED_PROBLEMS } from '../../src/core/json';
import { createAnnotation } from '../../src/core/annotations';
import { loadDocument, saveDocument, unknownCodeProblems } from '../../src/core/project';
import { parseSidecar, serializeSidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { NodeStore } from '../../src/node/nodeStore';
import { qdaSync } from './helpers/cli';

/**
 * A generous bound that a busy machine still keeps: these took from half a minute to many minutes
 * before (growing with the square of the errors), and about a second or less now.
 */
const QUICK_MS = 20_000;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

const MORE = /^… and ([\d,]+) more problems in this file \(only the first 20 are listed/;

describe('reading files with many errors or deep nesting', function () {
  this.timeout(120_000);

  it('a sidecar with 10,000 schema errors is reported quickly, 20 listed with their lines and a count of the rest', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ id: `bad-${i}`, type: 'Annotation', body: [], target: 'doc.md' }));
    const text = JSON.stringify({ '@context': 'http://www.w3.org/ns/anno.jsonld', version: 1, id: 'urn:uuid:x', type: 'AnnotationCollection', items }, null, 2);
    const { value, ms } = timed(() => parseSidecar(text, 'doc.md.annotations.json'));
    assert.ok(ms < QUICK_MS, `took ${ms} ms`);
    assert.equal(value.problems.length, MAX_LISTED_PROBLEMS + 1);
    for (const p of value.problems.slice(0, MAX_LISTED_PROBLEMS)) assert.ok(p.line !== undefined && p.line > 1, p.message);
    const m = MORE.exec(value.problems.at(-1)!.message);
    assert.ok(m, value.problems.at(-1)!.message);
    assert.ok(Number(m[1].replace(/,/g, '')) >= 9_980);
    assert.ok(value.readOnly);
  });

  it('qda validate of a 10,000-annotation sidecar with 1,000 bad dates finishes quickly and lists 20 with a count', async () => {
    const ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'qda-limits-')));
    try {
      const line = 'The nurse said: we trust the hub now.\n';
      const raw = line.repeat(5000);
      await fs.writeFile(path.join(ws, 'doc.md'), raw);
      assert.equal(qdaSync(['init', '--template', 'network-orchestration'], ws).code, 0);
      const store = new NodeStore(ws);
      const doc = await loadDocument(store, 'doc.md');
      const t = Text.fromRaw(raw);
      for (let i = 0; i < 10_000; i++) doc.sidecar.annotations.push(createAnnotation(t, { start: (i % 5000) * line.length, end: (i % 5000) * line.length + 9, codes: ['orchestration-tasks'], creator: 'Seed' }));
      await saveDocument(store, doc);
      const file = path.join(ws, 'doc.md.annotations.json');
      let n = 0;
      const broken = (await fs.readFile(file, 'utf8')).replace(/"created": "[^"]+"/g, (m) => (n++ % 10 === 0 ? '"created": "yesterday"' : m));
      await fs.writeFile(file, broken);
      const t0 = performance.now();
      const r = qdaSync(['validate'], ws, 60_000);
      const ms = performance.now() - t0;
      assert.equal(r.code, 1, r.stderr);
      assert.ok(ms < 2 * QUICK_MS, `took ${ms} ms`);
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('doc.md.annotations.json'));
      assert.equal(lines.length, MAX_LISTED_PROBLEMS + 1, r.stdout.slice(0, 2000));
      assert.match(r.stdout, /… and 980 more problems in this file/);
    } finally {
      await fs.rm(ws, { recursive: true, force: true });
    }
  });

  it('10,000 segments with a code the codebook lacks are reported quickly: 20 located on their lines, then a count', () => {
    const text = new Text('x'.repeat(20_000));
    const annotations = Array.from({ length: 10_000 }, (_, i) => createAnnotation(text, { start: i, end: i + 1, codes: [`gone-${i % 7}`], creator: 'Ana', id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
    const raw = serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d01', annotations }, 'doc.md');
    const doc = { sidecar: parseSidecar(raw, 'doc.md.annotations.json').sidecar!, sidecarPath: 'doc.md.annotations.json' };
    const cb = new CodebookIndex({ version: 1, stages: [], codes: [{ id: 'kept', name: 'Kept' }] });
    const { value, ms } = timed(() => unknownCodeProblems(doc, raw, cb));
    assert.ok(ms < QUICK_MS, `took ${ms} ms`);
    assert.equal(value.length, MAX_LISTED_PROBLEMS + 1);
    const lines = raw.split('\n');
    value.slice(0, MAX_LISTED_PROBLEMS).forEach((p, i) => assert.ok(lines[p.line! - 1].includes(`urn:qda:code:gone-${i % 7}"`), `problem ${i + 1} is on its segment's line`));
    // Each problem at its own segment's line, in file order.
    const located = value.slice(0, MAX_LISTED_PROBLEMS).map((p) => p.line!);
    assert.deepEqual(located, [...located].sort((a, b) => a - b));
    assert.equal(new Set(located).size, located.length);
    assert.equal(MORE.exec(value.at(-1)!.message)?.[1], '9,980');
  });

  it('a codebook with 10,000 invalid ids is reported quickly, capped', () => {
    const codes = Array.from({ length: 10_000 }, (_, i) => ({ id: `!bad ${i}`, name: `Code ${i}` }));
    const text = JSON.stringify({ version: 1, name: 'x', stages: [], codes }, null, 2);
    const { value, ms } = timed(() => parseCodebook(text, 'codebook.json'));
    assert.ok(ms < QUICK_MS, `took ${ms} ms`);
    assert.equal(value.problems.length, MAX_LISTED_PROBLEMS + 1);
    assert.match(value.problems.at(-1)!.message, /… and 9,980 more problems/);
  });

  it('a valid 100,000-deep chain of parent codes reads quickly and without problems; a loop through all of them is found', () => {
    const codes = Array.from({ length: 100_000 }, (_, i) => ({ id: `c${i}`, name: `Code ${i}`, ...(i > 0 ? { parent: `c${i - 1}` } : {}) }));
    const text = JSON.stringify({ version: 1, name: 'x', stages: [], codes }, null, 2);
    const { value, ms } = timed(() => parseCodebook(text, 'codebook.json'));
    assert.ok(ms < QUICK_MS, `took ${ms} ms`);
    assert.deepEqual(value.problems, []);
    codes[0] = { ...codes[0], parent: 'c99999' };
    const loop = timed(() => parseCodebook(JSON.stringify({ version: 1, name: 'x', stages: [], codes }), 'codebook.json'));
    assert.ok(loop.ms < QUICK_MS, `took ${loop.ms} ms`);
    assert.match(loop.value.problems[0].message, /is its own ancestor/);
    assert.match(loop.value.problems.at(-1)!.message, /… and 99,980 more/);
  });

  it('finds exactly the codes on loops, as walking each code\'s parents does (property)', () => {
    const naive = (cb: Codebook): string[] => {
      const byId = new Map(cb.codes.map((c) => [c.id, c]));
      return cb.codes.filter((c) => {
        const seen = new Set<string>();
        for (let p = c.parent; p !== undefined && !seen.has(p); p = byId.get(p)?.parent) {
          if (p === c.id) return true;
          seen.add(p);
        }
        return false;
      }).map((c) => c.id);
    };
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }), { minLength: 1, maxLength: 12 }), (parents) => {
        const cb: Codebook = { version: 1, name: 'x', stages: [], codes: parents.map((p, i) => ({ id: `c${i}`, name: `n${i}`, ...(p !== undefined ? { parent: `c${p}` } : {}) })) };
        const found = checkCodebook(cb).filter((c) => /own ancestor/.test(c.message)).map((c) => cb.codes[Number(/\/codes\/(\d+)/.exec(c.pointer)![1])].id);
        assert.deepEqual(found, naive(cb));
      }),
    );
  });

  for (const [what, parse] of [
    ['sidecar', (t: string) => parseSidecar(t, 'doc.md.annotations.json').problems],
    ['codebook', (t: string) => parseCodebook(t, 'codebook.json').problems],
  ] as const) {
    it(`a ${what} of 100,000 nested arrays is named as nesting too deeply, valid or not`, () => {
      const d = 100_000;
      for (const text of ['['.repeat(d) + ']'.repeat(d), '{"items": ' + '['.repeat(d) + ']'.repeat(d) + '}', '['.repeat(d)]) {
        const problems = parse(text);
        assert.equal(problems.length, 1);
        assert.match(problems[0].message, /^This file nests too deeply \(more than 512 levels of \[ \] or \{ \}\)/);
        assert.ok(problems[0].file.endsWith('.json'));
      }
      // Brackets inside strings are no nesting.
      const quoted = JSON.stringify({ version: 1, name: '['.repeat(10_000), stages: [], codes: [] });
      assert.deepEqual(parse(quoted).filter((p) => /nests/.test(p.message)), []);
    });
  }

  it('lineColumn gives the lines and columns of a scan from the start (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', 'é', '\r') }), fc.nat(), (text, k) => {
        const offset = text.length === 0 ? 0 : k % (text.length + 1);
        const before = text.slice(0, offset);
        const line = before.split('\n').length;
        const column = offset - (before.lastIndexOf('\n') + 1) + 1;
        assert.deepEqual(lineColumn(text, offset), { line, column });
      }),
    );
  });
});
