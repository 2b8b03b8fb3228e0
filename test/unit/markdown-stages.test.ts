import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CodebookIndex, parseCodebook } from '../../src/core/codebook/codebook';
import { buildOutline, NO_STAGE, type OutlineItem } from '../../src/core/markdown/outline';
import { assignStages, type CodedSegment, listWords, passagesInStages, segmentsFromAnnotations } from '../../src/core/markdown/stages';
import { parseStats, parseStructure } from '../../src/core/markdown/structure';
import type { Stage } from '../../src/core/model/codebook';
import { parseSidecar } from '../../src/core/sidecar/format';
import { normalizeText, Text } from '../../src/core/text/text';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/pdpilot-interviews');
const read = (name: string): string => normalizeText(fs.readFileSync(path.join(ROOT, 'sample', name), 'utf8'));
const index = new CodebookIndex(parseCodebook(fs.readFileSync(path.join(ROOT, 'sample/codebook.json'), 'utf8'), 'codebook.json').codebook!);
const STAGES = index.codebook.stages;
const stageOfCode = (id: string): string | undefined => index.stageOf(id)?.id;
const codeName = (id: string): string => index.codes.get(id)?.name ?? id;

/** A segment over the first occurrence of `quote` in `text`. */
function seg(text: string, quote: string, codes: string[], id = quote.slice(0, 12)): CodedSegment {
  const start = text.indexOf(quote);
  assert.ok(start >= 0, `"${quote}" is in the text`);
  return { id, start, end: start + quote.length, codes, quote };
}

function sampleSegments(file: string): { text: string; segments: CodedSegment[] } {
  const text = read(file);
  const load = parseSidecar(fs.readFileSync(path.join(ROOT, 'sample', file + '.annotations.json'), 'utf8'), file + '.annotations.json');
  return { text, segments: segmentsFromAnnotations(load.sidecar!.annotations, new Text(text)) };
}

describe('markdown stages and outline', () => {
  describe('precedence', () => {
    it('a marker applies until the next marker or the next heading of the same or a higher level', () => {
      const text = [
        '# Title', '',
        '## One', '',
        '<!-- stage: leadership -->', '',
        'Dan: in one.', '',
        '### One, deeper', '',
        'Dan: still leadership: a sub-heading does not end it.', '',
        '## Two', '',
        'Dan: the marker stopped at ## Two.', '',
        '<!-- stage: membership -->', '',
        'Dan: membership now.', '',
        '# Next chapter', '',
        'Dan: stopped at the level-1 heading.',
      ].join('\n');
      const s = parseStructure(text);
      const a = assignStages(s, STAGES, [], stageOfCode, codeName);
      assert.deepEqual(a.turns.map((t) => [t.stage, t.source, t.detail]), [
        ['leadership', 'marker', 'stage marker on line 5'],
        ['leadership', 'marker', 'stage marker on line 5'],
        [undefined, 'none', 'no stage marker, front-matter stage or staged code applies'],
        ['membership', 'marker', 'stage marker on line 17'],
        [undefined, 'none', 'no stage marker, front-matter stage or staged code applies'],
      ]);
      assert.deepEqual(a.reaches.map((r) => [r.stage, text.slice(r.range.start, r.range.end).trimEnd().split('\n').at(-1)]), [
        ['leadership', 'Dan: still leadership: a sub-heading does not end it.'],
        ['membership', 'Dan: membership now.'],
      ]);
      // Sections: "One" has its own marker (and "One, deeper" lies in its reach); "Two" has its own
      // marker further down; the title and the next chapter have none.
      assert.deepEqual(a.sections.map((x, i) => [s.headings[i].text, x.stage, x.source]), [
        ['Title', undefined, 'none'],
        ['One', 'leadership', 'marker'],
        ['One, deeper', 'leadership', 'marker'],
        ['Two', 'membership', 'marker'],
        ['Next chapter', undefined, 'none'],
      ]);
    });

    it('a marker before any heading applies until the next marker or the end', () => {
      const text = '<!-- stage: relationships -->\n\nDan: a\n\n# H\n\nDan: b\n\n## H2\n\nDan: c\n\n<!-- stage: leadership -->\n\nDan: d\n';
      const a = assignStages(parseStructure(text), STAGES, [], stageOfCode);
      assert.deepEqual(a.turns.map((t) => t.stage), ['relationships', 'relationships', 'relationships', 'leadership']);
      // "H2" has a marker of its own under it, which wins over the one reaching its heading.
      assert.deepEqual(a.sections.map((t) => t.stage), ['relationships', 'leadership']);
    });

    it('marker, then front matter, then codes, then no stage', () => {
      const text = [
        '---', 'stage: membership', '---', '',
        'Dan: under the front matter, coded brokering.', '',
        '<!-- stage: leadership -->', '',
        'Dan: under the marker, coded brokering.',
      ].join('\n');
      const segments = [seg(text, 'under the front matter, coded brokering', ['brokering-relations']), seg(text, 'under the marker, coded brokering', ['brokering-relations'])];
      const withFront = assignStages(parseStructure(text), STAGES, segments, stageOfCode, codeName);
      assert.deepEqual(withFront.turns.map((t) => [t.stage, t.source, t.detail]), [
        ['membership', 'front-matter', 'stage "membership" in the front matter'],
        ['leadership', 'marker', 'stage marker on line 7'],
      ]);
      assert.deepEqual(withFront.segments.map((x) => x.map((y) => [y.stage, y.source])), [[['membership', 'front-matter']], [['leadership', 'marker']]]);
      assert.equal(withFront.frontMatterStage, 'membership');

      const noFront = text.replace('stage: membership', 'participant: P01');
      const codes = assignStages(parseStructure(noFront), STAGES, segments.map((x) => seg(noFront, x.quote, [...x.codes])), stageOfCode, codeName);
      assert.deepEqual(codes.turns.map((t) => [t.stage, t.source, t.detail]), [
        ['relationships', 'codes', 'coded Brokering relations'],
        ['leadership', 'marker', 'stage marker on line 7'],
      ]);
      const none = assignStages(parseStructure(noFront), STAGES, [], stageOfCode, codeName);
      assert.deepEqual(none.turns.map((t) => [t.stage, t.source]), [[undefined, 'none'], ['leadership', 'marker']]);
    });

    it('a segment goes under every stage of its codes; a turn under the stage of most of its segments, ties to the first stage', () => {
      const text = 'Dan: alpha beta gamma delta epsilon.\n\nParticipant: one two three.\n\nDan: zeta theta.\n\nParticipant: uncoded.\n\nDan: only unstaged codes.\n';
      const segments = [
        seg(text, 'alpha', ['brokering-relations']),
        seg(text, 'beta', ['coordinating-activities']),
        seg(text, 'gamma', ['shaping-boundaries']),
        seg(text, 'delta epsilon', ['relational-leadership', 'brokering-relations']),
        seg(text, 'one two', ['shaping-boundaries', 'regulatory-pressure', 'orchestration-tasks']),
        seg(text, 'zeta', ['relational-leadership']),
        seg(text, 'theta', ['divergent-understandings']),
        seg(text, 'only unstaged', ['orchestration-tasks', 'institutional-work']),
      ];
      const a = assignStages(parseStructure(text), STAGES, segments, stageOfCode, codeName);
      assert.deepEqual(a.segments.map((x) => x.map((y) => `${y.stage}: ${y.detail}`)), [
        ['relationships: coded Brokering relations'],
        ['relationships: coded Coordinating activities'],
        ['membership: coded Shaping boundaries'],
        ['leadership: coded Relational and network leadership', 'relationships: coded Brokering relations'],
        ['leadership: coded Regulatory pressure', 'membership: coded Shaping boundaries'],
        ['leadership: coded Relational and network leadership'],
        ['membership: coded Divergent understandings'],
        ['undefined: coded Orchestration tasks and Institutional work, which belong to no stage'],
      ]);
      assert.deepEqual(a.turns.map((t) => [t.stage, t.source, t.detail]), [
        // 3 segments in relationships (alpha, beta, delta), 1 in membership, 1 in leadership.
        ['relationships', 'codes', 'coded Brokering relations and Coordinating activities (3 segments); also 1 in Leadership and governance, 1 in Membership and roles'],
        // One segment in two stages: a tie, which goes to the stage first in the codebook.
        ['leadership', 'codes', 'coded Regulatory pressure (1 segment); also 1 in Membership and roles; a tie goes to the stage first in the codebook'],
        ['leadership', 'codes', 'coded Relational and network leadership (1 segment); also 1 in Membership and roles; a tie goes to the stage first in the codebook'],
        [undefined, 'none', 'no stage marker, front-matter stage or staged code applies'],
        [undefined, 'none', 'coded Orchestration tasks and Institutional work, which belong to no stage'],
      ]);
    });

    it('unknown stages in markers and front matter are problems with their lines; an unknown marker still ends the one before', () => {
      const text = [
        '---', 'participant: P01', 'stage: governance', '---', '',
        '<!-- stage: leadership -->', '',
        'Dan: a', '',
        '<!-- stage: nonsense -->', '',
        'Dan: b', '',
        '<!-- stage: -->', '',
        '<!-- stage: Relationships and Processes -->', '',
        'Dan: c',
      ].join('\n');
      const segments = [seg(text, 'Dan: b', ['shaping-boundaries'])];
      const a = assignStages(parseStructure(text), STAGES, segments, stageOfCode, codeName);
      assert.deepEqual(a.problems.map((p) => [p.line, p.severity]), [[10, 'warning'], [14, 'warning'], [3, 'warning']]);
      assert.match(a.problems[0].message, /"nonsense", which is not a stage of the codebook \(leadership, membership, relationships\)/);
      assert.match(a.problems[1].message, /names no stage/);
      assert.match(a.problems[2].message, /front matter's stage "governance" is not a stage/);
      assert.equal(a.frontMatterStage, undefined);
      assert.deepEqual(a.turns.map((t) => [t.stage, t.source]), [['leadership', 'marker'], ['membership', 'codes'], ['relationships', 'marker']]);
      assert.equal(a.reaches[3].stage, 'relationships', 'a stage name in any capitalisation is accepted');
    });

    it('a section takes its own marker first, else a marker reaching its heading, then the front matter, then its codes', () => {
      const text = [
        '# A', '', '<!-- stage: leadership -->', '',
        '## A1', '', 'x', '',
        '## A2', '', '<!-- stage: membership -->', '',
        '# B', '', 'Dan: coded', '',
      ].join('\n');
      const s = parseStructure(text);
      const a = assignStages(s, STAGES, [seg(text, 'coded', ['coordinating-activities'])], stageOfCode, codeName);
      assert.deepEqual(a.sections.map((x) => [x.stage, x.source, x.detail]), [
        ['leadership', 'marker', 'stage marker on line 3'],
        ['leadership', 'marker', 'stage marker on line 3'],
        ['membership', 'marker', 'stage marker on line 11'],
        ['relationships', 'codes', 'coded Coordinating activities'],
      ]);
    });

    it('the sample field notes: stage markers under sections 2, 4, 5 and 7; the others by their codes', () => {
      const { text, segments } = sampleSegments('field-notes/governance-board-2025-03.md');
      const s = parseStructure(text);
      const a = assignStages(s, STAGES, segments, stageOfCode, codeName);
      const byHeading = Object.fromEntries(s.headings.map((h, i) => [h.text.replace(/^(\d)\..*/, '$1'), `${a.sections[i].stage ?? '-'} ${a.sections[i].source}`]));
      assert.deepEqual(byHeading, {
        'Field notes: Northmoor Major Trauma Network governance board, March 2025': 'leadership codes',
        'Arrival and setting': 'membership codes',
        1: '- none',
        2: 'leadership marker',
        3: 'leadership codes',
        4: 'relationships marker',
        5: 'membership marker',
        6: '- none',
        7: 'leadership marker',
        8: 'relationships codes',
        'After the meeting': '- none',
        'Reflections written up the same evening': '- none',
      });
      assert.equal(a.sections[3].detail, 'stage marker on line 35');
      assert.deepEqual(a.problems, []);
      // Every segment of section 4 is in "relationships" whatever its codes say.
      const four = s.headings[5].section;
      const inFour = segments.map((x, i) => [x, a.segments[i]] as const).filter(([x]) => x.start >= four.start && x.start < four.end);
      assert.ok(inFour.length >= 3);
      for (const [, as] of inFour) assert.deepEqual(as.map((x) => [x.stage, x.detail]), [['relationships', 'stage marker on line 67']]);
    });
  });

  describe('outline', () => {
    it('groups in codebook order then "No stage"; sections with their turns, then segments named after code and quote', () => {
      const { text, segments } = sampleSegments('interviews/network-director.md');
      const s = parseStructure(text);
      const o = buildOutline(s, STAGES, segments, codeName, stageOfCode);
      const none = o.groups[3];
      const unstaged = o.assignments.turns.filter((a) => a.stage === undefined).length;
      assert.ok(unstaged > 0);
      assert.deepEqual(o.groups.map((g) => [g.stage, g.name]), [
        ['leadership', 'Leadership and governance'],
        ['membership', 'Membership and roles'],
        ['relationships', 'Relationships and processes'],
        [undefined, `${NO_STAGE} (${unstaged} speaker turns, ${o.assignments.segments.flat().filter((a) => a.stage === undefined).length} coded segments)`],
      ]);
      const all = (items: readonly OutlineItem[]): OutlineItem[] => items.flatMap((it) => [it, ...all(it.children ?? [])]);
      const placed = o.groups.flatMap((g) => all(g.items));
      // Every section is placed exactly once, and every turn with a stage; the turns of no stage
      // are counted in "No stage" but not listed (the document has headings); every segment is
      // placed once per assignment.
      assert.equal(placed.filter((x) => x.kind === 'section').length, s.headings.length);
      assert.equal(placed.filter((x) => x.kind === 'turn').length, s.turns.length - unstaged);
      assert.deepEqual(none.unlisted, { turns: unstaged, passages: 0 });
      assert.ok(none.items.every((x) => x.kind !== 'turn'), 'no uncoded turn listed under No stage');
      const assignments = o.assignments.segments.reduce((n, x) => n + x.length, 0);
      assert.equal(placed.filter((x) => x.kind === 'segment').length, assignments);
      assert.ok(assignments > segments.length, 'some segments carry codes of two stages');

      for (const g of o.groups) {
        // Sections and turns first, then segments in document order.
        const firstSegment = g.items.findIndex((x) => x.kind === 'segment');
        if (firstSegment >= 0) assert.ok(g.items.slice(firstSegment).every((x) => x.kind === 'segment'));
        const segs = g.items.filter((x) => x.kind === 'segment');
        for (let i = 1; i < segs.length; i++) assert.ok(segs[i - 1].range.start <= segs[i].range.start);
        for (const it of all(g.items)) {
          assert.equal(it.assignment.stage, g.stage);
          assert.ok(it.selectionRange.start >= it.range.start && it.selectionRange.end <= it.range.end);
          for (const c of it.children ?? []) assert.ok(c.range.start >= it.range.start && c.range.end <= it.range.end, 'children lie inside their section');
        }
        if (g.items.length > 0) assert.ok(g.range && g.items.every((x) => x.range.start >= g.range!.start && x.range.end <= g.range!.end));
      }

      const leadership = o.groups[0];
      const part2 = leadership.items.flatMap((x) => all([x])).find((x) => x.name === 'Part 2: Governance and the network board')!;
      assert.equal(part2.kind, 'section');
      assert.ok(part2.children!.length > 0 && part2.children!.every((c) => c.kind === 'turn' && c.name.startsWith('ND: ')));
      assert.equal(text.slice(part2.selectionRange.start, part2.selectionRange.end), '## Part 2: Governance and the network board');

      const segment = leadership.items.find((x) => x.kind === 'segment')!;
      const source = segments[segment.index];
      assert.equal(segment.segmentId, source.id);
      assert.match(segment.name, /^[A-Z][\w ,]+: \S/);
      assert.ok(segment.name.endsWith('…') || segment.name.endsWith(source.quote.trim().split(/\s+/).at(-1)!), segment.name);
    });

    it('field notes: each passage a marker opens is listed under its stage, named by its first words, inside its section', () => {
      const text = [
        '---', 'date: 2024-03-05', '---', '',
        '<!-- stage: relationships -->', '',
        'The charge nurse phoned the bed manager at ten to ask about the transfer.', '',
        'Nobody wrote the call down; it was settled on the phone.', '',
        '# Ward 7', '',
        '<!-- stage: membership -->', '',
        'The hospice nurse sat in on the huddle for the first time.', '',
        '- two porters', '- the coordinator', '',
        '## Later', '',
        '<!-- stage: nonsense -->', '',
        'An unknown marker places nothing: codes decide.', '',
      ].join('\n');
      const s = parseStructure(text);
      const segments = [seg(text, 'The hospice nurse sat in', ['shaping-boundaries']), seg(text, 'An unknown marker places nothing', ['relational-leadership'])];
      const o = buildOutline(s, STAGES, segments, codeName, stageOfCode);
      const show = (items: readonly OutlineItem[], depth = 0): string[] => items.flatMap((it) => [`${'  '.repeat(depth)}${it.kind} ${it.name} — ${it.detail}`, ...show(it.children ?? [], depth + 1)]);
      assert.deepEqual(o.groups.map((g) => [g.name, ...show(g.items)]), [
        ['Leadership and governance',
          // An unknown marker places nothing: the passage goes by its codes.
          'passage An unknown marker places nothing: codes decide. — coded Relational and network leadership',
          'segment Relational and network leadership: An unknown marker places nothing — coded Relational and network leadership'],
        ['Membership and roles',
          'section Ward 7 — stage marker on line 13',
          '  passage The hospice nurse sat in on the huddle… — stage marker on line 13',
          // The membership marker reaches the sub-section's heading (the unknown one does not end it there).
          '  section Later — stage marker on line 13',
          'segment Shaping boundaries: The hospice nurse sat in — stage marker on line 13'],
        ['Relationships and processes',
          'passage The charge nurse phoned the bed manager at… — stage marker on line 5'],
        [NO_STAGE],
      ]);
      const passage = o.groups[2].items[0];
      assert.equal(text.slice(passage.range.start, passage.range.end), 'The charge nurse phoned the bed manager at ten to ask about the transfer.\n\nNobody wrote the call down; it was settled on the phone.');
      assert.equal(text.slice(passage.selectionRange.start, passage.selectionRange.end), 'The charge nurse phoned the bed manager at ten to ask about the transfer.');
      assert.equal(passage.index, 0);
      const ward = o.groups[1].items[0].children![0];
      assert.equal(ward.kind, 'passage');
      assert.equal(text.slice(ward.range.start, ward.range.end), 'The hospice nurse sat in on the huddle for the first time.\n\n- two porters\n- the coordinator');
      assert.deepEqual(o.assignments.passages.map((a) => a.stage), ['relationships', 'membership', 'leadership']);
      assert.deepEqual(o.groups[0].items[0].range, s.passages[2].range);
    });

    it('the passages marked for each stage, across documents: those their own marker places, with their text and code-point offsets', () => {
      const text = ['---', 'stage: leadership', '---', '', '😀 An emoji first.', '', '<!-- stage: Membership and roles -->', '', 'Zoë 😀 wrote it down.', '', '- and a list', '', '<!-- stage: nonsense -->', '', 'Placed by the front matter, not marked.', '', '<!-- stage: relationships -->', '', 'Dan: a turn, not a passage.'].join('\n');
      const t = new Text(text);
      const placed = passagesInStages(parseStructure(text), STAGES, t);
      assert.deepEqual(placed.map((p) => [p.stage, p.markerLine, p.passage.line, p.text, t.slice(p.start, p.end)]), [
        ['membership', 7, 9, 'Zoë 😀 wrote it down.\n\n- and a list', 'Zoë 😀 wrote it down.\n\n- and a list'],
      ]);
      assert.equal(placed[0].start, text.indexOf('Zoë') - 1, 'code points: the emoji before counts once');
      // The outline agrees: the unknown marker's passage is placed by the front matter.
      const o = buildOutline(parseStructure(text), STAGES, [], codeName, stageOfCode);
      assert.deepEqual(o.groups[0].items.filter((x) => x.kind === 'passage').map((x) => [x.name, x.detail]), [['Placed by the front matter, not marked.', 'stage "leadership" in the front matter']]);
    });

    it('"No stage" lists the sections only when the document has headings, its turns when it has none, and counts them in its name', () => {
      const turns = Array.from({ length: 300 }, (_, i) => `${i % 2 ? 'P07' : 'Interviewer'}: turn number ${i} of the interview.`);
      const withHeadings = ['# Part 1', '', ...turns.slice(0, 150).flatMap((t) => [t, '']), '## Part 1.1', '', '<!-- stage: leadership -->', '', 'Interviewer: staged.', '', '# Part 2', '', ...turns.slice(150).flatMap((t) => [t, ''])].join('\n');
      const o = buildOutline(parseStructure(withHeadings), STAGES, [], codeName, stageOfCode);
      const none = o.groups[3];
      assert.equal(none.name, `${NO_STAGE} (2 sections, 300 speaker turns)`);
      assert.deepEqual(none.items.map((x) => [x.kind, x.name, (x.children ?? []).map((c) => c.kind)]), [['section', 'Part 1', []], ['section', 'Part 2', []]]);
      assert.deepEqual(none.unlisted, { turns: 300, passages: 0 });
      assert.ok(none.range && none.range.start === 0 && none.range.end === withHeadings.trimEnd().length, 'the group spans what it counts');
      assert.deepEqual(o.groups[0].items.map((x) => [x.kind, x.name, x.children!.map((c) => c.name)]), [['section', 'Part 1.1', ['Interviewer: staged.']]]);

      const noHeadings = turns.slice(0, 3).join('\n\n');
      const p = buildOutline(parseStructure(noHeadings), STAGES, [seg(noHeadings, 'turn number 1', ['unknown-code'])], codeName, stageOfCode);
      assert.equal(p.groups[3].name, `${NO_STAGE} (3 speaker turns, 1 coded segment)`);
      assert.deepEqual(p.groups[3].items.map((x) => x.kind), ['turn', 'turn', 'turn', 'segment']);
      assert.equal(p.groups[3].unlisted, undefined);
      assert.equal(buildOutline(parseStructure('# Only\n\n<!-- stage: leadership -->\n\nDan: hi'), STAGES, [], codeName, stageOfCode).groups[3].name, NO_STAGE);
    });

    it('a segment coded in two stages shows under both, named after the codes of each', () => {
      const text = 'Dan: we agreed the rules and then rang the other hospital.\n';
      const segments = [seg(text, 'we agreed the rules and then rang the other hospital', ['regulatory-pressure', 'brokering-relations'])];
      const o = buildOutline(parseStructure(text), STAGES, segments, codeName, stageOfCode);
      const names = o.groups.map((g) => g.items.filter((x) => x.kind === 'segment').map((x) => x.name));
      assert.deepEqual(names, [['Regulatory pressure: we agreed the rules and then rang the…'], [], ['Brokering relations: we agreed the rules and then rang the…'], []]);
      assert.deepEqual(o.groups[0].items.map((x) => x.kind), ['turn', 'segment'], 'the turn goes to the first stage of the tie');
      assert.equal(o.groups[1].range, undefined, 'an empty group has no range');
    });

    it('rebuilding from the same structure with other coding parses nothing', () => {
      const { text, segments } = sampleSegments('interviews/spoke-nurse.md');
      const s = parseStructure(text);
      const before = buildOutline(s, STAGES, segments, codeName, stageOfCode);
      const parses = { ...parseStats };
      const recoded = segments.map((x) => ({ ...x, codes: ['shaping-boundaries'] }));
      const after = buildOutline(s, STAGES, recoded, codeName, stageOfCode);
      assert.notDeepEqual(before.groups, after.groups);
      assert.ok(after.groups[1].items.filter((x) => x.kind === 'segment').length === segments.length);
      assert.deepEqual(parseStats, parses);
    });

    it('lists words in plain English', () => {
      assert.equal(listWords(['A']), 'A');
      assert.equal(listWords(['A', 'B']), 'A and B');
      assert.equal(listWords(['A', 'B', 'C']), 'A, B and C');
      assert.equal(listWords(['A', 'B', 'C', 'D', 'E']), 'A, B, C and 2 more');
    });
  });

  describe('real transcripts coded in MAXQDA (../shared/corpus/pdpilot-interviews)', () => {
    before(function () {
      if (!fs.existsSync(path.join(CORPUS, 'coded-segments.json'))) {
        console.warn(`  skipped: ${CORPUS} is missing (the shared transcript corpus sits beside the project checkout)`);
        this.skip();
      }
    });

    it('P1–P7: turns take the stage of most of their coded segments; every segment is placed', () => {
      type Seg = { document: string; code: string; start: number | null; end: number | null; exactInMd: string | null };
      const all = (JSON.parse(fs.readFileSync(path.join(CORPUS, 'coded-segments.json'), 'utf8')) as { segments: Seg[] }).segments;
      // A made-up frame over the study's own code system: its top-level categories as stages.
      const stages: Stage[] = [
        { id: 'purposes', name: 'Purposes' },
        { id: 'techniques', name: 'Techniques' },
        { id: 'tool', name: 'The tool' },
      ];
      const stageOf = (code: string): string | undefined => {
        const top = code.split(' > ')[0];
        return top.startsWith('Explainability purposes') ? 'purposes' : top.startsWith('Explainability techniques') ? 'techniques' : top.startsWith('PDPilot') || top === 'Benefits of PDPilot' || top === 'Interaction' ? 'tool' : undefined;
      };
      let turnsCoded = 0;
      for (const doc of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']) {
        const text = normalizeText(fs.readFileSync(path.join(CORPUS, `${doc}.md`), 'utf8'));
        const s = parseStructure(text);
        const segments: CodedSegment[] = all
          .filter((x) => x.document === doc && x.start !== null && x.end !== null)
          .map((x, i) => ({ id: `${doc}-${i}`, start: x.start!, end: x.end!, codes: [x.code], quote: x.exactInMd ?? '' }));
        const o = buildOutline(s, stages, segments, (c) => c.split(' > ').at(-1)!, stageOf);
        const a = o.assignments;
        // Check the majority by brute force.
        s.turns.forEach((t, i) => {
          const counts = new Map<string, number>();
          for (const x of segments) if (x.start < t.range.end && x.end > t.range.start) for (const st of new Set(x.codes.map(stageOf))) if (st) counts.set(st, (counts.get(st) ?? 0) + 1);
          if (counts.size === 0) return assert.equal(a.turns[i].stage, undefined);
          turnsCoded++;
          const best = Math.max(...counts.values());
          const expected = stages.find((st) => counts.get(st.id) === best)!.id;
          assert.equal(a.turns[i].stage, expected, `${doc} turn ${i}`);
          assert.equal(a.turns[i].source, 'codes');
        });
        const placed = o.groups.reduce((n, g) => n + g.items.filter((x) => x.kind === 'segment').length, 0);
        assert.equal(placed, segments.length);
        const studyLimitations = segments.filter((x) => x.codes[0].startsWith('Study limitations'));
        for (const x of studyLimitations) assert.equal(a.segments[segments.indexOf(x)][0].stage, undefined);
      }
      assert.ok(turnsCoded > 150, `${turnsCoded} coded turns`);
    });
  });
});
