import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAnnotation } from '../../src/core/annotations';
import { annotationToW3C, compareAnnotations, parseSidecar, serializeSidecar, type Sidecar } from '../../src/core/sidecar/format';
import { codeIdFromIri, codeIri, documentIri, documentPathFor, sidecarPathFor } from '../../src/core/sidecar/iri';
import { Text } from '../../src/core/text/text';

const text = new Text('Interviewer: Tell me about the board.\nND: We brought the audit figures 📊 to every meeting.\nInterviewer: Why?\n');
const NOW = new Date('2026-03-04T05:06:07Z');
function make(start: number, end: number, k: number, extra: Partial<{ memo: string; codes: string[] }> = {}) {
  return createAnnotation(text, { start, end, codes: extra.codes ?? ['strategic-use-of-evidence'], creator: 'Ana', memo: extra.memo, id: `urn:uuid:00000000-0000-4000-8000-${String(k).padStart(12, '0')}`, now: NOW });
}
function sidecar(): Sidecar {
  return { version: 1, id: 'urn:uuid:11111111-1111-4111-8111-111111111111', textHash: 'sha256:' + '0'.repeat(64), annotations: [make(42, 70, 3), make(0, 12, 1, { memo: 'Opening *question*' }), make(42, 70, 2, { codes: ['a', 'b'] }), make(13, 36, 4)] };
}

describe('sidecar format', () => {
  it('writes fixed key order, items sorted by start, end, id, two-space indent and a final newline', () => {
    const out = serializeSidecar(sidecar(), 'interviews/director.md');
    assert.ok(out.endsWith('}\n') && !out.endsWith('\n\n'));
    const page = JSON.parse(out);
    assert.deepEqual(Object.keys(page), ['@context', 'id', 'type', 'version', 'textHash', 'items']);
    assert.deepEqual(Object.keys(page.items[0]), ['@context', 'id', 'type', 'motivation', 'creator', 'created', 'modified', 'body', 'target']);
    assert.deepEqual(page.items.map((i: { id: string }) => i.id.slice(-1)), ['1', '4', '2', '3']);
    assert.match(out, /\n {2}"items": \[\n {4}\{/);
    assert.equal(page.items[0].target.source, 'file:director.md');
    assert.deepEqual(page.items[0].body[1], { type: 'TextualBody', purpose: 'commenting', value: 'Opening *question*', format: 'text/markdown' });
  });

  it('loading and saving unchanged data gives identical bytes', () => {
    const first = serializeSidecar(sidecar(), 'd.md');
    const load = parseSidecar(first, 'd.md.annotations.json');
    assert.deepEqual(load.problems, []);
    assert.equal(load.readOnly, false);
    assert.equal(serializeSidecar(load.sidecar!, 'd.md'), first);
  });

  it('changing one annotation changes only its own lines', () => {
    const before = serializeSidecar(sidecar(), 'd.md').split('\n');
    const s = sidecar();
    const target = s.annotations.find((a) => a.id.endsWith('4'))!;
    target.codes.push('regulatory-pressure');
    target.modified = '2026-03-05T00:00:00Z';
    const after = serializeSidecar(s, 'd.md').split('\n');
    // The changed item's lines are the only difference: a contiguous block inside that item.
    let first = 0;
    while (before[first] === after[first]) first++;
    let lastB = before.length - 1;
    let lastA = after.length - 1;
    while (before[lastB] === after[lastA]) {
      lastB--;
      lastA--;
    }
    const changed = after.slice(first, lastA + 1).join('\n');
    assert.match(changed, /2026-03-05T00:00:00Z/);
    assert.match(changed, /urn:qda:code:regulatory-pressure/);
    const item = JSON.parse(serializeSidecar(s, 'd.md')).items.find((i: { id: string }) => i.id === target.id);
    const itemText = JSON.stringify(item, null, 2);
    for (const line of after.slice(first, lastA + 1)) assert.ok(itemText.includes(line.trim()), `changed line outside the item: ${line}`);
  });

  it('writes orphans (no position) last, keeping their quote', () => {
    const s = sidecar();
    s.annotations[1].start = undefined;
    s.annotations[1].end = undefined;
    const page = JSON.parse(serializeSidecar(s, 'd.md'));
    const last = page.items[page.items.length - 1];
    assert.equal(last.id, s.annotations[1].id);
    assert.deepEqual(last.target.selector, [{ type: 'TextQuoteSelector', exact: 'Interviewer:', prefix: '', suffix: ' Tell me about the board.\nND: We' }]);
    const back = parseSidecar(serializeSidecar(s, 'd.md'), 'x');
    assert.equal(back.sidecar!.annotations.find((a) => a.id === last.id)!.start, undefined);
  });

  it('round-trips any annotation content (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ memo: fc.option(fc.string({ unit: 'grapheme' }), { nil: undefined }), codes: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), { minLength: 1, maxLength: 3 }), s: fc.nat({ max: 80 }), len: fc.integer({ min: 1, max: 20 }) }), { maxLength: 8 }), (specs) => {
        const s: Sidecar = { version: 1, id: 'urn:uuid:11111111-1111-4111-8111-111111111111', annotations: specs.map((x, k) => make(x.s, Math.min(text.length, x.s + x.len), k, { memo: x.memo, codes: x.codes })) };
        const out = serializeSidecar(s, 'd.md');
        const back = parseSidecar(out, 'x');
        assert.deepEqual(back.problems, []);
        assert.equal(serializeSidecar(back.sidecar!, 'd.md'), out);
      }),
      { numRuns: 200 },
    );
  });

  it('writes exactly what JSON.stringify(page, null, 2) writes, and notices every change to a cached annotation', () => {
    const expected = (sc: Sidecar) =>
      JSON.stringify(
        { '@context': 'http://www.w3.org/ns/anno.jsonld', id: sc.id, type: 'AnnotationPage', version: sc.version, ...(sc.textHash ? { textHash: sc.textHash } : {}), items: [...sc.annotations].sort(compareAnnotations).map((a) => annotationToW3C(a, 'd.md')) },
        null,
        2,
      ) + '\n';
    const sc = sidecar();
    assert.equal(serializeSidecar(sc, 'd.md'), expected(sc));
    assert.equal(serializeSidecar({ ...sc, annotations: [] }, 'd.md'), expected({ ...sc, annotations: [] }));
    const a = sc.annotations[0];
    const changes: (() => void)[] = [
      () => a.codes.push('x'),
      () => (a.memo = 'new memo'),
      () => (a.start = a.start! + 1),
      () => (a.end = a.end! + 1),
      () => (a.exact = a.exact + '!'),
      () => (a.prefix = 'p'),
      () => (a.suffix = 's'),
      () => (a.modified = '2027-01-01T00:00:00Z'),
      () => (a.creator = 'Someone else'),
      () => ((a.start = undefined), (a.end = undefined)),
    ];
    for (const change of changes) {
      change();
      assert.equal(serializeSidecar(sc, 'd.md'), expected(sc));
    }
    assert.equal(serializeSidecar(sc, 'other.md'), expected(sc).replace(/file:d\.md/g, 'file:other.md'));
  });

  it('reports schema problems with the line, and marks the file read-only', () => {
    const out = serializeSidecar(sidecar(), 'd.md').replace('"start": 13', '"start": -5');
    const load = parseSidecar(out, 'd.md.annotations.json');
    assert.equal(load.readOnly, true);
    assert.equal(load.sidecar, undefined);
    const p = load.problems.find((x) => /start/.test(x.message));
    assert.ok(p, JSON.stringify(load.problems));
    assert.equal(p!.line, out.split('\n').findIndex((l) => l.includes('"start": -5')) + 1);
    assert.match(p!.message, /^Annotation 2 /);
  });

  it('opens a newer format read-only with a plain message', () => {
    const out = serializeSidecar(sidecar(), 'd.md').replace('"version": 1', '"version": 2');
    const load = parseSidecar(out, 'd.md.annotations.json');
    assert.equal(load.readOnly, true);
    assert.ok(load.sidecar, 'still shown');
    assert.match(load.problems[0].message, /newer version/);
  });

  it('rejects git conflict markers and malformed JSON with their line', () => {
    const good = serializeSidecar(sidecar(), 'd.md').split('\n');
    const conflicted = [...good.slice(0, 10), '<<<<<<< HEAD', ...good.slice(10, 12), '=======', ...good.slice(10, 12), '>>>>>>> theirs', ...good.slice(12)].join('\n');
    const c = parseSidecar(conflicted, 'd.md.annotations.json');
    assert.equal(c.readOnly, true);
    assert.equal(c.problems[0].line, 11);
    assert.match(c.problems[0].message, /conflict/);
    const broken = good.join('\n').replace('"type": "AnnotationPage",', '"type": "AnnotationPage"');
    const b = parseSidecar(broken, 'd.md.annotations.json');
    assert.equal(b.readOnly, true);
    assert.equal(b.problems[0].line, good.findIndex((l) => l.includes('"version"')) + 1);
  });

  it('flags duplicate ids and reversed positions', () => {
    const s = sidecar();
    s.annotations[1].id = s.annotations[0].id;
    const dup = parseSidecar(serializeSidecar(s, 'd.md'), 'x');
    assert.equal(dup.readOnly, true);
    assert.match(dup.problems[0].message, /repeats the id/);
  });
});

describe('IRIs for documents and codes', () => {
  it('maps code ids and document names to IRIs with a scheme and back', () => {
    assert.equal(codeIri('brokering-relations'), 'urn:qda:code:brokering-relations');
    assert.equal(codeIdFromIri(codeIri('a b/ä')), 'a b/ä');
    assert.equal(codeIdFromIri('http://example.org/x'), undefined);
    assert.equal(documentIri('Network director (v2).md'), 'file:Network%20director%20(v2).md');
    assert.equal(sidecarPathFor('a/b.md'), 'a/b.md.annotations.json');
    assert.equal(documentPathFor('a/b.md.annotations.json'), 'a/b.md');
  });
});
