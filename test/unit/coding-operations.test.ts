import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEntry, CodingHistory } from '../../src/core/coding/history';
import { holdsCoding, recoded, withCodes, withMemo, withoutCodes } from '../../src/core/coding/operations';
import { restoreByQuote, type RestorableSegment } from '../../src/core/coding/restore';
import { removeCodeEverywhere } from '../../src/core/codebook/edit';
import type { Annotation } from '../../src/core/model/annotation';
import { parseSidecar, serializeSidecar } from '../../src/core/sidecar/format';
import { MemoryStore } from '../../src/core/store-memory';

const NOW = new Date('2026-12-01T10:00:00Z');
const ann = (codes: string[], memo?: string, id = 'urn:uuid:00000000-0000-4000-8000-000000000001'): Annotation => ({
  id,
  creator: 'Ana',
  created: '2026-11-01T09:00:00Z',
  modified: '2026-11-01T09:00:00Z',
  codes,
  ...(memo !== undefined ? { memo } : {}),
  target: 'passage',
  start: 0,
  end: 5,
  exact: 'Hello',
  prefix: '',
  suffix: '',
});

describe('Coding operations (one rule for the editor, the CLI and codebook changes)', () => {
  it('adds only missing codes, once each, and says when nothing changes', () => {
    const a = ann(['x']);
    const b = withCodes(a, ['y', 'x', 'y'], NOW)!;
    assert.deepEqual(b.codes, ['x', 'y']);
    assert.equal(b.modified, '2026-12-01T10:00:00Z');
    assert.deepEqual(a.codes, ['x'], 'the annotation given is unchanged');
    assert.equal(withCodes(b, ['x']), undefined);
  });

  it('keeps a segment whose last code goes when it has a memo, and deletes it when it has none', () => {
    assert.deepEqual(withoutCodes(ann(['x'], 'why this matters'), ['x'], NOW)?.codes, []);
    assert.equal(withoutCodes(ann(['x'], 'why this matters'), ['x'], NOW)?.memo, 'why this matters');
    assert.equal(withoutCodes(ann(['x']), ['x'], NOW), undefined);
    assert.equal(withoutCodes(ann(['x'], '   '), undefined, NOW), undefined, 'a blank memo is no memo');
    assert.deepEqual(withoutCodes(ann(['x', 'y']), ['x'], NOW)?.codes, ['y']);
  });

  it('keeps a segment whose only memo left is one another tool wrote (kept, not used)', () => {
    const text = JSON.stringify({
      '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'urn:uuid:10000000-0000-4000-8000-000000000000', type: 'AnnotationPage', version: 1,
      items: [{ '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'urn:uuid:00000000-0000-4000-8000-000000000001', type: 'Annotation', motivation: 'commenting', creator: { type: 'Person', name: 'Ana' }, created: '2026-11-01T09:00:00Z', modified: '2026-11-01T09:00:00Z',
        body: [{ type: 'TextualBody', purpose: 'commenting', value: 'first', format: 'text/markdown' }, { type: 'TextualBody', purpose: 'commenting', value: 'second note by a colleague', format: 'text/markdown' }],
        target: { source: 'file:d.md', selector: [{ type: 'TextPositionSelector', start: 0, end: 5 }, { type: 'TextQuoteSelector', exact: 'Hello', prefix: '', suffix: '' }] } }],
    });
    const a = parseSidecar(text, 'd.md.annotations.json').sidecar!.annotations[0];
    assert.equal(a.memo, 'first');
    const cleared = withMemo(a, '', NOW);
    assert.equal(holdsCoding(cleared), true, 'the colleague’s memo keeps the segment');
  });

  it('recodes in place, never twice', () => {
    assert.deepEqual(recoded(ann(['a', 'b', 'c']), 'a', 'c', NOW).codes, ['c', 'b']);
    assert.deepEqual(recoded(ann(['a', 'b']), 'b', 'z', NOW).codes, ['a', 'z']);
  });

  it('sets and clears memos', () => {
    assert.equal(withMemo(ann(['a']), 'note', NOW).memo, 'note');
    assert.equal('memo' in withMemo(ann(['a'], 'note'), ' \n', NOW), false);
    assert.equal(holdsCoding(withMemo(ann([], 'note'), '', NOW)), false);
  });

  it('removing a code everywhere follows the same rule as removing it in the editor', async () => {
    fc.assert(
      fc.asyncProperty(fc.array(fc.record({ codes: fc.subarray(['x', 'y', 'z']), memo: fc.option(fc.constantFrom('note', '', ' '), { nil: undefined }) }), { minLength: 1, maxLength: 8 }), async (specs) => {
        const anns = specs.map((s, i) => ann(s.codes, s.memo, `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
        if (!anns.some((a) => a.codes.includes('x'))) return;
        const store = new MemoryStore({ 'd.md.annotations.json': serializeSidecar({ version: 1, id: 'urn:uuid:10000000-0000-4000-8000-000000000000', annotations: anns }, 'd.md') });
        await removeCodeEverywhere(store, 'x', { now: NOW });
        const after = parseSidecar((await store.readText('d.md.annotations.json'))!, 'd.md.annotations.json').sidecar!.annotations;
        const expected = anns.map((a) => (a.codes.includes('x') ? withoutCodes(a, ['x'], NOW) : a)).filter((a): a is Annotation => a !== undefined);
        assert.deepEqual(after.map((a) => [a.id, a.codes, a.memo ?? '']).sort(), expected.map((a) => [a.id, a.codes, a.memo ?? '']).sort());
      }),
      { numRuns: 60 },
    );
  });
});

describe('Coding history (undo and redo)', () => {
  type S = { id: string; v: number };
  const copy = (s: S): S => ({ ...s });
  const id = (s: S) => s.id;

  it('undoing every action then redoing them all gives back each state, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 9 }), fc.boolean()), { minLength: 1, maxLength: 30 }), (actions) => {
        const h = new CodingHistory<S>(1000);
        let segs: S[] = [];
        const states: string[] = [];
        const key = (x: S[]) => JSON.stringify([...x].sort((p, q) => p.id.localeCompare(q.id)));
        for (const [sid, v, remove] of actions) {
          states.push(key(segs));
          const old = segs.find((s) => s.id === sid);
          const after = remove ? [] : [{ id: sid, v }];
          h.record({ label: 'x', before: old ? [copy(old)] : [], after: after.map(copy) });
          segs = [...segs.filter((s) => s.id !== sid), ...after];
        }
        const final = key(segs);
        for (let i = states.length - 1; i >= 0; i--) {
          segs = applyEntry(segs, h.undo()!, 'before', id, copy);
          assert.equal(key(segs), states[i]);
        }
        assert.equal(h.undo(), undefined);
        while (h.canRedo) segs = applyEntry(segs, h.redo()!, 'after', id, copy);
        assert.equal(key(segs), final);
      }),
    );
  });

  it('keeps at most its limit, drops the redo side on a new action, and puts back a failed step', () => {
    const h = new CodingHistory<S>(2);
    const e = (n: number) => ({ label: String(n), before: [], after: [{ id: 'a', v: n }] });
    h.record(e(1));
    h.record(e(2));
    assert.deepEqual(h.record(e(3)).map((x) => x.label), ['1']);
    const undone = h.undo()!;
    assert.equal(undone.label, '3');
    h.restore(undone, 'undo');
    assert.equal(h.canRedo, false);
    assert.equal(h.undo()!.label, '3');
    assert.deepEqual(h.record(e(4)).map((x) => x.label), ['3'], 'the redo entry is dropped by a new action');
    assert.deepEqual(h.entries().map((x) => x.label), ['2', '4']);
  });
});

describe('Restoring segments after the editor undoes a deletion', () => {
  it('puts a deleted segment back where its quote stands again, leaves others alone, and looks only near a segment still placed', () => {
    const quote = 'the director brokers a deal';
    const text = `Intro. ${quote}. Other words here.`;
    const lost = { ann: { exact: quote }, status: 'orphan' as const, reason: 'Its text was deleted.' } as RestorableSegment;
    const kept = { ann: { exact: 'Intro' }, start: 0, end: 5, status: 'exact' as const } as RestorableSegment;
    const far = { ann: { exact: 'Other words' }, start: 5000, end: 5011, status: 'exact' as const } as RestorableSegment;
    restoreByQuote(text, [lost, kept, far]);
    assert.deepEqual([lost.start, lost.end, lost.status, lost.reason], [text.indexOf(quote), text.indexOf(quote) + quote.length, 'exact', undefined]);
    assert.deepEqual([kept.start, kept.end], [0, 5]);
    assert.deepEqual([far.start, far.end], [5000, 5011], 'a quote far from where a placed segment was is not taken');
  });
});
