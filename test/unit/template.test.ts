import assert from 'node:assert/strict';
import { CODEBOOK_VERSION } from '../../src/core/model/codebook';
import { parseCodebook, serializeCodebook } from '../../src/core/codebook/codebook';
import { networkOrchestrationTemplate as template } from '../../src/core/codebook/templates/networkOrchestration';

const HEX = /^#[0-9a-f]{6}$/i;
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Sentences end in . ! or ? followed by white space or the end of the text. */
function sentenceCount(text: string): number {
  return text
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter((s) => s.trim().length > 0).length;
}

/** CIELAB coordinates of a "#rrggbb" colour (D65), plus its relative luminance. */
function lab(hex: string): { L: number; a: number; b: number; Y: number } {
  const lin = (i: number): number => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const r = lin(1);
  const g = lin(3);
  const bl = lin(5);
  const X = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
  const Y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  const Z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
  const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return { L: 116 * f(Y) - 16, a: 500 * (f(X) - f(Y)), b: 200 * (f(Y) - f(Z)), Y };
}

function deltaE(x: string, y: string): number {
  const p = lab(x);
  const q = lab(y);
  return Math.hypot(p.L - q.L, p.a - q.a, p.b - q.b);
}

describe('network orchestration codebook template', () => {
  const codeIds = template.codes.map((c) => c.id);
  const stageIds = template.stages.map((s) => s.id);
  const byId = new Map(template.codes.map((c) => [c.id, c]));

  it('is a current-version codebook with a name and description', () => {
    assert.equal(template.version, 1);
    assert.equal(template.version, CODEBOOK_VERSION);
    assert.ok(template.name && template.name.trim().length > 0);
    assert.ok(template.description && template.description.trim().length > 0);
  });

  it('writes a codebook.json that the extension reads back without problems', () => {
    const text = serializeCodebook(template);
    const load = parseCodebook(text, 'codebook.json');
    assert.deepEqual(load.problems, []);
    assert.equal(load.readOnly, false);
    assert.deepEqual(load.codebook, JSON.parse(JSON.stringify(template)));
  });

  it('has the three stages of network formation, in order', () => {
    assert.deepEqual(stageIds, ['leadership', 'membership', 'relationships']);
    assert.deepEqual(
      template.stages.map((s) => s.name),
      ['Leadership and governance', 'Membership and roles', 'Relationships and processes'],
    );
    for (const stage of template.stages) {
      assert.ok(stage.description && stage.description.trim().length > 0, `stage ${stage.id} has a description`);
    }
  });

  it('uses unique, kebab-case ids across codes and stages', () => {
    assert.equal(new Set(codeIds).size, codeIds.length, 'code ids are unique');
    assert.equal(new Set(stageIds).size, stageIds.length, 'stage ids are unique');
    for (const id of [...codeIds, ...stageIds]) assert.match(id, KEBAB);
  });

  it('contains every named code', () => {
    const expected = [
      'orchestration-tasks',
      'brokering-relations',
      'coordinating-activities',
      'shaping-boundaries',
      'forging-shared-values',
      'institutional-work',
      'creating-institutions',
      'maintaining-institutions',
      'disrupting-institutions',
      'strategic-use-of-evidence',
      'regulatory-pressure',
      'aligning-normative-assumptions',
      'divergent-understandings',
      'relational-leadership',
    ];
    for (const id of expected) assert.ok(byId.has(id), `code ${id} exists`);
  });

  it('places codes under the expected parent groups', () => {
    for (const id of ['brokering-relations', 'coordinating-activities', 'shaping-boundaries', 'forging-shared-values']) {
      assert.equal(byId.get(id)?.parent, 'orchestration-tasks', id);
    }
    for (const id of ['creating-institutions', 'maintaining-institutions', 'disrupting-institutions']) {
      assert.equal(byId.get(id)?.parent, 'institutional-work', id);
    }
    assert.equal(byId.get('orchestration-tasks')?.parent, undefined);
    assert.equal(byId.get('institutional-work')?.parent, undefined);
    // The institutional-work sub-codes sit somewhere beneath institutional work.
    for (const id of [
      'strategic-use-of-evidence',
      'regulatory-pressure',
      'aligning-normative-assumptions',
      'divergent-understandings',
      'relational-leadership',
    ]) {
      let cursor = byId.get(id)?.parent;
      const seen = new Set<string>();
      while (cursor !== undefined && cursor !== 'institutional-work' && !seen.has(cursor)) {
        seen.add(cursor);
        cursor = byId.get(cursor)?.parent;
      }
      assert.equal(cursor, 'institutional-work', `${id} descends from institutional-work`);
    }
  });

  it('resolves every parent and stage reference', () => {
    for (const code of template.codes) {
      if (code.parent !== undefined) {
        assert.ok(byId.has(code.parent), `parent ${code.parent} of ${code.id} exists`);
        assert.notEqual(code.parent, code.id, `${code.id} is not its own parent`);
      }
      if (code.stage !== undefined) {
        assert.ok(stageIds.includes(code.stage), `stage ${code.stage} of ${code.id} exists`);
      }
    }
  });

  it('has no cycles in the code hierarchy', () => {
    for (const code of template.codes) {
      const path = [code.id];
      let cursor = code.parent;
      while (cursor !== undefined) {
        assert.ok(!path.includes(cursor), `cycle: ${[...path, cursor].join(' -> ')}`);
        path.push(cursor);
        cursor = byId.get(cursor)?.parent;
      }
    }
  });

  it('assigns the stages where a code naturally belongs to one', () => {
    assert.equal(byId.get('relational-leadership')?.stage, 'leadership');
    assert.equal(byId.get('shaping-boundaries')?.stage, 'membership');
    assert.equal(byId.get('coordinating-activities')?.stage, 'relationships');
  });

  it('gives every code a plain-text name and a definition of one or two sentences', () => {
    const markup = /[<>*_`#[\]{}|\\]|\p{Cc}/u;
    for (const code of template.codes) {
      assert.ok(code.name.trim().length > 0, `${code.id} has a name`);
      assert.doesNotMatch(code.name, markup, `${code.id} name is plain text`);
      assert.equal(code.name, code.name.trim());
      const def = code.definition ?? '';
      assert.ok(def.trim().length > 0, `${code.id} has a definition`);
      assert.doesNotMatch(def, markup, `${code.id} definition is plain text`);
      const n = sentenceCount(def);
      assert.ok(n >= 1 && n <= 2, `${code.id} definition has ${n} sentences`);
      assert.match(def, /[.!?]$/, `${code.id} definition ends a sentence`);
    }
  });

  it('gives every code guidance on use and a short example', () => {
    for (const code of template.codes) {
      assert.ok(code.whenToUse && code.whenToUse.trim().length > 0, `${code.id} whenToUse`);
      assert.ok(code.whenNotToUse && code.whenNotToUse.trim().length > 0, `${code.id} whenNotToUse`);
      assert.ok(code.example && code.example.trim().length > 0, `${code.id} example`);
      assert.ok(code.example.length <= 200, `${code.id} example is short`);
    }
  });

  it('uses #rrggbb colours that are distinct and readable as highlights', () => {
    const colours = [
      ...template.stages.map((s) => ({ id: `stage ${s.id}`, colour: s.colour })),
      ...template.codes.map((c) => ({ id: c.id, colour: c.colour })),
    ];
    for (const { id, colour } of colours) {
      assert.ok(colour !== undefined, `${id} has a colour`);
      assert.match(colour, HEX, `${id} colour is #rrggbb`);
    }
    const hexes = colours.map((c) => (c.colour ?? '').toLowerCase());
    assert.equal(new Set(hexes).size, hexes.length, 'colours are unique');
    for (const { id, colour } of colours) {
      // Neither near-black nor near-white, so a translucent fill shows on light and dark themes.
      const { L } = lab(colour ?? '');
      assert.ok(L >= 35 && L <= 75, `${id} colour ${colour} has mid lightness (L* ${L.toFixed(0)})`);
    }
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) {
        const d = deltaE(colours[i].colour ?? '', colours[j].colour ?? '');
        assert.ok(d >= 20, `${colours[i].id} and ${colours[j].id} are distinguishable (deltaE ${d.toFixed(1)})`);
      }
    }
  });
});
