import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnnotation, locateQuote } from '../../src/core/annotations';
import { serializeCodebook } from '../../src/core/codebook/codebook';
import type { Codebook } from '../../src/core/model/codebook';
import {
  codingWriteProblems,
  loadCodebook,
  loadDocument,
  openDocument,
  ReadOnlyError,
  saveDocument,
  validateWorkspace,
  workspaceStats,
  type LoadedDocument,
} from '../../src/core/project';
import type { Problem } from '../../src/core/problems';
import { createDocumentMemo, SIDECAR_VERSION } from '../../src/core/sidecar/format';
import { MemoryStore } from '../../src/core/store-memory';
import { hashText, normalizeText } from '../../src/core/text/text';
import { sidecarPathFor } from '../../src/core/sidecar/iri';
import { NodeStore } from '../../src/node/nodeStore';

const CODEBOOK: Codebook = {
  version: 1,
  name: 'Test',
  stages: [],
  codes: [
    { id: 'trust', name: 'Trust' },
    { id: 'friction', name: 'Friction' },
    { id: 'unused', name: 'Unused' },
  ],
};

const INTERVIEW = [
  '# Interview with the network director',
  '',
  'Interviewer: How did the network start?',
  '',
  'Director: We began with three hospitals and a shared referral protocol that nobody liked at first.',
  '',
  'Interviewer: What changed?',
  '',
  'Director: The monthly meetings built trust between the nurses and the consultants over about a year.',
  '',
  'Director: The budget argument with the commissioners nearly ended the whole project in its second winter.',
  '',
  'Director: Now the spoke hospitals call us before they transfer a patient, which they never did before.',
  '',
].join('\n');

const NOW = new Date('2025-01-02T03:04:05Z');
let idCounter = 0;
/** Deterministic annotation ids, so sorted output is predictable. */
function nextId(): string {
  idCounter++;
  return `urn:uuid:00000000-0000-4000-8000-${String(idCounter).padStart(12, '0')}`;
}

/** Codes each quote (which must occur once) in the document and saves the sidecar. */
async function code(store: MemoryStore, doc: string, quotes: [string, string[]][]): Promise<LoadedDocument> {
  const loaded = await loadDocument(store, doc);
  for (const [quote, codes] of quotes) {
    const at = locateQuote(loaded.text, quote);
    assert.ok(at.ok, `quote found: ${quote}`);
    loaded.sidecar.annotations.push(createAnnotation(loaded.text, { start: at.start, end: at.end, codes, creator: 'Tester', now: NOW, id: nextId() }));
  }
  await saveDocument(store, loaded);
  return loaded;
}

function workspace(extra: Record<string, string> = {}): MemoryStore {
  return new MemoryStore({ 'codebook.json': serializeCodebook(CODEBOOK), 'interviews/director.md': INTERVIEW, ...extra });
}

const DOC = 'interviews/director.md';
const SIDECAR = 'interviews/director.md.annotations.json';
const Q_TRUST = 'The monthly meetings built trust between the nurses and the consultants';
const Q_BUDGET = 'The budget argument with the commissioners nearly ended the whole project';
const Q_CALL = 'the spoke hospitals call us before they transfer a patient';

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `contains ${needle}`);
  return text.slice(0, i).split('\n').length;
}

function only(problems: Problem[], re: RegExp): Problem {
  const found = problems.filter((p) => re.test(p.message));
  assert.equal(found.length, 1, `one problem matches ${re}: ${JSON.stringify(problems, null, 2)}`);
  return found[0];
}

describe('project: loading and saving a document', () => {
  it('a document without a sidecar loads empty and writable', async () => {
    const store = workspace();
    const doc = await loadDocument(store, DOC);
    assert.equal(doc.sidecarExists, false);
    assert.equal(doc.readOnly, false);
    assert.deepEqual(doc.sidecar.annotations, []);
    assert.equal(doc.sidecarPath, SIDECAR);
    assert.match(doc.sidecar.id, /^urn:uuid:[0-9a-f-]{36}$/);
  });

  it('a missing document is an error, not an empty one', async () => {
    await assert.rejects(loadDocument(workspace(), 'interviews/nope.md'), /does not exist/);
  });

  it('save, load, save again gives identical bytes, with the text hash recorded', async () => {
    const store = workspace();
    const first = await code(store, DOC, [
      [Q_CALL, ['trust']],
      [Q_TRUST, ['trust', 'friction']],
      [Q_BUDGET, ['friction']],
    ]);
    assert.equal(first.sidecarExists, true);
    const bytes = store.files.get(SIDECAR)!;
    const json = JSON.parse(bytes);
    assert.equal(json.version, SIDECAR_VERSION);
    assert.equal(json.textHash, hashText(normalizeText(INTERVIEW)));
    assert.equal(json.id, first.sidecar.id);
    // Items are in document order whatever order they were coded in.
    assert.deepEqual(
      json.items.map((i: { target: { selector: { exact?: string }[] } }) => i.target.selector[1].exact),
      [Q_TRUST, Q_BUDGET, Q_CALL],
    );

    const again = await loadDocument(store, DOC);
    assert.equal(again.readOnly, false);
    assert.equal(again.textChanged, false);
    assert.deepEqual(again.problems, []);
    assert.deepEqual(again.results.map((r) => r.status), ['exact', 'exact', 'exact']);
    await saveDocument(store, again);
    assert.equal(store.files.get(SIDECAR), bytes);

    const third = await loadDocument(store, DOC);
    await saveDocument(store, third);
    assert.equal(store.files.get(SIDECAR), bytes);
  });

  it('the hash and positions ignore a BOM and CRLF line ends', async () => {
    const store = workspace({ [DOC]: '\ufeff' + INTERVIEW.replace(/\n/g, '\r\n') });
    await code(store, DOC, [[Q_TRUST, ['trust']]]);
    const json = JSON.parse(store.files.get(SIDECAR)!);
    assert.equal(json.textHash, hashText(normalizeText(INTERVIEW)));
    const sel = json.items[0].target.selector[0];
    assert.equal(sel.start, [...INTERVIEW.slice(0, INTERVIEW.indexOf(Q_TRUST))].length);
    // The same coding against the LF version of the file is unchanged.
    store.files.set(DOC, INTERVIEW);
    const doc = await loadDocument(store, DOC);
    assert.equal(doc.textChanged, false);
    assert.deepEqual(doc.results.map((r) => r.status), ['exact']);
  });

  it('re-anchors a document edited outside, with a status for each segment', async () => {
    const store = workspace();
    await code(store, DOC, [
      [Q_TRUST, ['trust']],
      [Q_BUDGET, ['friction']],
      [Q_CALL, ['trust']],
      ['Director: We began with three hospitals', ['friction']],
    ]);
    const before = await loadDocument(store, DOC);
    const oldStart = new Map(before.sidecar.annotations.map((a) => [a.exact, a.start!]));

    const inserted = 'Interviewer: A new question added after the interview was transcribed.\n\n';
    const edited = INTERVIEW
      // an inserted paragraph before the segments
      .replace('Interviewer: What changed?', inserted + 'Interviewer: What changed?')
      // a deleted passage
      .replace(/Director: The budget argument[^\n]*\n\n/, '')
      // a slightly edited quote
      .replace('call us before they transfer', 'ring us before they transfer');
    store.files.set(DOC, edited);

    const doc = await loadDocument(store, DOC);
    assert.equal(doc.textChanged, true);
    assert.equal(doc.readOnly, false);
    const byQuote = new Map(doc.sidecar.annotations.map((a, i) => [a.exact, doc.results[i]]));
    assert.equal(byQuote.get('Director: We began with three hospitals')!.status, 'exact');
    const moved = byQuote.get(Q_TRUST)!;
    assert.equal(moved.status, 'moved');
    assert.equal(moved.start, oldStart.get(Q_TRUST)! + inserted.length);
    assert.equal(doc.text.slice(moved.start!, moved.end!), Q_TRUST);
    const orphan = byQuote.get(Q_BUDGET)!;
    assert.equal(orphan.status, 'orphan');
    assert.equal(orphan.start, undefined);
    assert.ok(orphan.reason && orphan.reason.length > 0);
    const fuzzy = byQuote.get(Q_CALL)!;
    assert.equal(fuzzy.status, 'fuzzy');
    assert.equal(doc.text.slice(fuzzy.start!, fuzzy.end!), Q_CALL.replace('call', 'ring'));
    assert.match(fuzzy.reason ?? '', /similar/);

    // Saving records the new text; the orphan keeps its quote and codes, without a position.
    await saveDocument(store, doc);
    const json = JSON.parse(store.files.get(SIDECAR)!);
    assert.equal(json.textHash, hashText(edited));
    assert.equal(json.items.length, 4);
    const orphanItem = json.items.find((i: { target: { selector: { exact?: string }[] } }) => i.target.selector.some((s) => s.exact === Q_BUDGET));
    assert.ok(orphanItem, 'the orphan is kept');
    assert.equal(orphanItem.target.selector.length, 1, 'no position for an orphan');
    const after = await loadDocument(store, DOC);
    assert.deepEqual(
      after.results.map((r) => r.status).sort(),
      ['exact', 'exact', 'exact', 'orphan'],
    );
  });

  describe('refuses to overwrite a sidecar it could not read', () => {
    const cases: [string, string, RegExp][] = [
      ['malformed JSON', '{\n  "version": 1,\n  "items": [\n', /not valid JSON/],
      [
        'git conflict markers',
        '{\n<<<<<<< HEAD\n  "version": 1,\n=======\n  "version": 1,\n>>>>>>> other\n  "items": []\n}\n',
        /conflict/,
      ],
      ['a schema failure', JSON.stringify({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'AnnotationPage', version: 1, items: [{ id: 'x' }] }, null, 2), /missing/],
    ];
    for (const [what, bytes, message] of cases) {
      it(`when it holds ${what}`, async () => {
        const store = workspace({ [SIDECAR]: bytes });
        const doc = await loadDocument(store, DOC);
        assert.equal(doc.readOnly, true);
        assert.equal(doc.sidecarExists, true);
        assert.ok(doc.problems.some((p) => p.severity === 'error' && message.test(p.message)), JSON.stringify(doc.problems));
        // Even after a change in memory, nothing is written.
        const at = locateQuote(doc.text, Q_TRUST);
        assert.ok(at.ok);
        doc.sidecar.annotations.push(createAnnotation(doc.text, { start: at.start, end: at.end, codes: ['trust'], creator: 'T' }));
        await assert.rejects(saveDocument(store, doc), (e: unknown) => {
          assert.ok(e instanceof ReadOnlyError, String(e));
          assert.match(e.message, /nothing was overwritten/);
          return true;
        });
        assert.equal(store.files.get(SIDECAR), bytes);
      });
    }

    it('when it was written by a newer version (and still shows its coding)', async () => {
      const store = workspace();
      await code(store, DOC, [[Q_TRUST, ['trust']]]);
      const newer = store.files.get(SIDECAR)!.replace('"version": 1,', '"version": 99,');
      store.files.set(SIDECAR, newer);
      const doc = await loadDocument(store, DOC);
      assert.equal(doc.readOnly, true);
      assert.equal(doc.sidecar.annotations.length, 1, 'the coding is still shown');
      assert.deepEqual(doc.results.map((r) => r.status), ['exact']);
      assert.match(doc.problems[0].message, /newer version/);
      await assert.rejects(saveDocument(store, doc), ReadOnlyError);
      assert.equal(store.files.get(SIDECAR), newer);
    });
  });

  it('openDocument marks a sidecar with a repeated annotation id read-only', () => {
    const store = workspace();
    return code(store, DOC, [[Q_TRUST, ['trust']], [Q_CALL, ['trust']]]).then(() => {
      const raw = store.files.get(SIDECAR)!;
      const ids = [...raw.matchAll(/"id": "(urn:uuid:[^"]+)",\n {6}"type": "Annotation"/g)].map((m) => m[1]);
      assert.equal(ids.length, 2);
      const doc = openDocument(DOC, INTERVIEW, raw.replace(ids[1], ids[0]));
      assert.equal(doc.readOnly, true);
      assert.match(doc.problems[0].message, /repeats the id/);
    });
  });
});

describe('project: validateWorkspace', () => {
  /** A workspace with one good document and one of each kind of trouble. */
  async function troubled(): Promise<MemoryStore> {
    const store = workspace({
      'good.md': 'A short note about trust in the network and how it grew.\n',
      'unknown.md': 'Someone mentions a ghost code here, and then nothing else.\n',
      'edited.md': INTERVIEW,
      'gone.md': 'This document will be deleted after it is coded.\n',
      'broken.md': 'Its sidecar is broken.\n',
    });
    await code(store, 'good.md', [['trust in the network', ['trust']]]);
    await code(store, 'unknown.md', [['a ghost code here', ['trust', 'ghost']]]);
    await code(store, 'edited.md', [
      [Q_TRUST, ['trust']],
      [Q_BUDGET, ['friction']],
      [Q_CALL, ['trust']],
    ]);
    store.files.set(
      'edited.md',
      INTERVIEW.replace('Interviewer: What changed?', 'Interviewer: An inserted question?\n\nInterviewer: What changed?')
        .replace(/Director: The budget argument[^\n]*\n\n/, '')
        .replace('call us before they transfer', 'ring us before they transfer'),
    );
    await code(store, 'gone.md', [['will be deleted', ['friction']]]);
    await store.delete('gone.md');
    store.files.set('broken.md.annotations.json', '{\n  "version": 1,\n  "items": [\n    {,\n  ]\n}\n');
    return store;
  }

  it('reports nothing on a clean workspace', async () => {
    const store = workspace();
    await code(store, DOC, [[Q_TRUST, ['trust']]]);
    const report = await validateWorkspace(store);
    assert.deepEqual(report.problems, []);
    assert.equal(report.documents, 1);
    assert.equal(report.annotations, 1);
    assert.deepEqual(report.statuses, { exact: 1, moved: 0, fuzzy: 0, orphan: 0 });
  });

  it('says when there is no codebook', async () => {
    const store = new MemoryStore({ 'a.md': 'text\n' });
    const report = await validateWorkspace(store);
    const p = only(report.problems, /no codebook/);
    assert.equal(p.severity, 'error');
    assert.equal(p.file, 'codebook.json');
  });

  it('reports each kind of trouble, where it is, and still checks the rest', async () => {
    const store = await troubled();
    const report = await validateWorkspace(store);

    const unknown = only(report.problems, /coded with "ghost"/);
    assert.equal(unknown.severity, 'error');
    assert.equal(unknown.file, 'unknown.md.annotations.json');
    assert.equal(unknown.line, lineOf(store.files.get('unknown.md.annotations.json')!, '"urn:qda:code:ghost"'));
    assert.doesNotMatch(unknown.message, /"trust"/);

    const orphan = only(report.problems, /lost its place/);
    assert.equal(orphan.severity, 'error');
    assert.equal(orphan.file, 'edited.md');
    assert.match(orphan.message, /friction/);
    assert.match(orphan.message, /edited\.md\.annotations\.json/);

    const fuzzy = only(report.problems, /re-attached approximately/);
    assert.equal(fuzzy.severity, 'warning');
    assert.equal(fuzzy.file, 'edited.md');
    assert.equal(fuzzy.line, lineOf(store.files.get('edited.md')!, 'Director: Now the spoke'));

    const missing = only(report.problems, /belongs to gone\.md, which does not exist/);
    assert.equal(missing.severity, 'error');
    assert.equal(missing.file, 'gone.md.annotations.json');

    const broken = only(report.problems, /not valid JSON/);
    assert.equal(broken.file, 'broken.md.annotations.json');
    assert.equal(broken.line, 4);

    // Nothing about the good document or the codebook.
    assert.ok(!report.problems.some((p) => p.file.startsWith('good.md') || p.file === 'codebook.json'), JSON.stringify(report.problems));
    // good, unknown, edited were anchored: 1 + 1 + 3 segments.
    assert.equal(report.annotations, 5);
    assert.deepEqual(report.statuses, { exact: 2, moved: 1, fuzzy: 1, orphan: 1 });
    assert.equal(report.problems.filter((p) => p.severity === 'error').length, 4);
    assert.equal(report.problems.filter((p) => p.severity === 'warning').length, 1);
  });

  it('validation reads but never writes', async () => {
    const store = await troubled();
    const before = new Map(store.files);
    await validateWorkspace(store);
    assert.deepEqual(store.files, before);
  });

  it('narrows the check to the paths given', async () => {
    const store = await troubled();
    const report = await validateWorkspace(store, 'codebook.json', ['good.md', 'unknown.md.annotations.json']);
    assert.equal(report.documents, 2);
    assert.equal(report.annotations, 2);
    assert.deepEqual(report.problems.map((p) => p.file), ['unknown.md.annotations.json']);
    const nothing = await validateWorkspace(store, 'codebook.json', ['nope.md']);
    assert.equal(only(nothing.problems, /No such file/).file, 'nope.md');
  });

  it('reports codebook problems with their lines', async () => {
    const store = workspace({ 'codebook.json': '{\n  "version": 1,\n  "stages": [],\n  "codes": [\n    { "id": "a" }\n  ]\n}\n' });
    const report = await validateWorkspace(store);
    const p = only(report.problems, /missing "name"/);
    assert.equal(p.file, 'codebook.json');
    assert.equal(p.line, 5);
  });
});

describe('project: codingWriteProblems (may a document\'s coding be written?)', () => {
  /** The problems validate reports for the codebook and this document's sidecar, and those the writer check gives. */
  async function both(store: MemoryStore, doc: string) {
    const report = await validateWorkspace(store, 'codebook.json', [doc]);
    const loaded = await loadDocument(store, doc);
    const raw = await store.readText(sidecarPathFor(doc));
    const write = codingWriteProblems(await loadCodebook(store), 'codebook.json', loaded, raw);
    // Orphans and approximate matches are reported by validate but are no reason not to write.
    const validate = report.problems.filter((p) => p.file !== doc);
    return { validate, write };
  }

  it('a clean document may be written; an orphan is no reason to refuse', async () => {
    const store = workspace();
    await code(store, DOC, [[Q_TRUST, ['trust']], [Q_BUDGET, ['friction']]]);
    store.files.set(DOC, INTERVIEW.replace(/Director: The budget argument[^\n]*\n\n/, ''));
    const { validate, write } = await both(store, DOC);
    assert.deepEqual(validate, []);
    assert.deepEqual(write, []);
  });

  const cases: [string, (store: MemoryStore) => void, RegExp][] = [
    ['a code not in the codebook', (st) => st.files.set(SIDECAR, st.files.get(SIDECAR)!.replace('urn:qda:code:friction', 'urn:qda:code:ghost')), /"ghost"/],
    ['no codebook', (st) => st.files.delete('codebook.json'), /no codebook/],
    ['a codebook repeating a code id', (st) => st.files.set('codebook.json', serializeCodebook({ ...CODEBOOK, codes: [...CODEBOOK.codes, { id: 'trust', name: 'Trust again' }] })), /repeats the id/],
    ['a codebook repeating a stage id', (st) => st.files.set('codebook.json', serializeCodebook({ ...CODEBOOK, stages: [{ id: 's', name: 'S' }, { id: 's', name: 'T' }] })), /repeats the id "s"/],
    ['an unknown parent', (st) => st.files.set('codebook.json', serializeCodebook({ ...CODEBOOK, codes: [{ id: 'trust', name: 'Trust', parent: 'nope' }, ...CODEBOOK.codes.slice(1)] })), /parent "nope"/],
    ['a parent loop', (st) => st.files.set('codebook.json', serializeCodebook({ ...CODEBOOK, codes: [{ id: 'trust', name: 'Trust', parent: 'friction' }, { id: 'friction', name: 'Friction', parent: 'trust' }, CODEBOOK.codes[2]] })), /own ancestor/],
    ['an unknown stage', (st) => st.files.set('codebook.json', serializeCodebook({ ...CODEBOOK, codes: [{ id: 'trust', name: 'Trust', stage: 'nope' }, ...CODEBOOK.codes.slice(1)] })), /stage "nope"/],
    ['an invalid codebook', (st) => st.files.set('codebook.json', '{ "version": 1, "codes": 3 }'), /codebook|codes/i],
    ['a sidecar that is not JSON', (st) => st.files.set(SIDECAR, '{ nope'), /not valid JSON/],
    ['a sidecar from a newer version', (st) => st.files.set(SIDECAR, st.files.get(SIDECAR)!.replace('"version": 1', '"version": 9')), /newer version/],
  ];
  for (const [what, spoil, message] of cases) {
    it(`refuses ${what}, with the problems validate reports`, async () => {
      const store = workspace();
      await code(store, DOC, [[Q_TRUST, ['trust']], [Q_BUDGET, ['friction']]]);
      spoil(store);
      const { validate, write } = await both(store, DOC);
      assert.ok(write.length > 0, 'refused');
      assert.ok(write.some((p) => message.test(p.message)), write.map((p) => p.message).join('\n'));
      assert.deepEqual(write, validate);
    });
  }
});

describe('project: workspaceStats', () => {
  const counts = (segments: number, documents: number) => ({ segments, documents });

  it('counts segments per code, per stage and per document', async () => {
    const store = workspace({ 'other/b.md': 'Trust again, and friction again, in another interview.\n' });
    await code(store, DOC, [
      [Q_TRUST, ['trust']],
      [Q_BUDGET, ['friction', 'trust']],
      [Q_CALL, ['trust']],
    ]);
    await code(store, 'other/b.md', [
      ['Trust again', ['trust']],
      ['friction again', ['friction', 'stray']],
    ]);
    const s = await workspaceStats(store);
    assert.equal(s.total, 5);
    assert.equal(s.documents, 2);
    assert.deepEqual(s.problems, []);
    assert.deepEqual(s.byCode, [
      { code: 'trust', name: 'Trust', segments: 4, documents: 2, withSubCodes: counts(4, 2) },
      { code: 'friction', name: 'Friction', segments: 2, documents: 2, withSubCodes: counts(2, 2) },
      { code: 'unused', name: 'Unused', segments: 0, documents: 0, withSubCodes: counts(0, 0) },
      { code: 'stray', name: 'stray (not in the codebook)', segments: 1, documents: 1, withSubCodes: counts(1, 1) },
    ]);
    // The codebook has no stages: every code of it is of no stage; "stray" is in no stage at all.
    assert.deepEqual(s.byStage, [{ stage: null, name: 'No stage', segments: 5, documents: 2 }]);
    assert.deepEqual(s.byDocument, [
      { document: DOC, segments: 3, codes: { trust: 3, friction: 1 } },
      { document: 'other/b.md', segments: 2, codes: { trust: 1, friction: 1, stray: 1 } },
    ]);
  });

  it('counts coded segments only: a document memo or a memo without a code is no segment', async () => {
    const store = workspace();
    const doc = await loadDocument(store, DOC);
    doc.sidecar.annotations.push(createDocumentMemo({ memo: 'Interview done in the canteen', creator: 'Tester', now: NOW, id: nextId() }));
    const at = locateQuote(doc.text, Q_CALL);
    assert.ok(at.ok);
    doc.sidecar.annotations.push(createAnnotation(doc.text, { start: at.start, end: at.end, codes: [], memo: 'ask again', creator: 'Tester', now: NOW, id: nextId() }));
    const t = locateQuote(doc.text, Q_TRUST);
    assert.ok(t.ok);
    doc.sidecar.annotations.push(createAnnotation(doc.text, { start: t.start, end: t.end, codes: ['trust'], creator: 'Tester', now: NOW, id: nextId() }));
    await saveDocument(store, doc);
    const s = await workspaceStats(store);
    assert.equal(s.total, 1);
    assert.deepEqual(s.byDocument, [{ document: DOC, segments: 1, codes: { trust: 1 } }]);
  });

  it('names a sidecar it cannot read, and counts the rest', async () => {
    const store = workspace({ 'x.md': 'x\n', 'x.md.annotations.json': '{ nope' });
    await code(store, DOC, [[Q_TRUST, ['trust']]]);
    const s = await workspaceStats(store);
    assert.equal(s.total, 1);
    assert.equal(s.problems.length, 1);
    assert.equal(s.problems[0].file, 'x.md.annotations.json');
    assert.equal(s.problems[0].severity, 'error');
    assert.deepEqual(s.byDocument.map((d) => d.document), [DOC]);
  });

  it('without a codebook says so and reads nothing else', async () => {
    const store = new MemoryStore({ 'deep/down/a.md': INTERVIEW, 'deep/down/a.md.annotations.json': '{}' });
    let listed = 0;
    const list = store.list.bind(store);
    store.list = async (dir) => (listed++, list(dir));
    const s = await workspaceStats(store);
    assert.equal(listed, 0, 'no folder was walked');
    assert.equal(s.problems.length, 1);
    assert.equal(s.problems[0].file, 'codebook.json');
    assert.match(s.problems[0].message, /no codebook/i);
    assert.equal(s.total, 0);
  });

  it('counts codes named like properties of every object (constructor, toString, valueOf, __proto__)', async () => {
    const store = workspace();
    const odd = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'];
    await code(store, DOC, [[Q_TRUST, odd], [Q_CALL, ['constructor']]]);
    const s = await workspaceStats(store);
    const doc = s.byDocument[0];
    assert.deepEqual(JSON.parse(JSON.stringify(doc.codes)), JSON.parse('{ "constructor": 2, "toString": 1, "valueOf": 1, "__proto__": 1, "hasOwnProperty": 1 }'));
    for (const id of odd) assert.equal(s.byCode.find((c) => c.code === id)?.segments, id === 'constructor' ? 2 : 1, id);
  });
});

describe('NodeStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-nodestore-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writeAtomic creates missing folders and leaves no temporary files', async () => {
    const store = new NodeStore(dir);
    await store.writeAtomic('a/b/c.json', 'first\n');
    await store.writeAtomic('a/b/c.json', 'second ✓ 😀\n');
    await store.writeAtomic('a/d.md', 'd\n');
    assert.equal(await fs.readFile(path.join(dir, 'a/b/c.json'), 'utf8'), 'second ✓ 😀\n');
    assert.deepEqual((await fs.readdir(path.join(dir, 'a/b'))).sort(), ['c.json']);
    assert.deepEqual((await fs.readdir(path.join(dir, 'a'))).sort(), ['b', 'd.md']);
    assert.equal(await store.readText('a/b/c.json'), 'second ✓ 😀\n');
  });

  it('a failed write leaves the target and no temporary file behind', async () => {
    const store = new NodeStore(dir);
    await fs.mkdir(path.join(dir, 'taken/inner'), { recursive: true });
    await assert.rejects(store.writeAtomic('taken', 'x'));
    assert.deepEqual(await fs.readdir(dir), ['taken']);
    assert.deepEqual(await fs.readdir(path.join(dir, 'taken')), ['inner']);
  });

  it('readText of a missing file is undefined; stat and list too', async () => {
    const store = new NodeStore(dir);
    assert.equal(await store.readText('missing.md'), undefined);
    assert.equal(await store.readText('no/such/folder/file.md'), undefined);
    assert.equal(await store.stat('missing.md'), undefined);
    assert.deepEqual(await store.list('no-such-folder'), []);
  });

  it('reads text as UTF-8 with its BOM and CRLF kept as they are', async () => {
    const raw = '\ufeffline one\r\nline two 😀\r\n';
    await fs.writeFile(path.join(dir, 'doc.md'), raw, 'utf8');
    const store = new NodeStore(dir);
    assert.equal(await store.readText('doc.md'), raw);
    const st = await store.stat('doc.md');
    assert.equal(st?.type, 'file');
    assert.equal(st?.size, Buffer.byteLength(raw));
  });

  it('lists, renames into new folders and deletes', async () => {
    const store = new NodeStore(dir);
    await store.writeAtomic('x/a.md', 'a');
    await store.rename('x/a.md', 'y/z/b.md');
    assert.equal(await store.readText('x/a.md'), undefined);
    assert.equal(await store.readText('y/z/b.md'), 'a');
    assert.deepEqual(await store.list('y'), [{ name: 'z', type: 'directory' }]);
    await store.delete('y/z/b.md');
    await store.delete('y/z/b.md'); // deleting twice is fine
    assert.deepEqual(await store.list('y/z'), []);
  });

  it('serves a whole project: code, save, validate on disk', async () => {
    await fs.writeFile(path.join(dir, 'codebook.json'), serializeCodebook(CODEBOOK));
    await fs.mkdir(path.join(dir, 'interviews'));
    await fs.writeFile(path.join(dir, DOC), INTERVIEW);
    const store = new NodeStore(dir);
    const doc = await loadDocument(store, DOC);
    const at = locateQuote(doc.text, Q_TRUST);
    assert.ok(at.ok);
    doc.sidecar.annotations.push(createAnnotation(doc.text, { start: at.start, end: at.end, codes: ['trust'], creator: 'T' }));
    await saveDocument(store, doc);
    assert.deepEqual((await fs.readdir(path.join(dir, 'interviews'))).sort(), ['director.md', 'director.md.annotations.json']);
    const report = await validateWorkspace(store);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.statuses, { exact: 1, moved: 0, fuzzy: 0, orphan: 0 });
  });
});
