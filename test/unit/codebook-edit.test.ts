import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodebookIndex, parseCodebook, serializeCodebook } from '../../src/core/codebook/codebook';
import {
  addCode,
  CodebookEditError,
  deleteCode,
  editDefinition,
  editText,
  mergeCodes,
  mergeInCodebook,
  moveCode,
  planCodeUse,
  planMerge,
  recodeEverywhere,
  recolour,
  removeCodeEverywhere,
  renameCode,
  setMemo,
  undoFileChanges,
  type FileChange,
} from '../../src/core/codebook/edit';
import { CodebookHistory } from '../../src/core/codebook/history';
import { loadAll } from '../../src/core/index/workspaceIndex';
import type { Annotation } from '../../src/core/model/annotation';
import type { Codebook } from '../../src/core/model/codebook';
import { createDocumentMemo, parseSidecar, serializeSidecar } from '../../src/core/sidecar/format';
import { MemoryStore } from '../../src/core/store-memory';

const uuid = (k: number) => `urn:uuid:00000000-0000-4000-8000-${String(k).padStart(12, '0')}`;
const OLD = '2026-02-03T04:05:06Z';
const NOW = new Date('2026-05-06T07:08:09Z');

function ann(k: number, codes: string[], memo?: string): Annotation {
  const a: Annotation = { id: uuid(k), creator: 'Ana', created: OLD, modified: OLD, codes, target: 'passage', start: k * 10, end: k * 10 + 4, exact: `q${k}`, prefix: '', suffix: '' };
  if (memo !== undefined) a.memo = memo;
  return a;
}
const page = (doc: string, annotations: Annotation[]) => serializeSidecar({ version: 1, id: 'urn:uuid:11111111-1111-4111-8111-111111111111', textHash: 'sha256:' + '0'.repeat(64), annotations }, doc);

function codebook(): Codebook {
  return {
    version: 1,
    name: 'Orchestration',
    stages: [
      { id: 'leadership', name: 'Leadership and governance', colour: '#aa0000' },
      { id: 'membership', name: 'Membership and roles' },
    ],
    codes: [
      { id: 'tasks', name: 'Orchestration tasks', stage: 'leadership' },
      { id: 'brokering', name: 'Brokering relations', parent: 'tasks' },
      { id: 'brokering-evidence', name: 'Using evidence', parent: 'brokering' },
      { id: 'coordinating', name: 'Coordinating activities', parent: 'tasks', memo: 'Close to brokering?' },
      { id: 'work', name: 'Institutional work', stage: 'membership' },
      { id: 'creating', name: 'Creating institutions', parent: 'work' },
    ],
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

const ids = (cb: Codebook) => cb.codes.map((c) => c.id);

describe('codebook editing', () => {
  it('adds a code with an id made from its name, after its parent\'s family, never changing the codebook given', () => {
    const cb = deepFreeze(codebook());
    const { codebook: out, id } = addCode(cb, { name: '  Brokering   ties ', parent: 'tasks', colour: '#123abc', definition: 'Linking actors.', whenToUse: '  ' });
    assert.equal(id, 'brokering-ties');
    assert.deepEqual(out.codes[4], { id: 'brokering-ties', name: 'Brokering ties', definition: 'Linking actors.', colour: '#123abc', parent: 'tasks' });
    assert.deepEqual(ids(out), ['tasks', 'brokering', 'brokering-evidence', 'coordinating', 'brokering-ties', 'work', 'creating']);
    assert.equal(addCode(out, { name: 'Brokering', parent: 'work' }).id, 'brokering-2');
    assert.deepEqual(ids(addCode(cb, { name: 'Top', stage: 'membership' }).codebook).slice(-1), ['top']);
    assert.deepEqual(cb, codebook());
  });

  it('refuses a code without a name, with an unknown parent or stage, a bad colour, or the name of a sibling', () => {
    const cb = codebook();
    assert.throws(() => addCode(cb, { name: '  ' }), CodebookEditError);
    assert.throws(() => addCode(cb, { name: 'X', parent: 'nope' }), /no code "nope"/);
    assert.throws(() => addCode(cb, { name: 'X', stage: 'nope' }), /no stage "nope"/);
    assert.throws(() => addCode(cb, { name: 'X', colour: 'red' }), /#rrggbb/);
    assert.throws(() => addCode(cb, { name: 'brokering RELATIONS', parent: 'tasks' }), /already a code "Brokering relations" under "Orchestration tasks"/);
  });

  it('renames (the id stays), recolours, edits texts; blank text removes a field', () => {
    const cb = deepFreeze(codebook());
    const renamed = renameCode(cb, 'brokering', 'Brokering ties');
    assert.deepEqual(renamed.codes[1], { id: 'brokering', name: 'Brokering ties', parent: 'tasks' });
    assert.throws(() => renameCode(cb, 'brokering', 'coordinating activities'), /already a code/);
    assert.equal(renameCode(cb, 'brokering', 'brokering RELATIONS').codes[1].name, 'brokering RELATIONS', 'its own name, in other case');
    assert.equal(recolour(cb, 'work', '#00ff00').codes[4].colour, '#00ff00');
    assert.equal('colour' in recolour(recolour(cb, 'work', '#00ff00'), 'work', undefined).codes[4], false);
    assert.throws(() => recolour(cb, 'work', '#0f0'), CodebookEditError);
    const defined = editDefinition(cb, 'work', 'Purposive action on institutions.');
    assert.equal(defined.codes[4].definition, 'Purposive action on institutions.');
    assert.equal(editText(defined, 'work', 'example', 'We changed the rota.').codes[4].example, 'We changed the rota.');
    assert.equal('definition' in editDefinition(defined, 'work', ' ').codes[4], false);
    assert.throws(() => editDefinition(cb, 'ghost', 'x'), /no code "ghost"/);
  });

  it('moves a code with its sub-codes to another parent, to the top level, or to another stage', () => {
    const cb = deepFreeze(codebook());
    const moved = moveCode(cb, 'brokering', { parent: 'work' });
    assert.deepEqual(ids(moved), ['tasks', 'coordinating', 'work', 'creating', 'brokering', 'brokering-evidence']);
    assert.equal(moved.codes[4].parent, 'work');
    const top = moveCode(cb, 'brokering', { parent: null, stage: 'membership' });
    assert.deepEqual(top.codes.find((c) => c.id === 'brokering'), { id: 'brokering', name: 'Brokering relations', stage: 'membership' });
    assert.deepEqual(ids(top).slice(-2), ['brokering', 'brokering-evidence']);
    const staged = moveCode(cb, 'coordinating', { stage: 'membership' });
    assert.deepEqual(ids(staged), ids(cb), 'a stage change keeps the order');
    assert.equal(moveCode(staged, 'coordinating', { stage: null }).codes[3].stage, undefined);
    assert.throws(() => moveCode(cb, 'tasks', { parent: 'brokering-evidence' }), /cannot be put under "Using evidence", which is one of its own sub-codes/);
    assert.throws(() => moveCode(cb, 'tasks', { parent: 'tasks' }), /under itself/);
    assert.throws(() => moveCode(cb, 'tasks', { stage: 'nope' }), /no stage/);
  });

  it('deletes only a code that no segment uses and that has no sub-codes', () => {
    const cb = deepFreeze(codebook());
    assert.deepEqual(ids(deleteCode(cb, 'creating', new Map([['creating', { segments: 0 }]]))), ['tasks', 'brokering', 'brokering-evidence', 'coordinating', 'work']);
    assert.throws(() => deleteCode(cb, 'creating', new Map([['creating', { segments: 3 }]])), /used by 3 segments/);
    assert.throws(() => deleteCode(cb, 'work', new Map()), /has sub-codes \("Creating institutions"\)/);
  });

  it('sets memos on codes and stages, which the schema accepts and serialisation writes last', () => {
    const cb = deepFreeze(codebook());
    const out = setMemo(setMemo(cb, { code: 'work' }, 'Read Lawrence & Suddaby.'), { stage: 'membership' }, 'Roles *emerge*.');
    assert.equal(out.codes[4].memo, 'Read Lawrence & Suddaby.');
    assert.equal(out.stages[1].memo, 'Roles *emerge*.');
    assert.equal('memo' in setMemo(out, { code: 'work' }, '').codes[4], false);
    assert.throws(() => setMemo(cb, { stage: 'nope' }, 'x'), /no stage/);
    const text = serializeCodebook(out);
    const parsed = parseCodebook(text, 'codebook.json');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.codebook, JSON.parse(text));
    assert.deepEqual(Object.keys(JSON.parse(text).codes[3]), ['id', 'name', 'parent', 'memo']);
    assert.deepEqual(Object.keys(JSON.parse(text).stages[1]), ['id', 'name', 'memo']);
  });

  it('merging in the codebook removes the code, keeps its sub-codes under the target, appends its memo', () => {
    const cb = deepFreeze(codebook());
    const out = mergeInCodebook(cb, 'brokering', 'coordinating');
    assert.deepEqual(ids(out), ['tasks', 'brokering-evidence', 'coordinating', 'work', 'creating']);
    assert.equal(out.codes[1].parent, 'coordinating');
    // Into its own sub-code: the sub-code takes the merged code's place.
    const down = mergeInCodebook(cb, 'brokering', 'brokering-evidence');
    assert.equal(down.codes.find((c) => c.id === 'brokering-evidence')!.parent, 'tasks');
    const up = mergeInCodebook(cb, 'coordinating', 'brokering');
    assert.equal(up.codes.find((c) => c.id === 'brokering')!.memo, 'Close to brokering?');
    assert.throws(() => mergeInCodebook(cb, 'work', 'work'), /into itself/);
    assert.throws(() => mergeInCodebook(cb, 'work', 'ghost'), /no code "ghost"/);
    assert.deepEqual(mergeInCodebook(cb, 'unknown-code', 'work'), cb);
  });
});

describe('codebook editing across the workspace', () => {
  function workspace(): MemoryStore {
    return new MemoryStore({
      'codebook.json': serializeCodebook(codebook()),
      'a.md': 'text',
      'a.md.annotations.json': page('a.md', [ann(1, ['brokering']), ann(2, ['brokering', 'coordinating']), ann(3, ['work'])]),
      'x/b.md.annotations.json': page('x/b.md', [ann(1, ['coordinating', 'brokering'], 'both'), ann(2, ['brokering'], 'keep me'), ann(3, ['creating'])]),
      'x/c.md.annotations.json': page('x/c.md', [ann(1, ['work']), createDocumentMemo({ memo: 'Whole document', creator: 'Ben', id: uuid(9), now: NOW })]),
    });
  }
  const snapshot = (s: MemoryStore) => new Map(s.files);

  it('plans a merge: segments, documents, a sentence to confirm', async () => {
    const plan = await planMerge(workspace(), codebook(), 'brokering', 'coordinating');
    assert.equal(plan.segments, 4);
    assert.equal(plan.documents, 2);
    assert.deepEqual(plan.files, ['a.md.annotations.json', 'x/b.md.annotations.json']);
    assert.equal(plan.message, 'Merge "Brokering relations" into "Coordinating activities": 4 segments in 2 documents will be coded "Coordinating activities" instead, and "Brokering relations" will be removed from the codebook.');
    await assert.rejects(planMerge(workspace(), codebook(), 'brokering', 'ghost'), CodebookEditError);
  });

  it('merges: every segment gets the target code once, only those lines change, counts follow', async () => {
    const store = workspace();
    const before = snapshot(store);
    const result = await mergeCodes(store, codebook(), 'brokering', 'coordinating', { now: NOW });
    assert.deepEqual(result.changedFiles, ['a.md.annotations.json', 'x/b.md.annotations.json']);
    assert.equal(result.segments, 4);
    assert.deepEqual(ids(result.codebook), ['tasks', 'brokering-evidence', 'coordinating', 'work', 'creating']);
    const a = parseSidecar(store.files.get('a.md.annotations.json')!, 'a').sidecar!;
    assert.deepEqual(a.annotations.map((x) => x.codes), [['coordinating'], ['coordinating'], ['work']]);
    assert.deepEqual(a.annotations.map((x) => x.modified), ['2026-05-06T07:08:09Z', '2026-05-06T07:08:09Z', OLD]);
    assert.equal(a.textHash, 'sha256:' + '0'.repeat(64));
    const b = parseSidecar(store.files.get('x/b.md.annotations.json')!, 'b').sidecar!;
    assert.deepEqual(b.annotations.map((x) => [x.codes, x.memo]), [[['coordinating'], 'both'], [['coordinating'], 'keep me'], [['creating'], undefined]]);
    assert.equal(store.files.get('x/c.md.annotations.json'), before.get('x/c.md.annotations.json'));
    for (const ch of result.changes) assert.equal(ch.before, before.get(ch.path));
    const counts = (await loadAll(store, { codebook: new CodebookIndex(result.codebook) })).codeCounts();
    assert.equal(counts.has('brokering'), false);
    assert.deepEqual(counts.get('coordinating'), { segments: 4, documents: 2, withDescendants: { segments: 4, documents: 2 } });
    assert.deepEqual(counts.get('tasks')!.withDescendants, { segments: 4, documents: 2 });
    // Saving again is byte-stable: the output is the deterministic serialisation.
    const again = parseSidecar(store.files.get('a.md.annotations.json')!, 'a.md.annotations.json');
    assert.equal(serializeSidecar(again.sidecar!, 'a.md'), store.files.get('a.md.annotations.json'));
  });

  it('recodes everywhere without touching the codebook', async () => {
    const store = workspace();
    const result = await recodeEverywhere(store, 'work', 'creating', { now: NOW });
    assert.deepEqual(result.changedFiles, ['a.md.annotations.json', 'x/c.md.annotations.json']);
    assert.equal(result.segments, 2);
    const counts = (await loadAll(store)).codeCounts();
    assert.equal(counts.get('creating')!.segments, 3);
    assert.equal(counts.get('work'), undefined);
    await assert.rejects(recodeEverywhere(store, 'work', 'work'), /as itself/);
  });

  it('removes a code everywhere: a segment left with no code is deleted, unless it has a memo', async () => {
    const store = workspace();
    const plan = await planCodeUse(store, 'brokering');
    assert.deepEqual([plan.segments, plan.documents], [4, 2]);
    const result = await removeCodeEverywhere(store, 'brokering', { now: NOW });
    assert.equal(result.segments, 4);
    assert.equal(result.removedAnnotations, 1);
    assert.equal(result.keptAsMemos, 1);
    const b = parseSidecar(store.files.get('x/b.md.annotations.json')!, 'b').sidecar!;
    assert.deepEqual(b.annotations.map((x) => [x.codes, x.memo]), [[['coordinating'], 'both'], [[], 'keep me'], [['creating'], undefined]]);
    assert.equal(JSON.parse(store.files.get('x/b.md.annotations.json')!).items[1].motivation, 'commenting');
    const a = parseSidecar(store.files.get('a.md.annotations.json')!, 'a').sidecar!;
    assert.deepEqual(a.annotations.map((x) => x.codes), [['coordinating'], ['work']]);
    const index = await loadAll(store);
    assert.equal(index.codeCounts().get('brokering'), undefined);
    assert.equal(index.memos('keep').length, 1);
    assert.deepEqual(deleteCode(codebook(), 'brokering-evidence', index.codeCounts()).codes.length, 5);
  });

  it('refuses the whole operation, writing nothing, when a sidecar that uses the code cannot be read', async () => {
    const store = workspace();
    const broken = page('y/d.md', [ann(1, ['brokering'])]).replace('"items": [', '<<<<<<< HEAD\n"items": [');
    store.files.set('y/d.md.annotations.json', broken);
    const before = snapshot(store);
    for (const op of [() => mergeCodes(store, codebook(), 'brokering', 'coordinating'), () => removeCodeEverywhere(store, 'brokering'), () => recodeEverywhere(store, 'brokering', 'work')]) {
      await assert.rejects(op(), (e: unknown) => {
        assert.ok(e instanceof CodebookEditError);
        assert.deepEqual(e.files, ['y/d.md.annotations.json']);
        assert.match(e.message, /nothing was changed: 1 annotations file that uses "brokering" cannot be read or must not be written: y\/d\.md\.annotations\.json \(/);
        return true;
      });
      assert.deepEqual(snapshot(store), before);
    }
    const plan = await planMerge(store, codebook(), 'brokering', 'coordinating');
    assert.deepEqual(plan.blocked.map((b) => b.file), ['y/d.md.annotations.json']);
    assert.match(plan.message, /was not done/);
    // A sidecar from a newer version that uses the code is refused too.
    store.files.set('y/d.md.annotations.json', page('y/d.md', [ann(1, ['brokering'])]).replace('"version": 1', '"version": 2'));
    await assert.rejects(recodeEverywhere(store, 'brokering', 'work'), /y\/d\.md\.annotations\.json \(This annotations file was written by a newer version/);
  });

  it('skips and reports an unreadable sidecar that does not use the code, leaving its bytes alone', async () => {
    const store = workspace();
    const broken = page('y/d.md', [ann(1, ['brokering-evidence'])]).replace('"items": [', '"items": [[');
    store.files.set('y/d.md.annotations.json', broken);
    const result = await recodeEverywhere(store, 'brokering', 'work');
    assert.deepEqual(result.skipped.map((s) => s.file), ['y/d.md.annotations.json']);
    assert.equal(result.changedFiles.length, 2);
    assert.equal(store.files.get('y/d.md.annotations.json'), broken);
  });

  it('undo restores the bytes exactly, and refuses (restoring nothing) after an outside change', async () => {
    const store = workspace();
    const before = snapshot(store);
    const result = await mergeCodes(store, codebook(), 'brokering', 'coordinating', { now: NOW });
    const undone = await undoFileChanges(store, result.changes);
    assert.deepEqual(undone.changedSince, []);
    assert.deepEqual(undone.restored.sort(), result.changedFiles);
    assert.deepEqual(snapshot(store), before);

    const second = await removeCodeEverywhere(store, 'brokering', { now: NOW });
    const edited = store.files.get('x/b.md.annotations.json')!.replace('keep me', 'kept, edited by hand');
    store.files.set('x/b.md.annotations.json', edited);
    const after = snapshot(store);
    const refused = await undoFileChanges(store, second.changes);
    assert.deepEqual(refused.restored, []);
    assert.deepEqual(refused.changedSince, ['x/b.md.annotations.json']);
    assert.match(refused.message, /Nothing was undone: x\/b\.md\.annotations\.json changed since/);
    assert.deepEqual(snapshot(store), after);
  });

  it('a failed write part-way restores the files already written', async () => {
    const store = workspace();
    const before = snapshot(store);
    let writes = 0;
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      writeAtomic: async (path: string, text: string) => {
        if (++writes === 2) throw new Error('disk full');
        return store.writeAtomic(path, text);
      },
    });
    await assert.rejects(recodeEverywhere(failing, 'brokering', 'work'), /failed \(disk full\); the files already written were restored/);
    assert.deepEqual(snapshot(store), before);
  });

  it('refuses when a file changes between reading and writing', async () => {
    const store = workspace();
    let reads = 0;
    const racing = Object.assign(Object.create(store) as MemoryStore, {
      readText: async (path: string) => {
        const t = await store.readText(path);
        // The sidecars are read (strictly, as bytes) first; the check before writing reads a.md's
        // sidecar as text and sees an outside change.
        if (path === 'a.md.annotations.json' && ++reads === 1) return t + ' ';
        return t;
      },
    });
    const before = snapshot(store);
    await assert.rejects(recodeEverywhere(racing, 'brokering', 'work'), /a\.md\.annotations\.json changed meanwhile/);
    assert.deepEqual(snapshot(store), before);
  });
});

describe('the history of codebook changes (undo and redo, several levels, across files)', () => {
  const CB = 'codebook.json';
  function workspace(): MemoryStore {
    return new MemoryStore({
      [CB]: serializeCodebook(codebook()),
      'a.md.annotations.json': page('a.md', [ann(1, ['brokering']), ann(2, ['brokering', 'coordinating']), ann(3, ['work'])]),
      'x/b.md.annotations.json': page('x/b.md', [ann(1, ['coordinating', 'brokering'], 'both'), ann(2, ['brokering'], 'keep me'), ann(3, ['creating'])]),
    });
  }
  const snapshot = (s: MemoryStore) => new Map(s.files);
  const current = (s: MemoryStore) => parseCodebook(s.files.get(CB)!, CB).codebook!;

  /** Does an edit the way the extension does: the codebook written, then the change recorded. */
  async function edit(history: CodebookHistory, store: MemoryStore, label: string, after: Codebook, files: FileChange[] = []): Promise<void> {
    const before = await store.readText(CB);
    await store.writeAtomic(CB, serializeCodebook(after));
    history.record(label, store, [{ path: CB, before: before!, after: serializeCodebook(after) }, ...files]);
  }

  it('undoes rename, recolour, memo, move, merge and delete one level at a time, byte for byte, then redoes them', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    const states = [snapshot(store)];
    await edit(history, store, 'Rename', renameCode(current(store), 'work', 'Institutional labour'));
    states.push(snapshot(store));
    await edit(history, store, 'Recolour', recolour(current(store), 'tasks', '#123456'));
    states.push(snapshot(store));
    await edit(history, store, 'Memo', setMemo(current(store), { code: 'work' }, 'A memo'));
    states.push(snapshot(store));
    await edit(history, store, 'Move', moveCode(current(store), 'creating', { parent: 'tasks' }));
    states.push(snapshot(store));
    const merged = await mergeCodes(store, current(store), 'brokering', 'coordinating', { now: NOW });
    await edit(history, store, 'Merge', merged.codebook, merged.changes);
    states.push(snapshot(store));
    const removed = await removeCodeEverywhere(store, 'creating', { now: NOW });
    await edit(history, store, 'Delete', deleteCode(current(store), 'creating', new Map()), removed.changes);
    states.push(snapshot(store));
    assert.equal(history.undoLabel, 'Delete');
    assert.equal(history.redoLabel, undefined);

    for (let i = states.length - 2; i >= 0; i--) {
      const step = await history.undo();
      assert.equal(step.done, true, step.message);
      assert.deepEqual(snapshot(store), states[i], `after undoing down to state ${i}`);
    }
    const none = await history.undo();
    assert.equal(none.done, false);
    assert.equal(none.message, 'There is no codebook change to undo.');
    assert.equal(history.redoLabel, 'Rename');
    for (let i = 1; i < states.length; i++) {
      const step = await history.redo();
      assert.equal(step.done, true, step.message);
      assert.deepEqual(snapshot(store), states[i], `after redoing up to state ${i}`);
    }
    assert.equal((await history.redo()).done, false);
  });

  it('a new change after an undo drops what could have been redone', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    await edit(history, store, 'Rename', renameCode(current(store), 'work', 'Labour'));
    await history.undo();
    assert.equal(history.redoLabel, 'Rename');
    await edit(history, store, 'Recolour', recolour(current(store), 'work', '#123456'));
    assert.equal(history.redoLabel, undefined);
    assert.equal(history.undoLabel, 'Recolour');
  });

  it('refuses to undo when a file it would restore changed since, says which, changes nothing, and can undo once it is put back', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    const before = snapshot(store);
    const merged = await mergeCodes(store, current(store), 'brokering', 'coordinating', { now: NOW });
    await edit(history, store, 'Merge “Brokering relations” into “Coordinating activities”', merged.codebook, merged.changes);
    const written = store.files.get('x/b.md.annotations.json')!;
    store.files.set('x/b.md.annotations.json', written.replace('keep me', 'edited by hand'));
    const edited = snapshot(store);

    const refused = await history.undo();
    assert.equal(refused.done, false);
    assert.deepEqual(refused.changedSince, ['x/b.md.annotations.json']);
    assert.match(refused.message, /^“Merge “Brokering relations” into “Coordinating activities”” was not undone, and nothing was changed: x\/b\.md\.annotations\.json changed since/);
    assert.deepEqual(snapshot(store), edited);
    assert.equal(history.undoLabel, 'Merge “Brokering relations” into “Coordinating activities”', 'the change can still be undone later');

    store.files.set('x/b.md.annotations.json', written);
    assert.equal((await history.undo()).done, true);
    assert.deepEqual(snapshot(store), before);
  });

  it('refuses to redo when a file changed since the undo', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    await edit(history, store, 'Rename', renameCode(current(store), 'work', 'Labour'));
    await history.undo();
    store.files.set(CB, store.files.get(CB)! + '\n');
    const edited = snapshot(store);
    const refused = await history.redo();
    assert.equal(refused.done, false);
    assert.deepEqual(refused.changedSince, [CB]);
    assert.match(refused.message, /^“Rename” was not redone, and nothing was changed: codebook\.json changed since/);
    assert.deepEqual(snapshot(store), edited);
  });

  it('keeps the last 50 changes (or fewer when they are large) and forgets the oldest', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    for (let i = 0; i < 60; i++) await edit(history, store, `Recolour ${i}`, recolour(current(store), 'work', `#0000${String(i).padStart(2, '0')}`));
    assert.equal(history.undoDepth, 50);
    for (let i = 59; i >= 10; i--) assert.equal((await history.undo()).entry?.label, `Recolour ${i}`);
    assert.equal((await history.undo()).done, false);
    assert.equal(current(store).codes.find((c) => c.id === 'work')!.colour, '#000009');

    const small = new CodebookHistory({ limit: 50, maxChars: 3 * 2 * serializeCodebook(codebook()).length });
    for (let i = 0; i < 5; i++) await edit(small, store, `Rename ${i}`, renameCode(current(store), 'work', `Work ${i}`));
    assert.ok(small.undoDepth >= 1 && small.undoDepth <= 3, `${small.undoDepth} changes kept`);
    assert.equal(small.undoLabel, 'Rename 4');
  });

  it('records nothing for a change that changed nothing, and only the files that changed', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    await edit(history, store, 'Same name', renameCode(current(store), 'work', 'Institutional work'));
    assert.equal(history.undoDepth, 0);
    const text = store.files.get(CB)!;
    history.record('Two files, one changed', store, [
      { path: CB, before: text, after: text },
      { path: 'a.md.annotations.json', before: 'old', after: store.files.get('a.md.annotations.json')! },
    ]);
    assert.deepEqual(history.peekUndo()?.files.map((f) => f.path), ['a.md.annotations.json']);
  });

  it('a failed write part-way through an undo puts back the files already written', async () => {
    const store = workspace();
    const history = new CodebookHistory();
    const merged = await mergeCodes(store, current(store), 'brokering', 'coordinating', { now: NOW });
    let writes = 0;
    const failing = Object.assign(Object.create(store) as MemoryStore, {
      writeAtomic: async (path: string, text: string) => {
        if (++writes === 3) throw new Error('disk full');
        return store.writeAtomic(path, text);
      },
    });
    await edit(history, store, 'Merge', merged.codebook, merged.changes);
    // Recorded against the failing store: its writes go to `store`, the third one fails.
    const entry = history.peekUndo()!;
    const h2 = new CodebookHistory();
    h2.record('Merge', failing, entry.files);
    const after = snapshot(store);
    const step = await h2.undo();
    assert.equal(step.done, false);
    assert.match(step.message, /disk full/);
    assert.deepEqual(snapshot(store), after);
    assert.equal(h2.undoLabel, 'Merge');
  });

  it('gives back exact bytes when given them: a byte-order mark written by another editor comes back', async () => {
    const text = serializeCodebook(codebook());
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    const store = new MemoryStore();
    const files = new Map<string, Uint8Array>([[CB, withBom]]);
    const bytesStore = Object.assign(Object.create(store) as MemoryStore, {
      readBytes: async (path: string) => files.get(path),
      writeAtomic: async (path: string, data: string | Uint8Array) => void files.set(path, typeof data === 'string' ? new TextEncoder().encode(data) : data),
    });
    const history = new CodebookHistory();
    const after = serializeCodebook(renameCode(codebook(), 'work', 'Labour'));
    await bytesStore.writeAtomic(CB, after);
    history.record('Rename', bytesStore, [{ path: CB, before: withBom, after }]);
    assert.equal((await history.undo()).done, true);
    assert.deepEqual(files.get(CB), withBom);
    assert.equal((await history.redo()).done, true);
    assert.equal(new TextDecoder().decode(files.get(CB)), after);
    // Only the BOM differs: that is a change, seen as one.
    files.set(CB, new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(after)]));
    assert.deepEqual((await history.undo()).changedSince, [CB]);
  });

  it('undo and redo in any order always give back the states the edits made (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ op: fc.constant('edit' as const), file: fc.constantFrom('f1', 'f2', 'f3'), also: fc.boolean(), text: fc.string({ maxLength: 4 }) }), fc.constant({ op: 'undo' as const }), fc.constant({ op: 'redo' as const })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        async (ops, limit) => {
          const store = new MemoryStore({ f1: '', f2: '', f3: '' });
          const history = new CodebookHistory({ limit });
          // The model: states along the undo line, and where we are on it.
          let line = [snapshot(store)];
          let at = 0;
          let floor = 0;
          for (const o of ops) {
            if (o.op === 'edit') {
              const files: FileChange[] = [];
              for (const path of o.also ? [o.file, o.file === 'f1' ? 'f2' : 'f1'] : [o.file]) {
                const before = store.files.get(path)!;
                const after = before + o.text + path;
                await store.writeAtomic(path, after);
                files.push({ path, before, after });
              }
              history.record('edit', store, files);
              line = [...line.slice(0, at + 1), snapshot(store)];
              at++;
              floor = Math.max(floor, at - limit);
            } else if (o.op === 'undo') {
              const step = await history.undo();
              assert.equal(step.done, at > floor);
              if (step.done) at--;
            } else {
              const step = await history.redo();
              assert.equal(step.done, at < line.length - 1);
              if (step.done) at++;
            }
            assert.deepEqual(snapshot(store), line[at]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
