import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAnnotation } from '../../src/core/annotations';
import { encodeSidecar } from '../../src/core/sidecar/encode';
import { SidecarFiles, type SidecarChange } from '../../src/core/sidecar/files';
import { serializeSidecar, type Sidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { WatchedMemoryStore } from './helpers/watchedStore';

const DOC = 'Chair: The board agrees the bypass protocol, then each spoke signs it.';
const PATH = 'notes/board.md.annotations.json';

function sidecar(codes: string[][]): Sidecar {
  const text = new Text(DOC);
  return {
    version: 1,
    id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d01',
    annotations: codes.map((c, i) =>
      createAnnotation(text, { start: i, end: i + 10, codes: c, creator: 'Ana', id: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, now: new Date('2026-11-01T09:00:00Z') }),
    ),
  };
}

function setup() {
  const store = new WatchedMemoryStore();
  const files = new SidecarFiles(store);
  const heard: SidecarChange[] = [];
  files.onDidChange((c) => heard.push(c));
  return { store, files, heard };
}

describe('Sidecar files: one pipeline for every read and write', () => {
  it('reads a file once: a second read of the unchanged file is the kept reading, as a copy', async () => {
    const { store, files } = setup();
    await store.writeOutside(PATH, serializeSidecar(sidecar([['a']]), 'notes/board.md'));
    let reads = 0;
    const readBytes = store.readBytes.bind(store);
    store.readBytes = async (p) => (reads++, readBytes(p));
    const first = await files.read(PATH);
    const second = await files.read(PATH);
    assert.equal(reads, 1);
    assert.deepEqual(second.load?.sidecar?.annotations.map((a) => a.codes), [['a']]);
    first.load!.sidecar!.annotations[0].codes.push('changed by the reader');
    assert.deepEqual((await files.read(PATH)).load?.sidecar?.annotations[0].codes, ['a'], 'readers get copies');
  });

  it('tells its own write from an outside change: the write is heard once, its watcher events not at all', async () => {
    const { store, files, heard } = setup();
    store.doubled = true;
    const sc = sidecar([['a']]);
    await files.write(PATH, encodeSidecar(sc, 'notes/board.md'), sc);
    await store.flush();
    assert.deepEqual(heard.map((h) => h.own), [true]);
    // The write's reading is now stamped with the file: reading it needs no parse.
    const again = await files.read(PATH);
    assert.equal(again.kept, true);
    assert.deepEqual(again.load?.sidecar?.annotations.map((a) => a.codes), [['a']]);

    await store.writeOutside(PATH, serializeSidecar(sidecar([['b'], ['c']]), 'notes/board.md'));
    await store.flush();
    assert.deepEqual(heard.map((h) => [h.own, h.load?.sidecar?.annotations.map((a) => a.codes)]), [
      [true, [['a']]],
      [false, [['b'], ['c']]],
    ]);
  });

  it('hears a deletion, and a file that cannot be read as a read-only reading with its problem', async () => {
    const { store, heard } = setup();
    await store.writeOutside(PATH, serializeSidecar(sidecar([['a']]), 'notes/board.md'));
    await store.flush();
    await store.writeOutside(PATH, '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> theirs\n');
    await store.flush();
    await store.delete(PATH);
    await store.flush();
    assert.equal(heard.length, 3);
    assert.equal(heard[1].load?.readOnly, true);
    assert.match(heard[1].load!.problems[0].message, /conflict/);
    assert.equal(heard[2].load, undefined, 'deleted');
  });

  it('a reader that finds a changed file first tells the others; the late watcher event then reads nothing', async () => {
    const { store, files, heard } = setup();
    await store.writeOutside(PATH, serializeSidecar(sidecar([['a']]), 'notes/board.md'));
    await files.read(PATH, { quiet: true });
    assert.equal(heard.length, 0, 'a quiet read (the index taking in the workspace) tells nobody');
    await store.writeOutside(PATH, serializeSidecar(sidecar([['z']]), 'notes/board.md'));
    await files.read(PATH);
    assert.deepEqual(heard.map((h) => h.load?.sidecar?.annotations[0].codes), [['z']]);
    let reads = 0;
    const readBytes = store.readBytes.bind(store);
    store.readBytes = async (p) => (reads++, readBytes(p));
    await store.flush();
    assert.equal(reads, 0);
    assert.equal(heard.length, 1);
  });

  it('hears of the sidecars in a deleted folder, which the watcher reports as the folder alone', async () => {
    const { store, files, heard } = setup();
    const sc = sidecar([['a']]);
    await files.write(PATH, encodeSidecar(sc, 'notes/board.md'), sc);
    await store.writeOutside('notes/deeper/x.md.annotations.json', serializeSidecar(sidecar([['b']]), 'notes/deeper/x.md'));
    await store.writeOutside('other/y.md.annotations.json', serializeSidecar(sidecar([['c']]), 'other/y.md'));
    await store.flush();
    heard.length = 0;
    await store.deleteFolder('notes');
    await store.flush();
    assert.deepEqual(heard.map((h) => [h.path, h.load]).sort(), [
      ['notes/board.md.annotations.json', undefined],
      ['notes/deeper/x.md.annotations.json', undefined],
    ]);
  });

  it('a quiet read (the index taking in the workspace) that finds an outside change still tells the others', async () => {
    const { store, files, heard } = setup();
    await store.writeOutside(PATH, serializeSidecar(sidecar([['a']]), 'notes/board.md'));
    await store.flush();
    await files.read(PATH);
    await store.writeOutside(PATH, serializeSidecar(sidecar([['b']]), 'notes/board.md'));
    await files.read(PATH, { quiet: true });
    await store.flush();
    assert.deepEqual(heard.at(-1)?.load?.sidecar?.annotations.map((a) => a.codes), [['b']]);
  });

  it('a late "deleted" event for a file that is there again is taken as a change, not a deletion', async () => {
    const { store, files, heard } = setup();
    await store.writeOutside(PATH, serializeSidecar(sidecar([['a']]), 'notes/board.md'));
    await store.flush();
    await files.read(PATH);
    store.pending.push({ path: PATH, kind: 'deleted' });
    await store.flush();
    assert.ok(heard.every((h) => h.load !== undefined), 'nobody is told the file was deleted');
  });

  it('a write based on an old reading puts its change onto what another writer saved (rebase), by bytes, size and time, or absence', async () => {
    for (const kind of ['bytes', 'stamp', 'absent'] as const) {
      const { store, files } = setup();
      const first = sidecar([['a']]);
      if (kind !== 'absent') await store.writeOutside(PATH, serializeSidecar(first, 'notes/board.md'));
      const read = await files.read(PATH);
      const base = kind === 'bytes' ? { bytes: read.bytes } : kind === 'stamp' ? { stamp: read.stamp } : { absent: true };
      await store.writeOutside(PATH, serializeSidecar(sidecar([['theirs']]), 'notes/board.md'));
      let rebased = 0;
      const mine = sidecar([['mine']]);
      await files.write(PATH, encodeSidecar(mine, 'notes/board.md'), mine, {
        base,
        rebase: (theirs) => {
          rebased++;
          assert.deepEqual(theirs?.sidecar?.annotations.map((a) => a.codes), [['theirs']]);
          const both = sidecar([['theirs'], ['mine']]);
          return { bytes: encodeSidecar(both, 'notes/board.md'), sidecar: both };
        },
      });
      assert.equal(rebased, 1, kind);
      assert.equal(JSON.parse((await store.readText(PATH))!).items.length, 2, kind);
    }
  });

  it('hears of the sidecars in a folder moved outside the editor (git mv), reported as the two folders alone', async () => {
    const { store, heard } = setup();
    await store.writeOutside('old/a.md.annotations.json', serializeSidecar(sidecar([['a']]), 'old/a.md'));
    await store.writeOutside('old/deep/b.md.annotations.json', serializeSidecar(sidecar([['b']]), 'old/deep/b.md'));
    await store.flush();
    heard.length = 0;
    await store.moveFolder('old', 'new');
    await store.flush();
    assert.deepEqual(heard.map((h) => [h.path, h.load?.sidecar?.annotations[0].codes.join() ?? null]).sort(), [
      ['new/a.md.annotations.json', 'a'],
      ['new/deep/b.md.annotations.json', 'b'],
      ['old/a.md.annotations.json', null],
      ['old/deep/b.md.annotations.json', null],
    ]);
  });

  it('moves the kept reading with a renamed sidecar, and tells the subscribers', async () => {
    const { store, files, heard } = setup();
    const sc = sidecar([['a']]);
    await files.write(PATH, encodeSidecar(sc, 'notes/board.md'), sc);
    heard.length = 0;
    await files.rename(PATH, 'notes/renamed.md.annotations.json');
    await store.flush();
    assert.deepEqual(heard.map((h) => [h.path, h.load?.sidecar?.annotations.map((a) => a.codes)]), [
      [PATH, undefined],
      ['notes/renamed.md.annotations.json', [['a']]],
    ], 'subscribers hear of the move once');
    assert.equal(await store.readText(PATH), undefined);
    assert.deepEqual((await files.read('notes/renamed.md.annotations.json')).load?.sidecar?.annotations.map((a) => a.codes), [['a']]);
  });

  it('whatever the order of own writes, outside writes and late events, the last thing heard is what the file holds (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('own', 'outside', 'flush', 'read'), fc.constantFrom('a', 'b', 'c')), { minLength: 1, maxLength: 14 }),
        fc.boolean(),
        async (steps, doubled) => {
          const { store, files, heard } = setup();
          store.doubled = doubled;
          for (const [what, code] of steps) {
            const sc = sidecar([[code]]);
            if (what === 'own') await files.write(PATH, encodeSidecar(sc, 'notes/board.md'), sc);
            else if (what === 'outside') await store.writeOutside(PATH, serializeSidecar(sidecar([[code], [code]]), 'notes/board.md'));
            else if (what === 'flush') await store.flush();
            else await files.read(PATH);
          }
          await store.flush();
          const onDisk = await store.readText(PATH);
          if (onDisk === undefined) return;
          const expected = JSON.parse(onDisk).items.map((i: { body: { source: string }[] }) => i.body.map((b) => b.source.replace('urn:qda:code:', '')));
          assert.ok(heard.length > 0, 'something was heard');
          assert.deepEqual(heard.at(-1)!.load?.sidecar?.annotations.map((a) => a.codes), expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
