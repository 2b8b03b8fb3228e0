import assert from 'node:assert/strict';
import fc from 'fast-check';
import { frontMatterAttributes } from '../../src/core/index/attributes';
import { parseStructure } from '../../src/core/markdown/structure';
import { normalizeText } from '../../src/core/text/text';

/** What the case attributes and the outline read from one document's front matter. */
function bothReadings(text: string): { attributes: Record<string, unknown> | undefined; problemLine: number | undefined; structure: Record<string, unknown> | undefined; structureProblemLine: number | undefined } {
  const fm = frontMatterAttributes(text);
  const s = parseStructure(normalizeText(text));
  return {
    attributes: fm.attributes,
    problemLine: fm.problem?.line,
    structure: s.frontMatter?.attributes,
    structureProblemLine: s.problems.find((p) => p.severity === 'error')?.line,
  };
}

/** The scalar and list values both must agree on (a nested mapping is not a case attribute). */
function assertSameValues(text: string): void {
  const r = bothReadings(text);
  assert.equal(r.problemLine, r.structureProblemLine, `the line of the problem in\n${text}`);
  if (r.problemLine !== undefined) {
    assert.equal(r.attributes, undefined, 'malformed YAML gives no case attributes');
    assert.deepEqual(r.structure, {}, 'malformed YAML gives no stage or date to the outline');
    return;
  }
  const structure = r.structure ?? {};
  for (const [k, v] of Object.entries(structure)) {
    assert.ok(!(v instanceof Date), `the outline saw a Date for ${k} in\n${text}`);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      assert.deepEqual(r.attributes?.[k], v, `${k} in\n${text}`);
    }
  }
  for (const [k, v] of Object.entries(r.attributes ?? {})) {
    if (!Array.isArray(v)) assert.deepEqual(structure[k], v, `${k} in\n${text}`);
    else assert.deepEqual(v, (structure[k] as unknown[]).map(String), `${k} in\n${text}`);
  }
}

const DATES = [
  '2025-03-12', '"2025-03-12"', "'2025-03-12'", '2025-03-12T10:30:00Z', '2025-03-12 10:30:00', '2001-12-14t21:59:43.10-05:00', '2025-3-5',
  '!!timestamp 2025-03-12', '!!timestamp 2025-03-12T10:30:00Z', '!!timestamp 2001-12-14 21:59:43.10 -5', '[2025-03-12, !!timestamp 2025-04-01]',
  '12:30', '20250312', '~', '', 'yes', 'true', '{day: !!timestamp 2025-03-12}', 'March 12, 2025',
];
const STAGES = ['relationships', '"leadership"', 'Membership and roles', '[a, b]', '~', '3'];
const BROKEN = ['site: [unclosed', 'a: b: c', '\tdate: 2025-03-12', 'date: "open', ': nothing', '- a list'];

describe('front matter: one reading for the outline and the case attributes', () => {
  it('dates: YAML dates, quoted dates, timestamps and tagged dates read the same by both, as text', () => {
    for (const d of DATES) assertSameValues(`---\ntitle: Board\ndate: ${d}\nstage: relationships\n---\n\n# Notes\n`);
    const tagged = bothReadings('---\ndate: !!timestamp 2025-03-12\nat: !!timestamp 2025-03-12T10:30:00Z\n---\n');
    assert.deepEqual(tagged.structure, { date: '2025-03-12', at: '2025-03-12T10:30:00.000Z' });
    assert.deepEqual(tagged.attributes, { date: '2025-03-12', at: '2025-03-12T10:30:00.000Z' });
    assert.deepEqual(bothReadings('---\ndate: 2025-03-12\n---\n').structure, { date: '2025-03-12' }, 'a plain date stays as written');
  });

  it('invalid YAML: the same problem line for both, and no values', () => {
    for (const b of BROKEN) assertSameValues(`---\ntitle: Board\n${b}\ndate: 2025-03-12\n---\n\ntext\n`);
    assertSameValues('---\nstage: leadership\nstage: membership\n---\n');
    assert.equal(bothReadings('---\nstage: leadership\nstage: membership\n---\n').problemLine, 3, 'the duplicate key is on line 3');
  });

  it('property: any front matter made of these lines reads the same in both, CRLF and BOM included', () => {
    const LINE = fc.oneof(
      fc.constantFrom(...DATES).map((d) => `date: ${d}`),
      fc.constantFrom(...STAGES).map((s) => `stage: ${s}`),
      fc.constantFrom('site: Hospital C', 'role: consultant', 'type: field notes', 'n: 3', 'tags: [a, b]', 'when: !!timestamp 2024-01-18'),
      fc.constantFrom(...BROKEN),
    );
    fc.assert(fc.property(fc.array(LINE, { maxLength: 6 }), fc.boolean(), fc.boolean(), (lines, crlf, bom) => {
      let text = `---\n${lines.join('\n')}\n---\n\n# Notes\n\nText.\n`;
      if (crlf) text = text.replace(/\n/g, '\r\n');
      if (bom) text = '\ufeff' + text;
      assertSameValues(text);
    }), { numRuns: 400 });
  });
});
