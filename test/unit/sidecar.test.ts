import assert from 'node:assert/strict';
import type { Annotation } from '../../src/core/model/annotation';
import fc from 'fast-check';
import { createAnnotation } from '../../src/core/annotations';
import { annotationToW3C, compareAnnotations, createDocumentMemo, parseSidecar, serializeSidecar, type Sidecar } from '../../src/core/sidecar/format';
import { encodeSidecar, sameBytes } from '../../src/core/sidecar/encode';
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

  it('writes exactly what JSON.stringify(page, null, 2) writes', () => {
    const expected = (sc: Sidecar) =>
      JSON.stringify(
        { '@context': 'http://www.w3.org/ns/anno.jsonld', id: sc.id, type: 'AnnotationPage', version: sc.version, ...(sc.textHash ? { textHash: sc.textHash } : {}), items: [...sc.annotations].sort(compareAnnotations).map((a) => annotationToW3C(a, 'd.md')) },
        null,
        2,
      ) + '\n';
    const sc = sidecar();
    assert.equal(serializeSidecar(sc, 'd.md'), expected(sc));
    assert.equal(serializeSidecar({ ...sc, annotations: [] }, 'd.md'), expected({ ...sc, annotations: [] }));
  });

  it('encodes the bytes of serializeSidecar, and notices every change to an annotation written before', () => {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const sc = sidecar();
    sc.annotations.push(createDocumentMemo({ memo: 'Interview cut short', creator: 'Ben', id: 'urn:uuid:00000000-0000-4000-8000-000000000099', now: NOW }));
    assert.deepEqual(encodeSidecar(sc, 'a/d.md'), utf8(serializeSidecar(sc, 'a/d.md')));
    assert.deepEqual(encodeSidecar({ ...sc, annotations: [] }, 'd.md'), utf8(serializeSidecar({ ...sc, annotations: [] }, 'd.md')));
    assert.deepEqual(encodeSidecar({ ...sc, textHash: undefined }, 'd.md'), utf8(serializeSidecar({ ...sc, textHash: undefined }, 'd.md')));
    const a = sc.annotations[0];
    const changes: (() => void)[] = [
      () => a.codes.push('x'),
      () => (a.memo = 'new memo'),
      () => (a.memo = ''),
      () => (a.start = a.start! + 1),
      () => (a.end = a.end! + 1),
      () => (a.exact = a.exact + '!'),
      () => (a.prefix = 'p'),
      () => (a.suffix = 's'),
      () => (a.modified = '2027-01-01T00:00:00Z'),
      () => (a.created = '2020-01-01T00:00:00Z'),
      () => (a.creator = 'Someone else'),
      () => (a.id = 'urn:uuid:00000000-0000-4000-8000-000000000000'),
      () => ((a.start = undefined), (a.end = undefined)),
      () => (a.codes.length = 0),
      () => a.codes.push(''),
      () => (a.codes = ['a', 'b']),
      () => (a.codes = ['a\u0000', 'b']),
      () => (a.codes = ['a', '\u0000b']),
      () => (a.codes = ['["a","b"]']),
    ];
    for (const change of changes) {
      change();
      assert.deepEqual(encodeSidecar(sc, 'd.md'), utf8(serializeSidecar(sc, 'd.md')));
    }
    assert.deepEqual(encodeSidecar(sc, 'other.md'), utf8(serializeSidecar(sc, 'other.md')));
    // A copy of the document (same sidecar id) with its own annotations.
    const copy = { ...sc, annotations: sc.annotations.map((x) => ({ ...x, codes: [...x.codes], exact: x.exact + ' (copy)' })) };
    assert.deepEqual(encodeSidecar(copy, 'other.md'), utf8(serializeSidecar(copy, 'other.md')));
    assert.deepEqual(encodeSidecar(sc, 'other.md'), utf8(serializeSidecar(sc, 'other.md')));
  });

  it('encodes any content as serializeSidecar does: control characters, quotes, lone surrogates, emoji (property)', () => {
    // Every UTF-16 unit, so lone surrogates and control characters come up, mixed with emoji and long runs of plain text.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('"', '\\', '\n', '\r', '\t', '\u2028', '📊', '👩🏽‍⚕️', 'é'),
      fc.constant('plain words of an interview, '.repeat(3)),
    );
    const str = fc.string({ unit, maxLength: 12 });
    // Code ids and file names are well-formed text (they become IRIs, percent-encoded).
    const wellFormed = fc.string({ unit: 'grapheme', maxLength: 8 });
    const ann = fc.record({
      id: str, creator: str, created: str, modified: str, exact: str, prefix: str, suffix: str,
      memo: fc.option(str, { nil: undefined }),
      codes: fc.array(wellFormed, { maxLength: 3 }),
      pos: fc.option(fc.tuple(fc.nat({ max: 1e7 }), fc.nat({ max: 1e7 })), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(ann, { maxLength: 6 }), str, fc.option(str, { nil: undefined }), wellFormed, fc.nat({ max: 5 }), (specs, id, textHash, name, edited) => {
        // Pointing where reading the file back says: a place; else a lost passage (it has a quote); else the whole document.
        const annotations: Annotation[] = specs.map(({ pos, ...x }) => ({ ...x, ...(pos ? { target: 'passage' as const, start: pos[0], end: pos[1] } : x.exact || x.prefix || x.suffix ? { target: 'lost' as const } : { target: 'document' as const }) }));
        const sc: Sidecar = { version: 1, id, textHash, annotations };
        const doc = 'folder/' + name + '.md';
        assert.deepEqual(encodeSidecar(sc, doc), new TextEncoder().encode(serializeSidecar(sc, doc)));
        // Again after changing one annotation: the others' bytes come from the first write.
        if (annotations.length > 0) {
          const a = annotations[edited % annotations.length];
          a.exact += '✓';
          assert.deepEqual(encodeSidecar(sc, doc), new TextEncoder().encode(serializeSidecar(sc, doc)));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('compares bytes', () => {
    const b = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(sameBytes(b, b.slice()), true);
    assert.equal(sameBytes(b.subarray(1), b.slice(1)), true);
    assert.equal(sameBytes(b, b.slice(0, 8)), false);
    for (let i = 0; i < b.length; i++) {
      const c = b.slice();
      c[i] = 0;
      assert.equal(sameBytes(b, c), false, `a difference at byte ${i}`);
    }
    assert.equal(sameBytes(undefined, b), false);
    assert.equal(sameBytes(undefined, undefined), true);
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
