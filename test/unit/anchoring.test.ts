import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { createAnnotation } from '../../src/core/annotations';
import { applyChange, touchesBoundary } from '../../src/core/anchoring/live';
import { reanchor } from '../../src/core/anchoring/reanchor';
import type { Annotation } from '../../src/core/model/annotation';
import { Text } from '../../src/core/text/text';

const NOW = new Date('2026-01-01T00:00:00Z');
function ann(text: Text, start: number, end: number, id = `urn:uuid:00000000-0000-4000-8000-${String(start).padStart(6, '0')}${String(end).padStart(6, '0')}`): Annotation {
  return createAnnotation(text, { start, end, codes: ['c'], creator: 't', id, now: NOW });
}
const clone = (a: Annotation): Annotation => ({ ...a, codes: [...a.codes] });

describe('live anchoring (applyChange)', () => {
  const text = new Text('0123456789abcdefghij');
  const seg = () => ann(text, 5, 10);

  it('typing just before a segment shifts it without extending it', () => {
    const a = seg();
    applyChange([a], { offset: 5, removed: 0, inserted: 3 });
    assert.deepEqual([a.start, a.end], [8, 13]);
  });
  it('typing just after a segment does not extend it', () => {
    const a = seg();
    applyChange([a], { offset: 10, removed: 0, inserted: 3 });
    assert.deepEqual([a.start, a.end], [5, 10]);
  });
  it('typing inside a segment extends it', () => {
    const a = seg();
    applyChange([a], { offset: 7, removed: 0, inserted: 3 });
    assert.deepEqual([a.start, a.end], [5, 13]);
  });
  it('deleting inside shrinks it; an edit after it leaves it alone', () => {
    const a = seg();
    applyChange([a], { offset: 6, removed: 2, inserted: 0 });
    assert.deepEqual([a.start, a.end], [5, 8]);
    applyChange([a], { offset: 12, removed: 4, inserted: 1 });
    assert.deepEqual([a.start, a.end], [5, 8]);
  });
  it('replacing text across the start keeps the surviving part and what was typed', () => {
    const a = seg();
    applyChange([a], { offset: 3, removed: 4, inserted: 2 }); // removes 3..7, "XY" at 3
    assert.deepEqual([a.start, a.end], [3, 8]);
  });
  it('replacing the segment\'s last word takes in the replacement', () => {
    const a = seg();
    applyChange([a], { offset: 8, removed: 2, inserted: 5 });
    assert.deepEqual([a.start, a.end], [5, 13]);
  });
  it('deleting the whole segment makes it an orphan, not a zero-length ghost', () => {
    const a = seg();
    const b = ann(text, 12, 15);
    const orphaned = applyChange([a, b], { offset: 4, removed: 7, inserted: 0 });
    assert.deepEqual(orphaned, [a]);
    assert.equal(a.start, undefined);
    assert.equal(a.end, undefined);
    assert.equal(a.exact, '56789', 'the orphan keeps its quote');
    assert.deepEqual([b.start, b.end], [5, 8]);
  });
  it('typing over the whole segment (replace) also orphans it: its coded text is gone', () => {
    const a = seg();
    assert.deepEqual(applyChange([a], { offset: 5, removed: 5, inserted: 2 }), [a]);
  });

  /**
   * Property: text as an array of code points tagged with their original index; edits applied to
   * both the tagged text and the annotations. Every annotation still anchored covers exactly the
   * surviving original characters of its segment (plus text typed inside it), and an annotation is
   * orphaned only when all its original characters are gone. None is lost.
   */
  it('after any sequence of edits, segments cover exactly their surviving text (property)', () => {
    const alphabet = ['a', 'b', ' ', '\n', 'é', '😀', '𝄞'];
    const edit = fc.record({ at: fc.nat(), removed: fc.nat({ max: 12 }), inserted: fc.array(fc.constantFrom(...alphabet), { maxLength: 6 }) });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 })), { minLength: 1, maxLength: 12 }),
        fc.array(edit, { maxLength: 25 }),
        (chars, spans, edits) => {
          let doc = chars.map((c, i) => ({ c, orig: i }));
          const t = new Text(chars.join(''));
          const anns = spans
            .map(([s, len], k) => {
              const start = s % chars.length;
              const end = Math.min(chars.length, start + 1 + len);
              return ann(t, start, end, `urn:uuid:${k}`);
            });
          const original = new Map(anns.map((a) => [a.id, { start: a.start!, end: a.end!, exact: a.exact }]));
          for (const e of edits) {
            const offset = e.at % (doc.length + 1);
            const removed = Math.min(e.removed, doc.length - offset);
            doc = [...doc.slice(0, offset), ...e.inserted.map((c) => ({ c, orig: -1 })), ...doc.slice(offset + removed)];
            applyChange(anns, { offset, removed, inserted: e.inserted.length });
          }
          assert.equal(anns.length, spans.length, 'no annotation is lost');
          for (const a of anns) {
            const o = original.get(a.id)!;
            const surviving = doc.filter((d) => d.orig >= o.start && d.orig < o.end).map((d) => d.orig);
            if (a.start === undefined) {
              assert.deepEqual(surviving, [], 'orphaned only when all of its text is gone');
              assert.equal(a.exact, o.exact, 'an orphan keeps its quote');
              continue;
            }
            assert.ok(a.start < a.end! && a.end! <= doc.length, `a segment stays non-empty and inside the text: ${a.start}-${a.end} of ${doc.length}`);
            const covered = doc.slice(a.start, a.end).filter((d) => d.orig >= 0).map((d) => d.orig);
            assert.deepEqual(covered, surviving, 'covers exactly the surviving text of its segment');
            if (surviving.length === o.end - o.start && doc.slice(a.start, a.end).every((d) => d.orig >= 0)) {
              assert.equal(doc.slice(a.start, a.end).map((d) => d.c).join(''), o.exact, 'an untouched segment covers exactly its quote');
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('whether an edit reaches a segment boundary (touchesBoundary)', () => {
  it('says so for a change at or across a start or an end, not for one strictly before, inside or after', () => {
    const spans = [{ start: 10, end: 20 }, { start: undefined, end: undefined }];
    const at = (offset: number, removed = 0) => touchesBoundary(spans, { offset, removed, inserted: 1 });
    assert.deepEqual([at(9), at(10), at(11), at(19), at(20), at(21)], [false, true, false, false, true, false]);
    assert.equal(at(5, 4), false, 'a deletion ending just before the start');
    assert.equal(at(5, 5), true, 'a deletion ending at the start');
    assert.equal(at(12, 8), true, 'a deletion reaching the end');
    assert.equal(at(12, 7), false, 'a deletion inside');
    assert.equal(touchesBoundary([], { offset: 0, removed: 0, inserted: 1 }), false);
  });

  it('when it says no, every segment moves as an editor moves a highlight: shifted, grown or untouched (property)', () => {
    const span = fc.tuple(fc.nat({ max: 200 }), fc.integer({ min: 1, max: 50 })).map(([s, l]) => ({ start: s, end: s + l }));
    const change = fc.record({ offset: fc.nat({ max: 260 }), removed: fc.nat({ max: 30 }), inserted: fc.nat({ max: 30 }) });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 20 }), change, (spans, c) => {
        fc.pre(!touchesBoundary(spans, c));
        const tracked = spans.map(({ start, end }) => {
          const delta = c.inserted - c.removed;
          if (c.offset + c.removed < start) return { start: start + delta, end: end + delta }; // before
          if (c.offset > start && c.offset + c.removed < end) return { start, end: end + delta }; // inside
          return { start, end }; // after
        });
        const moved = spans.map((x) => ({ ...x }));
        assert.deepEqual(applyChange(moved, c), []);
        assert.deepEqual(moved, tracked);
      }),
      { numRuns: 500 },
    );
  });
});

describe('re-anchoring on load (reanchor)', () => {
  const original = new Text(
    'Interviewer: Who chairs the network board?\n\nND: The medical director chairs it, but the real work happens in the operational delivery group.\n\nInterviewer: And the spokes?\n\nND: They feel peripheral 😀 sometimes, honestly.\n',
  );
  const q = (s: string) => {
    const i = original.text.indexOf(s);
    return ann(original, original.toCodePoint(i), original.toCodePoint(i + s.length));
  };

  it('exact when the text did not change', () => {
    const a = q('the operational delivery group');
    const [r] = reanchor(original, [a]);
    assert.equal(r.status, 'exact');
  });

  it('moved when text was inserted before, with the new positions', () => {
    const a = q('They feel peripheral 😀 sometimes');
    const edited = new Text('# Interview 3\n\n' + original.text);
    const [r] = reanchor(edited, [a]);
    assert.equal(r.status, 'moved');
    assert.equal(edited.slice(r.start!, r.end!), 'They feel peripheral 😀 sometimes');
    assert.equal(a.start, r.start);
  });

  it('prefers the occurrence whose context matches when a quote repeats', () => {
    const a = q('Interviewer: And the spokes?');
    const edited = new Text('Interviewer: And the spokes?\n\n' + original.text.replace('Who chairs', 'Who really chairs'));
    const [r] = reanchor(edited, [a]);
    assert.equal(r.status, 'moved');
    assert.equal(r.start, edited.toCodePoint(edited.text.lastIndexOf('Interviewer: And the spokes?')));
  });

  it('fuzzy when the quote was lightly edited, with a reason', () => {
    const a = q('the real work happens in the operational delivery group');
    const edited = new Text(original.text.replace('real work happens', 'real work really happens'));
    const [r] = reanchor(edited, [a]);
    assert.equal(r.status, 'fuzzy');
    assert.match(r.reason!, /similar/);
    assert.match(edited.slice(r.start!, r.end!), /real work really happens in the operational delivery group/);
  });

  it('fuzzy when a lightly reworded paragraph was also moved far away (beyond the nearby window)', () => {
    const a = q('the real work happens in the operational delivery group');
    const filler = 'Lorem ipsum dolor sit amet. '.repeat(400);
    const paragraph = 'ND: The medical director chairs it, but the real work happens in the operational delivery group.\n\n';
    const moved = original.text.replace(paragraph, '') + filler + '\n\n' + paragraph.replace('real work happens', 'real work truly happens');
    const edited = new Text(moved);
    const [r] = reanchor(edited, [a], { window: 256 });
    assert.equal(r.status, 'fuzzy');
    assert.match(edited.slice(r.start!, r.end!), /real work truly happens in the operational delivery group/);
    assert.ok(r.confidence >= 0.5, `moved with its context: ${r.confidence}`);
  });

  it('a reworded look-alike far away, with none of the text that surrounded the segment, is not taken for it', () => {
    const a = q('the real work happens in the operational delivery group');
    const filler = 'Lorem ipsum dolor sit amet. '.repeat(400);
    const edited = new Text(original.text.replace('but the real work happens in the operational delivery group', 'but see below') + filler + 'Note: the real work truly happens in the operational delivery group.\n');
    const [r] = reanchor(edited, [a], { window: 256 });
    assert.equal(r.status, 'orphan');
    assert.match(r.reason, /Similar passages were found/);
  });

  it('a deleted short quote becomes an orphan, not a confident placement on a look-alike ("ven this feature" on "he third feature")', () => {
    const t = new Text('P: The first feature was fine. And the second one too. I liked even this feature in the end, honestly.\n\nP: Then the third feature, which nobody used.\n');
    const i = t.text.indexOf('ven this feature');
    const a = ann(t, i, i + 'ven this feature'.length);
    const edited = new Text(t.text.replace(' I liked even this feature in the end, honestly.', ''));
    const [r] = reanchor(edited, [a]);
    assert.equal(r.status, 'orphan', `placed on "${r.start !== undefined ? edited.slice(r.start, r.end!) : ''}"`);
    assert.equal(r.confidence, 0);
  });

  it('says how sure each placement is: certain in place, less so for a short quote found elsewhere with other text around it', () => {
    const t = new Text('Alpha beta gamma. We said yes. Delta epsilon zeta eta theta iota kappa lambda mu.\n\nOther words here. We said yes. And more.\n');
    const i = t.text.indexOf('We said yes.');
    const inPlace = ann(t, i, i + 12);
    const [r1] = reanchor(t, [clone(inPlace)]);
    assert.deepEqual([r1.status, r1.confidence, r1.certainty], ['exact', 1, 'high']);
    assert.match(r1.reason, /unchanged/);
    // Its first occurrence and all its context deleted: the other "We said yes." is a guess.
    const edited = new Text(t.text.replace('Alpha beta gamma. We said yes. Delta epsilon zeta eta theta iota kappa lambda mu.', 'Something else.'));
    const [r2] = reanchor(edited, [clone(inPlace)]);
    assert.equal(r2.status, 'moved');
    assert.notEqual(r2.certainty, 'high');
    assert.ok(r2.confidence < 0.8, String(r2.confidence));
    assert.match(r2.reason, /check it/i);
  });

  it('orphan when the passage is gone: kept, position removed, reason given', () => {
    const a = q('The medical director chairs it');
    const edited = new Text('Interviewer: Something else entirely.\n');
    const [r] = reanchor(edited, [a]);
    assert.equal(r.status, 'orphan');
    assert.ok(r.reason);
    assert.equal(a.start, undefined);
    assert.equal(a.exact, 'The medical director chairs it');
  });

  it('an orphan re-attaches when its text comes back', () => {
    const a = q('The medical director chairs it');
    reanchor(new Text('nothing\n'), [a]);
    const [r] = reanchor(original, [a]);
    assert.equal(r.status, 'moved');
    assert.equal(original.slice(r.start!, r.end!), 'The medical director chairs it');
  });

  it('handles an empty document and overlapping, nested segments', () => {
    const outer = q('ND: The medical director chairs it, but');
    const inner = q('medical director');
    const overlap = q('chairs it, but the real');
    const rs = reanchor(new Text(''), [outer, inner, overlap].map(clone));
    assert.deepEqual(rs.map((r) => r.status), ['orphan', 'orphan', 'orphan']);
    const edited = new Text('Preface.\n' + original.text);
    const rs2 = reanchor(edited, [outer, inner, overlap]);
    assert.deepEqual(rs2.map((r) => r.status), ['moved', 'moved', 'moved']);
    assert.equal(edited.slice(inner.start!, inner.end!), 'medical director');
    assert.ok(outer.start! < inner.start! && inner.end! < outer.end!);
  });

  it('CRLF and a BOM in the edited file move nothing', () => {
    const a = q('They feel peripheral 😀 sometimes');
    const crlf = Text.fromRaw('\uFEFF' + original.text.replace(/\n/g, '\r\n'));
    const [r] = reanchor(crlf, [a]);
    assert.equal(r.status, 'exact');
  });

  /**
   * Property: random annotations over text with many repeated words, random external edits, then
   * re-anchoring. No annotation is lost; every annotation whose text the edits did not touch is
   * exact or moved and covers exactly its quote; the others are fuzzy or orphaned with a reason, or
   * found their exact quote elsewhere.
   */
  it('after random external edits, untouched segments cover exactly their quotes; none is lost (property)', () => {
    const words = ['the', 'network', 'board', 'trauma', 'unit', 'hub', 'spoke', 'we', 'said', 'audit', '😀', 'é', '\n', 'Interviewer:', 'ND:'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...words), { minLength: 5, maxLength: 150 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 15 }),
        fc.array(fc.record({ at: fc.nat(), removed: fc.nat({ max: 30 }), inserted: fc.array(fc.constantFrom(...words), { maxLength: 5 }) }), { maxLength: 8 }),
        (ws, spans, edits) => {
          const source = ws.join(' ');
          let doc = Array.from(source).map((c, i) => ({ c, orig: i }));
          const t = new Text(source);
          const anns = spans.map(([s, len], k) => {
            const start = s % t.length;
            return ann(t, start, Math.min(t.length, start + len * 3), `urn:uuid:${k}`);
          });
          const before = new Map(anns.map((a) => [a.id, { start: a.start!, end: a.end!, exact: a.exact }]));
          for (const e of edits) {
            const offset = e.at % (doc.length + 1);
            const removed = Math.min(e.removed, doc.length - offset);
            const ins = Array.from(e.inserted.join(' '));
            doc = [...doc.slice(0, offset), ...ins.map((c) => ({ c, orig: -1 })), ...doc.slice(offset + removed)];
          }
          const edited = new Text(doc.map((d) => d.c).join(''));
          const results = reanchor(edited, anns);
          assert.equal(results.length, anns.length, 'none is lost');
          assert.deepEqual(results.map((r) => r.id), anns.map((a) => a.id));
          results.forEach((r, i) => {
            const o = before.get(r.id)!;
            const a = anns[i];
            const idx = doc.findIndex((d) => d.orig === o.start);
            const untouched = idx >= 0 && doc.slice(idx, idx + (o.end - o.start)).every((d, k) => d.orig === o.start + k) && idx + (o.end - o.start) <= doc.length;
            if (r.status === 'orphan') {
              assert.ok(!untouched, `an untouched segment was orphaned: "${o.exact}"`);
              assert.ok(r.reason);
              assert.equal(a.start, undefined);
              return;
            }
            assert.ok(r.start! < r.end! || o.exact.length === 0);
            assert.ok(r.end! <= edited.length);
            if (r.status === 'exact' || r.status === 'moved') assert.equal(edited.slice(r.start!, r.end!), o.exact);
            else assert.ok(r.reason, 'a fuzzy match says why');
            if (untouched) assert.ok(r.status === 'exact' || r.status === 'moved', `untouched segment "${o.exact}" was ${r.status}`);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('re-anchoring real transcripts coded in MAXQDA', function () {
  const dir = path.resolve(__dirname, '../../../shared/corpus/pdpilot-interviews');
  before(function () {
    if (!fs.existsSync(dir)) {
      console.warn(`  skipped: ${dir} is missing`);
      this.skip();
    }
  });

  it('after inserting, deleting and rewording paragraphs, every untouched coded segment is found exactly', () => {
    type Seg = { document: string; start: number | null; end: number | null; exactInMd: string | null };
    const segs = (JSON.parse(fs.readFileSync(path.join(dir, 'coded-segments.json'), 'utf8')) as { segments: Seg[] }).segments;
    let checked = 0;
    for (const docName of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']) {
      const raw = fs.readFileSync(path.join(dir, `${docName}.md`), 'utf8');
      const text = Text.fromRaw(raw);
      const mine = segs.filter((s) => s.document === docName && s.start !== null && s.exactInMd);
      const anns = mine.map((s, k) => {
        const a = ann(text, text.toCodePoint(s.start!), text.toCodePoint(s.end!), `urn:uuid:${docName}-${k}`);
        assert.equal(a.exact, s.exactInMd!.replace(/\r\n?/g, '\n'));
        return a;
      });
      // Edit: a new front-matter block, one paragraph deleted, a word changed in another.
      const t = text.text;
      const paraStarts = [0, ...[...t.matchAll(/\n\n/g)].map((m) => m.index! + 2)];
      const vStart = paraStarts[Math.floor(paraStarts.length / 2)];
      const vEnd = t.indexOf('\n\n', vStart) + 2;
      const wordAt = t.indexOf(' the ', paraStarts[Math.floor(paraStarts.length / 3)]) + 1;
      assert.ok(wordAt > 0 && wordAt + 3 < vStart);
      const editedRaw = '---\nsite: test\n---\n\n' + t.slice(0, wordAt) + 'THE' + t.slice(wordAt + 3, vStart) + t.slice(vEnd);
      const edited = new Text(editedRaw);
      const cp = (u: number) => text.toCodePoint(u);
      const hits = (a: Annotation, from: number, to: number) => a.start! < cp(to) && cp(from) < a.end!;
      const results = reanchor(edited, anns.map(clone));
      results.forEach((r, i) => {
        const quote = anns[i].exact;
        if (!hits(anns[i], vStart, vEnd) && !hits(anns[i], wordAt, wordAt + 3)) {
          assert.ok(r.status === 'moved' || r.status === 'exact', `${docName}: "${quote.slice(0, 40)}" → ${r.status}`);
          assert.equal(edited.slice(r.start!, r.end!), quote);
          checked++;
        } else {
          assert.notEqual(r.status, 'exact');
          if (r.status === 'orphan') assert.ok(r.reason);
          else assert.ok(r.start! < r.end!);
        }
      });
    }
    assert.ok(checked > 200, `checked ${checked} segments`);
  });
});
