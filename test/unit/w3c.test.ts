import assert from 'node:assert/strict';
import { retarget } from '../../src/core/model/annotation';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAnnotation } from '../../src/core/annotations';
import { encodeSidecar } from '../../src/core/sidecar/encode';
import { annotationToW3C, parseSidecar, serializeSidecar, type Sidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { CONFORMANCE, loadAnnotationMusts, type Checker } from './helpers/w3c';

describe('W3C Web Annotation conformance (Annotation MUSTs)', function () {
  let check: Checker;
  before(function () {
    const c = loadAnnotationMusts();
    if (!c) {
      console.warn(`  skipped: ${CONFORMANCE} is missing (the shared conformance material sits beside the project)`);
      this.skip();
    }
    check = c!;
  });

  it('the checker accepts the specification\'s correct examples and rejects the incorrect ones', () => {
    const dir = path.join(CONFORMANCE, 'examples');
    const correct = fs.readdirSync(path.join(dir, 'correct')).filter((f) => f.startsWith('anno'));
    assert.ok(correct.length >= 40);
    for (const f of correct) assert.deepEqual(check(JSON.parse(fs.readFileSync(path.join(dir, 'correct', f), 'utf8'))), [], f);
    let rejected = 0;
    for (const f of fs.readdirSync(path.join(dir, 'incorrect'))) {
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(path.join(dir, 'incorrect', f), 'utf8'));
      } catch {
        rejected++;
        continue;
      }
      if (check(json).length > 0) rejected++;
    }
    assert.equal(rejected, fs.readdirSync(path.join(dir, 'incorrect')).length);
  });

  it('every annotation the project writes passes, including memos, several codes, orphans and odd file names', () => {
    const text = Text.fromRaw('Interviewer: how did the board 🎻 decide?\r\nND: We used the audit data.\n');
    const now = new Date('2026-01-02T03:04:05Z');
    const a = createAnnotation(text, { start: 0, end: 12, codes: ['brokering-relations'], creator: 'Ana', now });
    const b = createAnnotation(text, { start: 13, end: 40, codes: ['strategic-use-of-evidence', 'relational leadership/ä'], creator: 'Ben', memo: 'Note **this**', now });
    const orphan = retarget(createAnnotation(text, { start: 44, end: 69, codes: ['regulatory-pressure'], creator: 'Cy', now }), { target: 'lost' });
    const sidecar: Sidecar = { version: 1, id: 'urn:uuid:00000000-0000-4000-8000-000000000000', annotations: [a, b, orphan] };
    // What saving writes (encodeSidecar), and its definition (serializeSidecar).
    const name = 'interviews/Network director (draft) #2.md';
    for (const written of [new TextDecoder().decode(encodeSidecar(sidecar, name)), serializeSidecar(sidecar, name)]) {
      const page = JSON.parse(written) as { items: unknown[] };
      assert.equal(page.items.length, 3);
      for (const item of page.items) assert.deepEqual(check(item), []);
    }
    assert.deepEqual(check(annotationToW3C(a, 'a b.md')), []);
  });

  it('annotations written back with content kept from another tool still pass', () => {
    const text = Text.fromRaw('Interviewer: how did the board decide?\nND: We used the audit data.\n');
    const a = createAnnotation(text, { start: 0, end: 12, codes: ['brokering-relations'], creator: 'Ana', memo: 'first', now: new Date('2026-01-02T03:04:05Z') });
    const page = JSON.parse(serializeSidecar({ version: 1, id: 'urn:uuid:00000000-0000-4000-8000-000000000000', annotations: [a] }, 'd.md'));
    const item = page.items[0];
    Object.assign(item, { motivation: 'highlighting', creator: { type: 'Software', name: 'AutoCoder' }, generator: 'urn:x:tool', rights: 'https://creativecommons.org/licenses/by/4.0/' });
    item.body.push({ type: 'TextualBody', purpose: 'commenting', value: 'second', format: 'text/plain' }, { type: 'TextualBody', purpose: 'tagging', value: 'board' });
    item.target.selector.push({ type: 'FragmentSelector', conformsTo: 'http://tools.ietf.org/rfc/rfc5147', value: 'char=0,12' });
    assert.deepEqual(check(item), []);
    const load = parseSidecar(JSON.stringify(page), 'd.md.annotations.json');
    assert.equal(load.readOnly, false);
    const ann = load.sidecar!.annotations[0];
    ann.codes.push('regulatory-pressure');
    ann.memo = 'first, edited';
    for (const written of [new TextDecoder().decode(encodeSidecar(load.sidecar!, 'd.md')), serializeSidecar(load.sidecar!, 'd.md')]) {
      const out = JSON.parse(written).items[0];
      assert.deepEqual(check(out), []);
      assert.equal(out.generator, 'urn:x:tool');
      assert.equal(out.body.length, 5);
    }
  });

  it('the checker is not blind: an annotation missing its target or with a relative id fails', () => {
    const text = Text.fromRaw('Some text here.');
    const w = annotationToW3C(createAnnotation(text, { start: 0, end: 4, codes: ['x'], creator: 'A' }), 'a.md');
    assert.notDeepEqual(check({ ...w, target: undefined }), []);
    assert.notDeepEqual(check({ ...w, id: 'not a uri' }), []);
  });
});
