/**
 * Sidecars written by other tools or later versions: what this version does not understand is
 * kept through load, edit and save; what cannot be kept faithfully makes the file read-only.
 */
import assert from 'node:assert/strict';
import { retarget } from '../../src/core/model/annotation';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { createAnnotation } from '../../src/core/annotations';
import { anchorDocument, loadDocument, openDocument, sidecarText } from '../../src/core/project';
import { encodeSidecar } from '../../src/core/sidecar/encode';
import { decodeSidecar, isWholeDocument, parseSidecar, serializeSidecar, type Sidecar } from '../../src/core/sidecar/format';
import { NodeStore } from '../../src/node/nodeStore';
import { Text } from '../../src/core/text/text';

type Json = Record<string, unknown>;
const DOC = 'Interviewer: Tell me about the board.\nND: We brought the audit figures 📊 to every meeting.\nInterviewer: Why?\n';
const text = new Text(DOC);
const NOW = new Date('2026-03-04T05:06:07Z');
const ID = (k: number) => `urn:uuid:00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
const PAGE_ID = 'urn:uuid:11111111-1111-4111-8111-111111111111';

function base(): Sidecar {
  return {
    version: 1,
    id: PAGE_ID,
    annotations: [
      createAnnotation(text, { start: 0, end: 12, codes: ['a'], creator: 'Ana', memo: 'first memo', id: ID(1), now: NOW }),
      createAnnotation(text, { start: 13, end: 36, codes: ['b', 'c'], creator: 'Ben', id: ID(2), now: NOW }),
    ],
  };
}
/** The page of `base()` as JSON, to add foreign content to. */
const basePage = (): Json => JSON.parse(serializeSidecar(base(), 'd.md'));
const write = (page: unknown): string => JSON.stringify(page, null, 2) + '\n';
const utf8 = (s: string) => new TextEncoder().encode(s);

function load(fileText: string) {
  const l = parseSidecar(fileText, 'd.md.annotations.json');
  assert.ok(l.sidecar, JSON.stringify(l.problems));
  return l;
}
/** Parses, optionally edits, then writes with both writers (which must agree); the page written. */
function roundTrip(fileText: string, edit?: (s: Sidecar) => void): Json {
  const l = load(fileText);
  assert.equal(l.readOnly, false, JSON.stringify(l.problems));
  edit?.(l.sidecar!);
  const out = serializeSidecar(l.sidecar!, 'd.md');
  assert.deepEqual(encodeSidecar(l.sidecar!, 'd.md'), utf8(out));
  return JSON.parse(out);
}
const items = (page: Json) => page.items as Json[];

describe('sidecar: content this version does not understand is kept', () => {
  it('keeps unknown properties of the page, in their order, after ours', () => {
    const page = basePage();
    Object.assign(page, { generator: { type: 'Software', name: 'OtherQDA 3' }, rights: 'CC-BY-4.0', label: 'Interview 7', partOf: { id: 'urn:x:collection', total: 3 } });
    const out = roundTrip(write(page));
    assert.deepEqual(out, page);
    assert.deepEqual(Object.keys(out).slice(-4), ['generator', 'rights', 'label', 'partOf']);
    // And after an edit.
    const edited = roundTrip(write(page), (s) => s.annotations[0].codes.push('z'));
    assert.deepEqual(edited.partOf, page.partOf);
    assert.equal(edited.rights, 'CC-BY-4.0');
  });

  it('keeps unknown properties of an annotation, untouched and after its codes, memo and position change', () => {
    const page = basePage();
    Object.assign(items(page)[0], { generator: 'urn:x:tool', rights: 'https://creativecommons.org/licenses/by/4.0/', label: 'Opening', stylesheet: { type: 'CssStylesheet', value: '.x {}' } });
    assert.deepEqual(roundTrip(write(page)), page);
    const out = roundTrip(write(page), (s) => {
      const a = s.annotations.find((x) => x.id === ID(1))!;
      a.codes = ['a', 'q'];
      a.memo = 'changed';
      a.start = 1;
    });
    const item = items(out).find((i) => i.id === ID(1))!;
    assert.equal(item.generator, 'urn:x:tool');
    assert.equal(item.label, 'Opening');
    assert.deepEqual(item.stylesheet, { type: 'CssStylesheet', value: '.x {}' });
  });

  it('keeps an extra TextualBody with another purpose, and unknown body items', () => {
    const page = basePage();
    const body = items(page)[1].body as unknown[];
    body.push({ type: 'TextualBody', purpose: 'tagging', value: 'board' }, 'http://example.org/tag/x', { type: 'SpecificResource', purpose: 'linking', source: 'http://example.org/y' });
    assert.deepEqual(roundTrip(write(page)), page);
    const out = roundTrip(write(page), (s) => s.annotations[1].codes.splice(0, 1));
    assert.deepEqual((items(out)[1].body as unknown[]).slice(-3), body.slice(-3));
  });

  it('keeps a FragmentSelector and other selectors next to ours, and target properties', () => {
    const page = basePage();
    const target = items(page)[0].target as Json;
    (target.selector as unknown[]).push({ type: 'FragmentSelector', conformsTo: 'http://tools.ietf.org/rfc/rfc5147', value: 'char=0,12' }, { type: 'XPathSelector', value: '/p[1]' });
    target.type = 'SpecificResource';
    target.state = { type: 'TimeState', sourceDate: '2026-01-01T00:00:00Z' };
    assert.deepEqual(roundTrip(write(page)), page);
    const out = roundTrip(write(page), (s) => ((s.annotations[0].start = 2), (s.annotations[0].exact = 'terviewer:')));
    const t = items(out)[0].target as Json;
    assert.deepEqual((t.selector as unknown[]).slice(2), (target.selector as unknown[]).slice(2));
    assert.deepEqual(t.state, target.state);
    assert.equal(t.type, 'SpecificResource');
  });

  it('keeps a second memo on one annotation; the first is the one edited', () => {
    const page = basePage();
    (items(page)[0].body as unknown[]).push({ type: 'TextualBody', purpose: 'commenting', value: 'second memo', format: 'text/markdown' });
    const l = load(write(page));
    assert.equal(l.sidecar!.annotations[0].memo, 'first memo');
    assert.deepEqual(roundTrip(write(page)), page);
    const out = roundTrip(write(page), (s) => (s.annotations[0].memo = 'first, edited'));
    const values = (items(out)[0].body as Json[]).filter((b) => b.type === 'TextualBody').map((b) => b.value);
    assert.deepEqual(values, ['first, edited', 'second memo']);
    // Removing the first memo keeps the second.
    const removed = roundTrip(write(page), (s) => (s.annotations[0].memo = undefined));
    assert.deepEqual((items(removed)[0].body as Json[]).filter((b) => b.type === 'TextualBody').map((b) => b.value), ['second memo']);
  });

  it('keeps a memo in another form (plain text, a language) with only its value edited', () => {
    const page = basePage();
    (items(page)[0].body as Json[])[1] = { type: 'TextualBody', value: 'Eine Notiz', format: 'text/plain', language: 'de' };
    assert.equal(load(write(page)).sidecar!.annotations[0].memo, 'Eine Notiz');
    assert.deepEqual(roundTrip(write(page)), page);
    const out = roundTrip(write(page), (s) => (s.annotations[0].memo = 'Zwei Notizen'));
    assert.deepEqual((items(out)[0].body as Json[])[1], { type: 'TextualBody', value: 'Zwei Notizen', format: 'text/plain', language: 'de' });
  });

  it('keeps a code whose IRI cannot be decoded, and says so with the line', () => {
    const page = basePage();
    (items(page)[1].body as Json[])[1].source = 'urn:qda:code:%ZZ';
    const fileText = write(page);
    const l = load(fileText);
    assert.equal(l.readOnly, false);
    assert.deepEqual(l.sidecar!.annotations[1].codes, ['b']);
    const p = l.problems.find((x) => /%ZZ/.test(x.message));
    assert.ok(p, JSON.stringify(l.problems));
    assert.equal(p!.line, fileText.split('\n').findIndex((x) => x.includes('%ZZ')) + 1);
    assert.deepEqual(roundTrip(fileText), page);
    const out = roundTrip(fileText, (s) => s.annotations[1].codes.push('d'));
    assert.ok((items(out)[1].body as Json[]).some((b) => b.source === 'urn:qda:code:%ZZ'));
  });

  it('keeps codes written with another percent-encoding as they were', () => {
    const page = basePage();
    (items(page)[0].body as Json[])[0].source = 'urn:qda:code:%61';
    assert.deepEqual(load(write(page)).sidecar!.annotations[0].codes, ['a']);
    assert.deepEqual(roundTrip(write(page)), page);
  });

  it('keeps a Software creator and its other properties', () => {
    const page = basePage();
    items(page)[0].creator = { type: 'Software', name: 'AutoCoder', homepage: 'https://example.org/autocoder' };
    items(page)[1].creator = 'https://orcid.org/0000-0002-1825-0097';
    assert.deepEqual(roundTrip(write(page)), page);
    const out = roundTrip(write(page), (s) => s.annotations[0].codes.push('x'));
    assert.deepEqual(items(out)[0].creator, { type: 'Software', name: 'AutoCoder', homepage: 'https://example.org/autocoder' });
  });

  it('keeps motivation "highlighting" while the segment stays coded; without codes it becomes a comment', () => {
    const page = basePage();
    items(page)[1].motivation = 'highlighting';
    assert.deepEqual(roundTrip(write(page)), page);
    assert.equal(items(roundTrip(write(page), (s) => s.annotations[1].codes.push('x')))[1].motivation, 'highlighting');
    const uncoded = roundTrip(write(page), (s) => ((s.annotations[1].codes = []), (s.annotations[1].memo = 'why')));
    assert.equal(items(uncoded)[1].motivation, 'commenting');
  });

  it('keeps the absence of motivation, creator, created and modified', () => {
    const page = basePage();
    const item = items(page)[0];
    delete item.motivation;
    delete item.creator;
    delete item.modified;
    delete item['@context'];
    assert.deepEqual(roundTrip(write(page)), { ...page, items: [{ '@context': 'http://www.w3.org/ns/anno.jsonld', ...item }, items(page)[1]] });
    delete item.created;
    const out = roundTrip(write(page));
    assert.equal('created' in items(out)[0], false);
    assert.equal('modified' in items(out)[0], false);
    // Re-reading what was written gives no problems.
    assert.deepEqual(parseSidecar(write(out), 'x').problems, []);
  });

  it('keeps a whole-document target written as an IRI or with other properties', () => {
    const memo = createAnnotation(text, { start: 0, end: 1, codes: [], creator: 'Ana', id: ID(3), now: NOW });
    const s: Sidecar = { ...base(), annotations: [{ ...retarget(memo, { target: 'document' }), exact: '', prefix: '', suffix: '', memo: 'About the interview' }] };
    const page = JSON.parse(serializeSidecar(s, 'd.md'));
    items(page)[0].target = 'file:d.md';
    assert.deepEqual(roundTrip(write(page)), page);
    items(page)[0].target = { id: 'file:d.md', type: 'Text', language: 'en' };
    assert.deepEqual(roundTrip(write(page)), page);
  });

  it('a segment with only a TextPositionSelector is a passage, anchored at its position, its quote filled in on save', () => {
    const page = basePage();
    (items(page)[0].target as Json).selector = [{ type: 'TextPositionSelector', start: 13, end: 36 }];
    // Written back as it is while its quote is unknown (as recoding across the workspace does, without the text).
    assert.deepEqual(roundTrip(write(page)), page);
    const l = load(write(page));
    const a = l.sidecar!.annotations[0];
    assert.equal(isWholeDocument(a), false);
    const doc = anchorDocument('d.md', DOC, l);
    assert.equal(doc.results[0].status, 'exact');
    const written = JSON.parse(sidecarText(doc));
    const item = items(written).find((i) => i.id === ID(1))!;
    assert.deepEqual((item.target as Json).selector, [
      { type: 'TextPositionSelector', start: 13, end: 36 },
      { type: 'TextQuoteSelector', exact: 'Tell me about the board', prefix: text.before(13, 32), suffix: text.after(36, 32) },
    ]);
  });

  it('a segment with only a position outside the text stays a passage (an orphan), never a document memo', () => {
    const page = basePage();
    (items(page)[0].target as Json).selector = [{ type: 'TextPositionSelector', start: 5000, end: 5010 }];
    const doc = openDocument('d.md', DOC, write(page));
    assert.equal(doc.results[0].status, 'orphan');
    const a = doc.sidecar.annotations.find((x) => x.id === ID(1))!;
    assert.equal(isWholeDocument(a), false);
    const item = items(JSON.parse(sidecarText(doc))).find((i) => i.id === ID(1))!;
    // Its position is all that locates it: kept as it was.
    assert.deepEqual((item.target as Json).selector, [{ type: 'TextPositionSelector', start: 5000, end: 5010 }]);
    // And it stays one when read again.
    const again = parseSidecar(sidecarText(doc), 'x').sidecar!.annotations.find((x) => x.id === ID(1))!;
    assert.equal(isWholeDocument(again), false);
  });
});

describe('sidecar: what cannot be kept faithfully makes the file read-only', () => {
  it('a duplicate key (two "items", the later one empty) is reported with its line; anchor --write leaves the file alone', async () => {
    const good = serializeSidecar(base(), 'd.md');
    const dup = good.replace(/\n\}\n$/, ',\n  "items": []\n}\n');
    const l = parseSidecar(dup, 'd.md.annotations.json');
    assert.equal(l.readOnly, true);
    const p = l.problems.find((x) => /"items"/.test(x.message));
    assert.ok(p, JSON.stringify(l.problems));
    assert.equal(p!.line, dup.split('\n').length - 2);
    const ws = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-keep-'));
    try {
      await fs.writeFile(path.join(ws, 'd.md'), DOC);
      await fs.writeFile(path.join(ws, 'd.md.annotations.json'), dup);
      const err: string[] = [];
      const code = await main(['anchor', path.join(ws, 'd.md'), '--write', '--workspace', ws], { log: () => {}, err: (s) => err.push(s) });
      assert.notEqual(code, 0);
      assert.equal(await fs.readFile(path.join(ws, 'd.md.annotations.json'), 'utf8'), dup);
      assert.match(err.join('\n'), /d\.md\.annotations\.json:\d+/);
    } finally {
      await fs.rm(ws, { recursive: true, force: true });
    }
  });

  it('a duplicate key deep inside an annotation is found, also when strings hold colons', () => {
    const good = serializeSidecar(base(), 'd.md');
    const dup = good.replace('"purpose": "commenting",', '"purpose": "commenting",\n          "value": "a: b: c",');
    const l = parseSidecar(dup, 'x');
    assert.equal(l.readOnly, true);
    assert.equal(l.problems[0].line, dup.split('\n').findIndex((x) => x.includes('"value": "first memo"')) + 1);
    // Escaped colons in strings are no duplicates.
    const escaped = good.replace('"value": "first memo"', '"value": "first\\u003a memo"');
    assert.equal(parseSidecar(escaped, 'x').readOnly, false);
  });

  it('bytes that are not UTF-8 make the file read-only, named in the message; nothing is rewritten', async () => {
    const good = utf8(serializeSidecar(base(), 'd.md'));
    const at = good.indexOf(0x66 /* f of "first memo" */, new TextDecoder().decode(good).indexOf('first memo'));
    const bad = good.slice();
    bad[at] = 0xff;
    const d = decodeSidecar(bad, 'd.md.annotations.json');
    assert.equal(d.text, undefined);
    assert.match(d.problem!.message, /UTF-8/);
    assert.equal(d.problem!.file, 'd.md.annotations.json');
    assert.equal(d.problem!.line, new TextDecoder().decode(good).slice(0, new TextDecoder().decode(good).indexOf('first memo')).split('\n').length);
    assert.equal(decodeSidecar(good, 'x').text, new TextDecoder().decode(good));
    const ws = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-keep-'));
    try {
      await fs.writeFile(path.join(ws, 'd.md'), DOC);
      await fs.writeFile(path.join(ws, 'd.md.annotations.json'), bad);
      const doc = await loadDocument(new NodeStore(ws), 'd.md');
      assert.equal(doc.readOnly, true);
      assert.match(doc.problems[0].message, /UTF-8/);
      const code = await main(['anchor', path.join(ws, 'd.md'), '--write', '--workspace', ws], { log: () => {}, err: () => {} });
      assert.notEqual(code, 0);
      assert.deepEqual(new Uint8Array(await fs.readFile(path.join(ws, 'd.md.annotations.json'))), bad);
    } finally {
      await fs.rm(ws, { recursive: true, force: true });
    }
  });

  it('a number that cannot be written back as it was (too large, too precise for an integer) makes the file read-only', () => {
    for (const n of ['1e400', '9007199254740993', '123456789012345678901234567890']) {
      const page = basePage();
      const fileText = write({ ...page, extra: 'N' }).replace('"N"', n);
      const l = parseSidecar(fileText, 'x');
      assert.equal(l.readOnly, true, n);
      assert.equal(l.problems[0].line, fileText.split('\n').findIndex((x) => x.includes(n)) + 1, n);
    }
    for (const n of ['1.5', '9007199254740992', '1e300', '-0', '1E2']) {
      const l = parseSidecar(write({ ...basePage(), extra: 'N' }).replace('"N"', n), 'x');
      assert.equal(l.readOnly, false, n);
    }
  });

  it('reversed positions, repeated ids and a newer version are reported with their line', () => {
    const s = base();
    s.annotations[1].id = s.annotations[0].id;
    const dupText = serializeSidecar(s, 'd.md');
    const dup = parseSidecar(dupText, 'x');
    const lines = dupText.split('\n');
    const idLines = lines.map((l, i) => (l.includes(`"id": "${ID(1)}"`) ? i + 1 : 0)).filter((x) => x > 0);
    assert.equal(dup.problems[0].line, idLines[1]);
    const rev = serializeSidecar(base(), 'd.md').replace('"start": 13', '"start": 40');
    const r = parseSidecar(rev, 'x');
    assert.equal(r.readOnly, true);
    assert.equal(r.problems[0].line, rev.split('\n').findIndex((x) => x.includes('"start": 40')) + 1);
    const newer = serializeSidecar(base(), 'd.md').replace('"version": 1', '"version": 2');
    assert.equal(parseSidecar(newer, 'x').problems[0].line, 5);
  });
});

describe('sidecar: random foreign content survives (property)', () => {
  // Names other than ours at each level (ours would be read, not kept).
  const OURS = {
    page: ['@context', 'id', 'type', 'version', 'textHash', 'items'],
    item: ['@context', 'id', 'type', 'motivation', 'creator', 'created', 'modified', 'body', 'target'],
    body: ['type', 'purpose', 'source', 'value', 'format'],
    target: ['source', 'selector', 'id', 'type', 'format'],
    selector: ['type', 'start', 'end', 'exact', 'prefix', 'suffix'],
    creator: ['type', 'name'],
  };
  const key = (level: keyof typeof OURS) => fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toString', '0', '17', 'generator', 'rights', 'label', 'partOf')).filter((k) => !OURS[level].includes(k));
  const extras = (level: keyof typeof OURS) => fc.uniqueArray(fc.tuple(key(level), fc.jsonValue({ maxDepth: 3 })), { selector: ([k]) => k, maxLength: 3 });
  /** Sets properties with defineProperty, so "__proto__" is an ordinary property as JSON.parse makes it. */
  const put = (o: Json, kvs: [string, unknown][]) => {
    for (const [k, v] of kvs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  };
  const normal = (v: unknown) => JSON.parse(JSON.stringify(v));
  const canonical = (item: Json) => ({ ...normal(item), body: ((item.body ?? []) as unknown[]).map((b) => JSON.stringify(b)).sort() });
  const foreignBody = fc.oneof(
    fc.record({ type: fc.constant('TextualBody'), purpose: fc.constantFrom('tagging', 'describing', 'commenting'), value: fc.string() }),
    fc.webUrl(),
    fc.record({ type: fc.constantFrom('SpecificResource', 'Image'), source: fc.webUrl() }),
  );
  const foreignSelector = fc.oneof(fc.record({ type: fc.constant('FragmentSelector'), value: fc.string() }), fc.record({ type: fc.constant('CssSelector'), value: fc.string() }));
  const edit = fc.oneof(
    fc.constant(undefined),
    fc.record({ codes: fc.option(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,5}$/), { maxLength: 3 }), { nil: undefined }), memo: fc.option(fc.oneof(fc.constant(''), fc.string()), { nil: undefined }), shift: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }),
  );

  it('extras on the page, annotations, bodies, selectors, targets and creators are written back; both writers agree', () => {
    fc.assert(
      fc.property(
        extras('page'),
        fc.array(fc.record({ item: extras('item'), body: extras('body'), target: extras('target'), selector: extras('selector'), creator: extras('creator'), bodies: fc.array(foreignBody, { maxLength: 2 }), selectors: fc.array(foreignSelector, { maxLength: 2 }) }), { minLength: 2, maxLength: 2 }),
        fc.array(edit, { minLength: 2, maxLength: 2 }),
        (pageExtras, perItem, edits) => {
          const page = basePage();
          put(page, pageExtras);
          items(page).forEach((item, i) => {
            const x = perItem[i];
            put(item, x.item);
            const body = item.body as Json[];
            put(body[0], x.body);
            body.push(...(x.bodies as Json[]));
            const target = item.target as Json;
            put(target, x.target);
            const sel = target.selector as Json[];
            put(sel[1], x.selector);
            sel.push(...(x.selectors as Json[]));
            put(item.creator as Json, x.creator);
          });
          const fileText = write(page);
          const expected = JSON.parse(fileText) as Json;
          const out = roundTrip(fileText, (s) => {
            s.annotations.forEach((a, i) => {
              const e = edits[i];
              if (!e) return;
              if (e.codes) a.codes = e.codes;
              if (e.memo !== undefined) a.memo = e.memo;
              if (e.shift !== undefined) {
                a.start = a.start! + e.shift;
                a.end = a.end! + e.shift;
              }
            });
          });
          // Page extras.
          for (const [k] of pageExtras) assert.deepEqual(Object.getOwnPropertyDescriptor(out, k)?.value, Object.getOwnPropertyDescriptor(expected, k)?.value, k);
          items(expected).forEach((want, i) => {
            const got = items(out).find((g) => g.id === want.id)!;
            const x = perItem[i];
            const own = (o: unknown, k: string) => Object.getOwnPropertyDescriptor(o as object, k)?.value;
            for (const [k] of x.item) assert.deepEqual(own(got, k), own(want, k), `item.${k}`);
            for (const [k] of x.target) assert.deepEqual(own(got.target, k), own(want.target, k), `target.${k}`);
            for (const [k] of x.creator) assert.deepEqual(own(got.creator, k), own(want.creator, k), `creator.${k}`);
            // (The second annotation has no memo of its own: a commenting TextualBody added to it is its memo, which an edit may change.)
            const mayBeMemo = (b: Json) => i === 1 && edits[i]?.memo !== undefined && b.type === 'TextualBody' && b.purpose === 'commenting';
            for (const b of normal(x.bodies).filter((b: Json) => !mayBeMemo(b))) assert.ok(((got.body ?? []) as unknown[]).some((g) => JSON.stringify(g) === JSON.stringify(b)), `body ${JSON.stringify(b)}`);
            const gotSel = (got.target as Json).selector as Json[];
            for (const s of normal(x.selectors)) assert.ok(gotSel.some((g) => JSON.stringify(g) === JSON.stringify(s)), `selector ${JSON.stringify(s)}`);
            const quote = gotSel.find((g) => g.type === 'TextQuoteSelector')!;
            for (const [k] of x.selector) assert.deepEqual(own(quote, k), own((want.target as Json).selector && ((want.target as Json).selector as Json[])[1], k), `selector.${k}`);
            // The first code's body keeps its extras while that code stays.
            const wantCode = (want.body as Json[])[0];
            const gotCode = ((got.body ?? []) as Json[]).find((g) => g.source === wantCode.source);
            if (gotCode) for (const [k] of x.body) assert.deepEqual(own(gotCode, k), own(wantCode, k), `body.${k}`);
            // Untouched, it says all it said (ours first in a body, then the rest: body order carries no meaning).
            if (!edits[i]) assert.deepEqual(canonical(got), canonical(want));
          });
          // Saving again after changing one annotation reuses the other's bytes: still serializeSidecar's.
          const l = load(fileText);
          encodeSidecar(l.sidecar!, 'd.md');
          l.sidecar!.annotations[1] = { ...l.sidecar!.annotations[1], modified: '2027-01-01T00:00:00Z' };
          assert.deepEqual(encodeSidecar(l.sidecar!, 'd.md'), utf8(serializeSidecar(l.sidecar!, 'd.md')));
          // What was written reads again without problems, and writes the same bytes again.
          const again = parseSidecar(write(out), 'x');
          assert.equal(again.readOnly, false, JSON.stringify(again.problems));
          assert.equal(serializeSidecar(again.sidecar!, 'd.md'), write(out));
        },
      ),
      { numRuns: 300 },
    );
  });
});
