import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeEdits, type TextEdit } from '../../src/core/text/changes';
import { codePointLength, firstCodePoints, hashText, lastCodePoints, LineIndex, normalizeText, Text } from '../../src/core/text/text';

describe('text normalisation and code-point offsets', () => {
  it('removes a BOM and turns CRLF and lone CR into LF', () => {
    assert.equal(normalizeText('\uFEFFa\r\nb\rc\n'), 'a\nb\nc\n');
    const plain = 'no change\n';
    assert.equal(normalizeText(plain), plain);
  });

  it('hashes the same text the same whatever its line ends or BOM', () => {
    assert.equal(hashText(normalizeText('a\r\nb')), hashText(normalizeText('\uFEFFa\nb')));
    assert.notEqual(hashText('a\nb'), hashText('a\nc'));
    assert.match(hashText(''), /^sha256:[0-9a-f]{64}$/);
  });

  it('counts an emoji as one code point and converts offsets both ways', () => {
    const t = new Text('a😀b𝄞c');
    assert.equal(t.length, 5);
    assert.equal(t.hasAstral, true);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((cp) => t.toUtf16(cp)), [0, 1, 3, 4, 6, 7]);
    assert.deepEqual([0, 1, 3, 4, 6, 7].map((u) => t.toCodePoint(u)), [0, 1, 2, 3, 4, 5]);
    assert.equal(t.toCodePoint(2), 1, 'an offset inside a surrogate pair counts as the start of the character');
    assert.equal(t.slice(1, 4), '😀b𝄞');
    assert.ok(t.matchesAt(1, 2, '😀'));
    assert.ok(!t.matchesAt(1, 2, '😀b'));
    assert.equal(t.before(2, 1), '😀');
    assert.equal(t.after(3, 2), '𝄞c');
  });

  it('takes the fast path for text without astral characters', () => {
    const t = new Text('plain text');
    assert.equal(t.hasAstral, false);
    assert.equal(t.toUtf16(5), 5);
    assert.equal(t.toCodePoint(5), 5);
  });

  it('conversions agree with Array.from for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        const t = new Text(s);
        const cps = Array.from(s);
        assert.equal(t.length, cps.length);
        assert.equal(codePointLength(s), cps.length);
        let u = 0;
        for (let i = 0; i <= cps.length; i++) {
          assert.equal(t.toUtf16(i), u);
          assert.equal(t.toCodePoint(u), i);
          if (i < cps.length) u += cps[i].length;
        }
        const k = Math.floor(cps.length / 2);
        assert.equal(firstCodePoints(s, k), cps.slice(0, k).join(''));
        assert.equal(lastCodePoints(s, k), cps.slice(cps.length - k).join(''));
      }),
    );
  });

  it('gives the line and column of any offset, as counting newlines does (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '😀'), maxLength: 80 }), (s) => {
        const index = new LineIndex(s);
        for (let offset = 0; offset <= s.length; offset++) {
          const before = s.slice(0, offset);
          const line = before.split('\n').length - 1;
          assert.deepEqual(index.position(offset), { line, character: offset - (before.lastIndexOf('\n') + 1) });
        }
      }),
    );
  });
});

describe('merging a run of text changes (mergeEdits)', () => {
  const apply = (text: string, e: TextEdit) => text.slice(0, e.offset) + e.inserted + text.slice(e.offset + e.removed);

  it('merges typing in one place into one insertion', () => {
    const text = 'Chair: the board agreed.';
    const edits = [...'not '].map((ch, i) => ({ offset: 11 + i, removed: 0, inserted: ch }));
    assert.deepEqual(mergeEdits(text, edits), { offset: 11, removed: 0, inserted: 'not ' });
    assert.equal(mergeEdits(text, []), undefined);
  });

  it('gives the text that applying the changes one by one gives, replacing no more than they touched (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 6 }), fc.string({ maxLength: 6 })), { maxLength: 12 }), (text, specs) => {
        // Each change is made valid for the text the earlier ones left.
        let current = text;
        const edits: TextEdit[] = [];
        for (const [at, removed, inserted] of specs) {
          const offset = Math.min(current.length, Math.floor(at * (current.length + 1)));
          const e = { offset, removed: Math.min(removed, current.length - offset), inserted };
          edits.push(e);
          current = apply(current, e);
        }
        const merged = mergeEdits(text, edits);
        if (edits.length === 0) return assert.equal(merged, undefined);
        assert.equal(apply(text, merged!), current);
        // It starts where the first-placed change does, and stays within the old text.
        assert.equal(merged!.offset, Math.min(...edits.map((e) => e.offset)));
        assert.ok(merged!.offset + merged!.removed <= text.length);
      }),
      { numRuns: 1000 },
    );
  });
});
