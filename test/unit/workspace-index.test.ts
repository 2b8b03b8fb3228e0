import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodebookIndex } from '../../src/core/codebook/codebook';
import { loadAll, WorkspaceIndex, type Attributes, type IndexFilter } from '../../src/core/index/workspaceIndex';
import { retarget, type Annotation } from '../../src/core/model/annotation';
import type { Codebook } from '../../src/core/model/codebook';
import { createDocumentMemo, isWholeDocument, parseSidecar, serializeSidecar, type Sidecar } from '../../src/core/sidecar/format';
import { MemoryStore } from '../../src/core/store-memory';
import { loadAnnotationMusts } from './helpers/w3c';

const PAGE_ID = 'urn:uuid:11111111-1111-4111-8111-111111111111';
const uuid = (k: number) => `urn:uuid:00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;

function ann(k: number, codes: string[], o: { start?: number; end?: number; memo?: string; exact?: string; creator?: string; whole?: boolean } = {}): Annotation {
  const a: Annotation = {
    id: uuid(k),
    creator: o.creator ?? 'Ana',
    created: '2026-02-03T04:05:06Z',
    modified: '2026-02-03T04:05:06Z',
    codes,
    ...(o.whole ? { target: 'document' as const } : { target: 'passage' as const, start: o.start ?? k * 10, end: o.end ?? k * 10 + 5 }),
    exact: o.whole ? '' : (o.exact ?? `quote ${k}`),
    prefix: '',
    suffix: '',
  };
  if (o.memo !== undefined) a.memo = o.memo;
  return a;
}

const sidecarText = (doc: string, annotations: Annotation[]): string => serializeSidecar({ version: 1, id: PAGE_ID, annotations }, doc);

const CODEBOOK: Codebook = {
  version: 1,
  stages: [
    { id: 'leadership-stage', name: 'Leadership and governance', memo: 'Stage memo about *composers*' },
    { id: 'membership-stage', name: 'Membership and roles' },
  ],
  codes: [
    { id: 'leadership', name: 'Leadership', stage: 'leadership-stage', memo: 'Code memo: leadership is distributed' },
    { id: 'composer', name: 'Composer', parent: 'leadership' },
    { id: 'conductor', name: 'Conductor', parent: 'leadership' },
    { id: 'tempo', name: 'Setting the tempo', parent: 'conductor' },
    { id: 'membership', name: 'Membership', stage: 'membership-stage' },
  ],
};
const CB = new CodebookIndex(CODEBOOK);

const counts = (index: WorkspaceIndex, filter?: IndexFilter) => [...index.codeCounts(filter)];

describe('workspace index', () => {
  function sample(): WorkspaceIndex {
    const index = new WorkspaceIndex(CB);
    index.upsertSidecar(
      'interviews/a.md.annotations.json',
      sidecarText('interviews/a.md', [
        ann(1, ['composer'], { memo: 'Ana on the **board** chair' }),
        ann(2, ['leadership', 'tempo']),
        ann(3, ['tempo', 'tempo']),
        ann(4, ['not-in-codebook']),
        ann(5, [], { memo: 'memo only, no code' }),
      ]),
    );
    index.upsertSidecar('b.md.annotations.json', sidecarText('b.md', [ann(1, ['conductor']), ann(2, ['conductor', 'tempo'], { memo: 'Tempo and the conductor' })]));
    index.setAttributes('interviews/a.md', { site: 'Hospital C', role: 'consultant', years: 12 });
    index.setAttributes('b.md', { site: 'Hospital A', role: ['nurse', 'manager'], lead: true });
    return index;
  }

  it('counts segments and documents per code, own and with sub-codes, each segment once', () => {
    const c = sample().codeCounts();
    assert.deepEqual([...c.keys()], ['leadership', 'composer', 'conductor', 'tempo', 'membership', 'not-in-codebook']);
    assert.deepEqual(c.get('tempo'), { segments: 3, documents: 2, withDescendants: { segments: 3, documents: 2 } });
    assert.deepEqual(c.get('conductor'), { segments: 2, documents: 1, withDescendants: { segments: 4, documents: 2 } });
    // Segment 2 of a.md has both leadership and tempo: one segment of leadership with descendants.
    assert.deepEqual(c.get('leadership'), { segments: 1, documents: 1, withDescendants: { segments: 5, documents: 2 } });
    assert.deepEqual(c.get('membership'), { segments: 0, documents: 0, withDescendants: { segments: 0, documents: 0 } });
    assert.deepEqual(c.get('not-in-codebook'), { segments: 1, documents: 1, withDescendants: { segments: 1, documents: 1 } });
  });

  it('counts coded segments once each: memo-only annotations are no segments, orphans and repeated codes count once', () => {
    const index = sample();
    // a.md: segments 1-4 (5 is a memo with no code); b.md: 2.
    assert.deepEqual(index.totals(), { segments: 6, documents: 2 });
    index.upsertSidecar('c.md.annotations.json', sidecarText('c.md', [ann(1, [], { whole: true, memo: 'A document memo' }), ann(2, [], { memo: 'a passage memo, no code' })]));
    assert.deepEqual(index.totals(), { segments: 6, documents: 2 }, 'a document with memos only has no coded segments');
    const orphan = ann(3, ['membership'], { exact: 'gone' });
    delete orphan.start;
    delete orphan.end;
    index.upsertSidecar('c.md.annotations.json', sidecarText('c.md', [orphan]));
    assert.deepEqual(index.totals(), { segments: 7, documents: 3 }, 'an orphan is still coded');
    assert.deepEqual(index.totals({ attributes: { site: ['Hospital A'] } }), { segments: 2, documents: 1 });
  });

  it('per document: its coded segments and how many have each code, in the codebook order', () => {
    const docs = sample().documentCounts();
    assert.deepEqual(
      docs.map((d) => ({ ...d, codes: [...d.codes] })),
      [
        { document: 'b.md', segments: 2, codes: [['conductor', 2], ['tempo', 1]] },
        { document: 'interviews/a.md', segments: 4, codes: [['leadership', 1], ['composer', 1], ['tempo', 2], ['not-in-codebook', 1]] },
      ],
    );
    assert.deepEqual(sample().documentCounts({ attributes: { site: ['Hospital C'] } }).map((d) => d.document), ['interviews/a.md']);
  });

  it('per stage: distinct segments with a code of that stage (inherited from parents), never a segment twice', () => {
    const cb: Codebook = {
      version: 1,
      stages: [{ id: 's1', name: 'One' }, { id: 's2', name: 'Two' }],
      codes: [
        { id: 'a', name: 'A', stage: 's1' },
        { id: 'b', name: 'B', stage: 's1' },
        { id: 'a1', name: 'A1', parent: 'a' },
        { id: 'a2', name: 'A2', parent: 'a', stage: 's2' },
        { id: 'free', name: 'Free' },
      ],
    };
    const index = new WorkspaceIndex(new CodebookIndex(cb));
    index.upsertSidecar('d.md.annotations.json', sidecarText('d.md', [ann(1, ['a', 'b']), ann(2, ['a1', 'b']), ann(3, ['a2']), ann(4, ['free', 'a2']), ann(5, ['ghost'])]));
    index.upsertSidecar('e.md.annotations.json', sidecarText('e.md', [ann(1, ['b'])]));
    const stages = index.stageCounts();
    assert.deepEqual([...stages.keys()], ['s1', 's2', undefined]);
    // Two root codes of stage One on one segment: one segment, not two.
    assert.deepEqual(stages.get('s1'), { segments: 3, documents: 2 });
    assert.deepEqual(stages.get('s2'), { segments: 2, documents: 1 });
    assert.deepEqual(stages.get(undefined), { segments: 1, documents: 1 });
    // What summing per-code counts gives instead, and what the Codebook view used to show.
    const byCode = index.codeCounts();
    assert.equal(byCode.get('a')!.withDescendants.segments + byCode.get('b')!.withDescendants.segments, 7);
    assert.deepEqual(index.totals(), { segments: 6, documents: 2 });
    index.setCodebook(undefined);
    assert.deepEqual([...index.stageCounts()], []);
  });

  it('without a codebook, counts with descendants are the own counts, and only used codes are listed', () => {
    const index = sample();
    index.setCodebook(undefined);
    const c = index.codeCounts();
    assert.deepEqual([...c.keys()], ['composer', 'conductor', 'leadership', 'not-in-codebook', 'tempo']);
    assert.deepEqual(c.get('conductor'), { segments: 2, documents: 1, withDescendants: { segments: 2, documents: 1 } });
  });

  it('filters by case attributes, comparing values as text, lists matching any value', () => {
    const index = sample();
    assert.equal(index.codeCounts({ attributes: { site: ['Hospital C'] } }).get('tempo')!.segments, 2);
    assert.equal(index.codeCounts({ attributes: { role: ['manager'] } }).get('tempo')!.segments, 1);
    assert.equal(index.codeCounts({ attributes: { years: ['12'], site: ['Hospital C', 'Hospital A'] } }).get('leadership')!.withDescendants.segments, 3);
    assert.equal(index.codeCounts({ attributes: { lead: ['true'] } }).get('conductor')!.withDescendants.documents, 1);
    // A document without the attribute, or an empty list of values, lets nothing through.
    assert.equal(index.codeCounts({ attributes: { lead: ['true', 'false'], site: ['Hospital C'] } }).get('tempo')!.segments, 0);
    assert.equal(index.codeCounts({ attributes: { site: [] } }).get('tempo')!.segments, 0);
    assert.deepEqual(index.codeCounts({ attributes: {} }), index.codeCounts());
    assert.deepEqual(index.documents({ attributes: { site: ['Hospital A'] } }), ['b.md']);
  });

  it('lists the distinct values of each attribute for filter menus, and forgets removed ones', () => {
    const index = sample();
    index.setAttributes('c.md', { site: 'Hospital A', role: 'consultant' });
    assert.deepEqual(
      [...index.attributeValues()],
      [
        ['lead', ['true']],
        ['role', ['consultant', 'manager', 'nurse']],
        ['site', ['Hospital A', 'Hospital C']],
        ['years', ['12']],
      ],
    );
    index.setAttributes('interviews/a.md', undefined);
    index.setAttributes('b.md', { site: 'Hospital B' });
    assert.deepEqual([...index.attributeValues()], [['role', ['consultant']], ['site', ['Hospital A', 'Hospital B']]]);
  });

  it('gives the coded segments of some codes grouped by document, in document order', () => {
    const index = sample();
    const got = index.segments(['tempo']);
    assert.deepEqual(
      got.map((g) => [g.document, g.segments.map((s) => s.id.slice(-1))]),
      [
        ['b.md', ['2']],
        ['interviews/a.md', ['2', '3']],
      ],
    );
    assert.deepEqual(got[0].segments[0], { id: uuid(2), codes: ['conductor', 'tempo'], quote: 'quote 2', start: 20, end: 25, memo: 'Tempo and the conductor', creator: 'Ana', created: '2026-02-03T04:05:06Z' });
    assert.equal(index.segments(['conductor'], undefined, { withDescendants: true }).reduce((n, g) => n + g.segments.length, 0), 4);
    assert.equal(index.segments(['conductor']).reduce((n, g) => n + g.segments.length, 0), 2);
    assert.deepEqual(index.segments(['leadership'], { attributes: { site: ['Hospital A'] } }, { withDescendants: true }).map((g) => g.document), ['b.md']);
    assert.deepEqual(index.segments(['membership', 'nothing']), []);
    // Returned data is a copy.
    got[0].segments[0].codes.push('x');
    assert.deepEqual(index.segments(['tempo'])[0].segments[0].codes, ['conductor', 'tempo']);
  });

  it('records an unreadable sidecar as a problem, drops its previous counts, throws nothing, and recovers', () => {
    const index = sample();
    assert.doesNotThrow(() => index.upsertSidecar('b.md.annotations.json', '<<<<<<< HEAD\n{ "items": [] }\n'));
    assert.equal(index.problems().length, 1);
    assert.equal(index.problems()[0].file, 'b.md.annotations.json');
    assert.equal(index.codeCounts().get('conductor')!.segments, 0);
    assert.equal(index.codeCounts().get('tempo')!.segments, 2);
    assert.deepEqual(index.documents(), ['interviews/a.md']);
    index.upsertSidecar('b.md.annotations.json', sidecarText('b.md', [ann(1, ['conductor'])]));
    assert.deepEqual(index.problems(), []);
    assert.equal(index.codeCounts().get('conductor')!.segments, 1);
    // A sidecar from a newer version is counted (it can be read) and its warning kept.
    const newer = sidecarText('c.md', [ann(1, ['membership'])]).replace('"version": 1', '"version": 9');
    index.upsertSidecar('c.md.annotations.json', newer);
    assert.equal(index.codeCounts().get('membership')!.segments, 1);
    assert.equal(index.problems()[0].severity, 'warning');
    index.removeSidecar('c.md.annotations.json');
    assert.equal(index.codeCounts().get('membership')!.segments, 0);
    assert.deepEqual(index.problems(), []);
    assert.doesNotThrow(() => index.upsertSidecar('notes.json', '{}'));
    assert.equal(index.problems().length, 1);
  });

  it('keeps counts current after each change, equal to a fresh full load (property)', async () => {
    const DOCS = ['a.md', 'x/b.md', 'x/y/c.md', 'd.md'];
    const POOL = ['leadership', 'composer', 'conductor', 'tempo', 'membership', 'unknown'];
    const annArb = fc.record({
      codes: fc.array(fc.constantFrom(...POOL), { maxLength: 3 }),
      start: fc.nat({ max: 50 }),
      len: fc.integer({ min: 1, max: 9 }),
      memo: fc.option(fc.constantFrom('Trust', 'the board CHAIR', 'tempo'), { nil: undefined }),
      whole: fc.boolean(),
    });
    const attrArb = fc.record({ site: fc.constantFrom('Hospital A', 'Hospital C'), role: fc.oneof(fc.constantFrom('consultant', 'nurse'), fc.subarray(['consultant', 'nurse', 'manager'])), years: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] });
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('upsert' as const), doc: fc.nat({ max: DOCS.length - 1 }), anns: fc.array(annArb, { maxLength: 6 }) }),
      fc.record({ op: fc.constant('broken' as const), doc: fc.nat({ max: DOCS.length - 1 }) }),
      fc.record({ op: fc.constant('remove' as const), doc: fc.nat({ max: DOCS.length - 1 }) }),
      fc.record({ op: fc.constant('attrs' as const), doc: fc.nat({ max: DOCS.length - 1 }), attrs: fc.option(attrArb, { nil: undefined }) }),
    );
    const FILTERS: (IndexFilter | undefined)[] = [undefined, { attributes: { site: ['Hospital A'] } }, { attributes: { role: ['nurse', 'manager'], years: ['1', '2'] } }];
    const snapshot = (index: WorkspaceIndex) => ({
      counts: FILTERS.map((f) => counts(index, f)),
      segments: FILTERS.map((f) => index.segments(POOL, f)),
      below: index.segments(['leadership'], FILTERS[1], { withDescendants: true }),
      memos: index.memos(),
      search: index.memos('board'),
      values: [...index.attributeValues()],
      problems: index.problems(),
      documents: index.documents(),
      totals: FILTERS.map((f) => index.totals(f)),
      stages: FILTERS.map((f) => [...index.stageCounts(f)]),
      perDocument: FILTERS.map((f) => index.documentCounts(f).map((d) => ({ ...d, codes: [...d.codes] }))),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), fc.boolean(), async (ops, early) => {
        const live = new WorkspaceIndex(CB);
        if (early) live.codeCounts(); // counts with descendants then kept current rather than built later
        const files = new Map<string, string>();
        const attrs = new Map<string, Attributes>();
        let k = 0;
        for (const o of ops) {
          const doc = DOCS[o.doc];
          const sc = doc + '.annotations.json';
          if (o.op === 'upsert') {
            const text = sidecarText(doc, o.anns.map((a) => ann(++k, a.codes, { start: a.start, end: a.start + a.len, memo: a.memo, whole: a.whole && a.memo !== undefined })));
            files.set(sc, text);
            live.upsertSidecar(sc, text);
          } else if (o.op === 'broken') {
            files.set(sc, '{ "broken": ');
            live.upsertSidecar(sc, '{ "broken": ');
          } else if (o.op === 'remove') {
            files.delete(sc);
            live.removeSidecar(sc);
          } else {
            if (o.attrs) attrs.set(doc, o.attrs);
            else attrs.delete(doc);
            live.setAttributes(doc, o.attrs);
          }
          if (early) live.codeCounts();
        }
        const fresh = await loadAll(new MemoryStore(Object.fromEntries(files)), { codebook: CB });
        for (const [d, a] of attrs) fresh.setAttributes(d, a);
        assert.deepEqual(snapshot(live), snapshot(fresh));
      }),
      { numRuns: 300 },
    );
  });

  it('lists segment, document, code and stage memos, searchable ignoring case across text, code names and paths', () => {
    const index = sample();
    index.upsertSidecar('interviews/z.md.annotations.json', sidecarText('interviews/z.md', [createDocumentMemo({ memo: 'Interview cut short: fire alarm', creator: 'Ben', id: uuid(9), now: new Date('2026-01-01T00:00:00Z') }), ann(1, ['membership'])]));
    const all = index.memos();
    assert.deepEqual(
      all.map((m) => [m.kind, m.kind === 'code' ? m.code : m.kind === 'stage' ? m.stage : m.document]),
      [
        ['stage', 'leadership-stage'],
        ['code', 'leadership'],
        ['segment', 'b.md'],
        ['segment', 'interviews/a.md'],
        ['segment', 'interviews/a.md'],
        ['document', 'interviews/z.md'],
      ],
    );
    const seg = all.find((m) => m.kind === 'segment' && m.document === 'interviews/a.md')!;
    assert.deepEqual(seg, { kind: 'segment', document: 'interviews/a.md', id: uuid(1), text: 'Ana on the **board** chair', quote: 'quote 1', codes: ['composer'], start: 10, end: 15, creator: 'Ana', created: '2026-02-03T04:05:06Z' });
    assert.deepEqual(all[5], { kind: 'document', document: 'interviews/z.md', id: uuid(9), text: 'Interview cut short: fire alarm', codes: [], creator: 'Ben', created: '2026-01-01T00:00:00Z' });
    const kinds = (q: string, f?: IndexFilter) => index.memos(q, f).map((m) => m.kind + ':' + ('document' in m ? m.document : 'code' in m ? m.code : m.stage));
    assert.deepEqual(kinds('BOARD'), ['segment:interviews/a.md']);
    assert.deepEqual(kinds('setting the TEMPO'), ['segment:b.md'], 'by the name of a code, not only its id');
    assert.deepEqual(kinds('composer'), ['stage:leadership-stage', 'segment:interviews/a.md'], 'by memo text and code name');
    assert.deepEqual(kinds('interviews/'), ['segment:interviews/a.md', 'segment:interviews/a.md', 'document:interviews/z.md'], 'by document path');
    assert.deepEqual(kinds('fire alarm'), ['document:interviews/z.md']);
    assert.deepEqual(kinds('distributed'), ['code:leadership']);
    assert.deepEqual(kinds('nothing like this'), []);
    assert.deepEqual(kinds('', { attributes: { site: ['Hospital A'] } }), ['stage:leadership-stage', 'code:leadership', 'segment:b.md']);
  });

  it('loadAll walks the workspace once, with case attributes from each document if asked', async () => {
    const store = new MemoryStore({
      'codebook.json': '{}',
      'interviews/a.md': '---\nsite: Hospital C\n---\nText',
      'interviews/a.md.annotations.json': sidecarText('interviews/a.md', [ann(1, ['tempo'])]),
      'b.md': 'no front matter',
      'node_modules/x.md.annotations.json': sidecarText('x.md', [ann(1, ['tempo'])]),
    });
    const seen: string[] = [];
    const index = await loadAll(store, {
      codebook: CB,
      attributes: (p, text) => {
        seen.push(p);
        const m = /^site: (.*)$/m.exec(text);
        return m ? { site: m[1] } : undefined;
      },
    });
    assert.deepEqual(seen, ['b.md', 'interviews/a.md']);
    assert.deepEqual(index.codeCounts().get('conductor')!.withDescendants, { segments: 1, documents: 1 });
    assert.deepEqual([...index.attributeValues()], [['site', ['Hospital C']]]);
  });

  it('loadAll reads the files it is given instead of walking the store (the editor finds them with its file search)', async () => {
    const files = {
      'codebook.json': '{}',
      'interviews/a.md': '---\nsite: Hospital C\n---\nText',
      'interviews/a.md.annotations.json': sidecarText('interviews/a.md', [ann(1, ['tempo'])]),
      'b.md': '---\nsite: Hospital D\n---\nText',
      'b.md.annotations.json': sidecarText('b.md', [ann(1, ['conductor'])]),
    };
    const store = new MemoryStore(files);
    const listed: string[] = [];
    const list = store.list.bind(store);
    store.list = (dir: string) => {
      listed.push(dir);
      return list(dir);
    };
    const seen: string[] = [];
    const index = await loadAll(store, {
      codebook: CB,
      paths: ['interviews/a.md.annotations.json', 'interviews/a.md', 'codebook.json', 'notes.txt'],
      attributes: (p, text) => {
        seen.push(p);
        const m = /^site: (.*)$/m.exec(text);
        return m ? { site: m[1] } : undefined;
      },
    });
    assert.deepEqual(listed, [], 'the store is not walked');
    assert.deepEqual(seen, ['interviews/a.md'], 'only the documents given are read');
    assert.deepEqual(index.codeCounts().get('tempo')?.segments, 1);
    assert.equal(index.codeCounts().get('conductor')?.segments ?? 0, 0, 'a sidecar not given is not read');
    assert.deepEqual([...index.attributeValues()], [['site', ['Hospital C']]]);
  });

  it('takes a reading as read or written elsewhere, keeping what it needs: later changes to the reading do not reach it', () => {
    const path = 'c.md.annotations.json';
    const text = sidecarText('c.md', [ann(1, ['tempo'], { memo: 'x' }), ann(2, ['conductor'])]);
    const index = new WorkspaceIndex(CB);
    const read = parseSidecar(text, path);
    index.upsertLoad(path, read);
    assert.equal(index.codeCounts().get('tempo')?.segments, 1);
    // The editor anchors and changes its reading afterwards: the index's counts are untouched.
    read.sidecar!.annotations[0].codes.push('membership');
    read.sidecar!.annotations[1].start = 999;
    assert.equal(index.codeCounts().get('membership')?.segments ?? 0, 0);
    // An unreadable file is recorded as a problem, and its earlier counts dropped.
    index.upsertLoad(path, parseSidecar('{ nope', path));
    assert.equal(index.problems().some((p) => p.file === path), true);
    assert.equal(index.codeCounts().get('tempo')?.segments ?? 0, 0);
  });
});

describe('document memos in sidecars', () => {
  const doc: Sidecar = {
    version: 1,
    id: PAGE_ID,
    annotations: [ann(2, ['tempo'], { start: 0, end: 5 }), createDocumentMemo({ memo: 'The whole interview: *tense*', creator: 'Ana', id: uuid(1), now: new Date('2026-01-02T03:04:05Z') }), retarget(ann(3, ['composer']), { target: 'lost' })],
  };

  it('are written with a target naming the document only, and read back to identical bytes', () => {
    const text = serializeSidecar(doc, 'interviews/Director #2.md');
    const page = JSON.parse(text);
    const item = page.items.find((i: { id: string }) => i.id === uuid(1));
    assert.deepEqual(item.target, { id: 'file:Director%20%232.md', type: 'Text', format: 'text/markdown' });
    assert.equal(item.motivation, 'commenting');
    assert.deepEqual(item.body, [{ type: 'TextualBody', purpose: 'commenting', value: 'The whole interview: *tense*', format: 'text/markdown' }]);
    const back = parseSidecar(text, 'interviews/Director #2.md.annotations.json');
    assert.deepEqual(back.problems, []);
    assert.equal(back.readOnly, false);
    const memo = back.sidecar!.annotations.find((a) => a.id === uuid(1))!;
    assert.ok(isWholeDocument(memo));
    assert.equal(memo.memo, 'The whole interview: *tense*');
    assert.equal(serializeSidecar(back.sidecar!, 'interviews/Director #2.md'), text);
    // An orphan keeps its quote selector: it is not mistaken for a document memo.
    const orphan = page.items.find((i: { id: string }) => i.id === uuid(3));
    assert.deepEqual(orphan.target.selector, [{ type: 'TextQuoteSelector', exact: 'quote 3', prefix: '', suffix: '' }]);
    assert.equal(isWholeDocument(back.sidecar!.annotations.find((a) => a.id === uuid(3))!), false);
  });

  it('pass the W3C Annotation MUSTs', function () {
    const check = loadAnnotationMusts();
    if (!check) this.skip();
    const page = JSON.parse(serializeSidecar(doc, 'a.md'));
    for (const item of page.items) assert.deepEqual(check!(item), [], item.id);
  });

  it('are also read from a plain IRI target; a target with a source but no selector is refused (not W3C)', () => {
    const page = JSON.parse(serializeSidecar(doc, 'a.md'));
    const item = page.items.find((i: { id: string }) => i.id === uuid(1));
    item.target = 'file:a.md';
    const load = parseSidecar(JSON.stringify(page), 'a.md.annotations.json');
    assert.deepEqual(load.problems, []);
    assert.ok(isWholeDocument(load.sidecar!.annotations.find((a) => a.id === uuid(1))!));
    item.target = { source: 'file:a.md' };
    const bad = parseSidecar(JSON.stringify(page), 'a.md.annotations.json');
    assert.equal(bad.readOnly, true);
    assert.equal(bad.sidecar, undefined);
  });
});
