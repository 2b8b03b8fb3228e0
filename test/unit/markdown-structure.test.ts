import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { updateStructure, updateStructureDetailed, type TextChange } from '../../src/core/markdown/incremental';
import { firstWords, matchSpeakerLabel, parseStats, parseStructure, type DocumentStructure } from '../../src/core/markdown/structure';
import { normalizeText } from '../../src/core/text/text';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus/pdpilot-interviews');
const sample = (name: string): string => normalizeText(fs.readFileSync(path.join(ROOT, 'sample', name), 'utf8'));
const slice = (text: string, r: { start: number; end: number }): string => text.slice(r.start, r.end);
const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

function apply(text: string, c: TextChange): string {
  return text.slice(0, c.offset) + c.inserted + text.slice(c.offset + c.removed);
}

describe('markdown structure', () => {
  describe('speaker labels', () => {
    const speaker = (s: string) => matchSpeakerLabel(s, 0)?.speaker;

    it('reads Name:, **Name:** and **Name**: with one to four capitalised words or an id', () => {
      assert.equal(speaker('Interviewer: So tell me'), 'Interviewer');
      assert.equal(speaker('**TNC:** [laughs] How long'), 'TNC');
      assert.equal(speaker('**ND**: Yes'), 'ND');
      assert.equal(speaker('__Dan:__ Okay'), 'Dan');
      assert.equal(speaker('P12: I think'), 'P12');
      assert.equal(speaker('Dr Smith: Well'), 'Dr Smith');
      assert.equal(speaker('Dr. Smith: Well'), 'Dr. Smith');
      assert.equal(speaker('Mary Anne Van Dyke: hello'), 'Mary Anne Van Dyke');
      assert.equal(speaker('AV-TNC: we went through it'), 'AV-TNC');
      assert.equal(speaker('Speaker 2: yes'), 'Speaker 2');
      assert.equal(speaker("O'Neill: right"), "O'Neill");
      assert.equal(speaker('Zoë: yes'), 'Zoë');
      assert.equal(speaker('Dan:'), 'Dan', 'a label alone on its line');
    });

    it('does not take a URL, a time, lower-case words, five words, a note or a colon inside a word for a label', () => {
      for (const s of ['http://example.org is down', 'https: no', '10:30 meeting started', '14:10. ND presented', 'so: anyway', 'the board: yes', 'Mary Anne Van Dyke Jones: too long',
        'Note: the recording stopped', 'NB: inaudible', 'Date: 2025-03-19', 'Re:think', 'Dan:no space', 'Dan :', 'To follow up: ask ND', '*Dan:* emphasis only', '**Dan: unclosed', '- Dan: in a list',
        // The headings of field notes.
        'Observation: The charge nurse phoned', '**Reflection:** I felt in the way', 'Field notes: ward 7', 'Memo: compare with Moorside', 'Context: a Tuesday', 'Observer comment: tense']) {
        assert.equal(speaker(s), undefined, s);
      }
    });

    it('first words leave out the timestamp and emphasis marks and end with … when there are more', () => {
      assert.equal(firstWords(' [00:04:52] Tell me about the board. How does it work?'), 'Tell me about the board. How does it…');
      assert.equal(firstWords('Yes, **absolutely**, happy to.'), 'Yes, absolutely, happy to.');
      assert.equal(firstWords('a  b\n\nc `d`', 3), 'a b c…');
      assert.equal(firstWords('   '), '');
    });
  });

  describe('sample documents', () => {
    it('field notes: front matter, headings with their sections, stage markers, no speaker turns', () => {
      const text = sample('field-notes/governance-board-2025-03.md');
      const s = parseStructure(text);
      assert.deepEqual(s.frontMatter?.attributes, { site: 'Northmoor General Infirmary (major trauma centre), board room', role: 'Non-participant observer', type: 'field-notes', date: '2025-03-19', observer: 'OBS-01' });
      assert.equal(s.frontMatter?.range.start, 0);
      assert.equal(slice(text, s.frontMatter!.range).split('\n').at(-1), '---');
      assert.match(s.frontMatter!.raw, /^site: .*\nobserver: OBS-01$/s);
      assert.deepEqual(s.problems, []);
      assert.equal(s.blocks[0].type, 'yaml');

      assert.deepEqual(s.headings.map((h) => `${h.level} ${h.text}`), [
        '1 Field notes: Northmoor Major Trauma Network governance board, March 2025',
        '2 Arrival and setting',
        '2 1. Welcome, apologies and minutes',
        "2 2. Network director's report",
        '2 3. Quarterly audit dashboard',
        '2 4. Repatriation and bed capacity',
        '2 5. Saltfleet designation and peer review preparation',
        '2 6. Ambulance triage tool revision',
        '2 7. Integrated care boards and the future hosting of the network',
        '2 8. Any other business and close',
        '2 After the meeting',
        '2 Reflections written up the same evening',
      ]);
      for (const h of s.headings) {
        assert.equal(slice(text, h.range), '#'.repeat(h.level) + ' ' + h.text);
        assert.equal(h.line, lineOf(text, h.range.start));
        assert.equal(h.section.start, h.range.start);
      }
      // The title's section runs to the end; each ## section stops before the next ##.
      assert.equal(s.headings[0].section.end, text.trimEnd().length);
      for (let i = 1; i < s.headings.length - 1; i++) {
        assert.equal(text.slice(s.headings[i].section.end, s.headings[i + 1].range.start).trim(), '', `section ${i} ends right before the next heading`);
      }
      assert.ok(slice(text, s.headings[3].section).includes('<!-- stage: leadership -->'));

      assert.deepEqual(s.markers.map((m) => [m.id, m.line]), [['leadership', 35], ['relationships', 67], ['membership', 87], ['leadership', 113]]);
      for (const m of s.markers) assert.match(slice(text, m.range), /^<!-- stage: \w+ -->$/);
      assert.deepEqual(s.turns, [], 'field notes quote people inside paragraphs but have no speaker turns');
    });

    it('interviews: every speaker turn, with speaker, label, first words and range', () => {
      for (const [file, speakers, labelled] of [
        ['interviews/network-director.md', ['Interviewer', 'ND'], /^(Interviewer|ND): /gm],
        ['interviews/spoke-nurse.md', ['Interviewer', 'TNC'], /^\*\*(Interviewer|TNC):\*\* /gm],
      ] as const) {
        const text = sample(file);
        const s = parseStructure(text);
        const expected = [...text.matchAll(labelled)];
        assert.equal(s.turns.length, expected.length, file);
        assert.ok(s.turns.length > 40);
        assert.deepEqual([...new Set(s.turns.map((t) => t.speaker))].sort(), [...speakers].sort());
        s.turns.forEach((t, i) => {
          assert.equal(t.range.start, expected[i].index, `${file} turn ${i}`);
          assert.equal(t.speaker, expected[i][1]);
          assert.equal(slice(text, t.label), expected[i][0].trimEnd());
          assert.equal(t.line, lineOf(text, t.range.start));
          assert.ok(t.firstWords.length > 0 && !/^\[\d\d:/.test(t.firstWords), t.firstWords);
          if (i + 1 < s.turns.length) assert.ok(t.range.end < s.turns[i + 1].range.start);
        });
        assert.deepEqual(s.markers, []);
        assert.equal(s.frontMatter?.attributes.type, 'interview');
      }
      const nd = parseStructure(sample('interviews/network-director.md'));
      const t = nd.turns.find((x) => x.firstWords.startsWith('Tell me about the board'))!;
      assert.equal(t.speaker, 'Interviewer');
      assert.equal(t.firstWords, 'Tell me about the board. How does it…');
    });
  });

  describe('blocks, turns, sections, markers and front matter', () => {
    it('a turn takes in the unlabelled paragraphs after it and stops at a heading, a marker or the next label', () => {
      const text = [
        'Intro paragraph.', '',
        'Dan: First question?', '',
        'Participant: One.', '',
        'Still the participant.', '',
        '- a list in the turn', '',
        '<!-- stage: leadership -->', '',
        'After the marker.', '',
        '## Part 2', '',
        'Dan: Next.',
      ].join('\n');
      const s = parseStructure(text);
      assert.deepEqual(s.turns.map((t) => [t.speaker, slice(text, t.range)]), [
        ['Dan', 'Dan: First question?'],
        ['Participant', 'Participant: One.\n\nStill the participant.\n\n- a list in the turn'],
        ['Dan', 'Dan: Next.'],
      ]);
      assert.deepEqual(s.blocks.map((b) => b.type), ['paragraph', 'paragraph', 'paragraph', 'paragraph', 'list', 'html', 'paragraph', 'heading', 'paragraph']);
      for (const b of s.blocks) assert.equal(b.line, lineOf(text, b.range.start));
    });

    it('sections nest: each runs until the next heading of the same or a higher level', () => {
      const text = '# A\n\na\n\n## B\n\nb\n\n### C\n\nc\n\n## D\n\nd\n\nE\n=\n\ne\n';
      const s = parseStructure(text);
      assert.deepEqual(s.headings.map((h) => [h.level, h.text, slice(text, h.section)]), [
        [1, 'A', '# A\n\na\n\n## B\n\nb\n\n### C\n\nc\n\n## D\n\nd'],
        [2, 'B', '## B\n\nb\n\n### C\n\nc'],
        [3, 'C', '### C\n\nc'],
        [2, 'D', '## D\n\nd'],
        [1, 'E', 'E\n=\n\ne'],
      ]);
    });

    it('heading text has no Markdown, and a marker in a heading counts as a marker', () => {
      const text = '## Part *2*: `the` [board](http://x) <!-- Stage: Leadership -->\n';
      const s = parseStructure(text);
      assert.equal(s.headings[0].text, 'Part 2: the board');
      assert.deepEqual(s.markers.map((m) => [m.id, slice(text, m.range), m.line]), [['Leadership', '<!-- Stage: Leadership -->', 1]]);
    });

    it('markers: any capitalisation, inline or as a block, several in one block; not in code or quotes', () => {
      const text = [
        'Text <!-- stage: membership --> inline.', '',
        '<!-- STAGE:relationships -->', '<!-- stage:   -->', '',
        '```', '<!-- stage: leadership -->', '```', '',
        '> <!-- stage: leadership -->', '',
        '<!-- not a stage marker -->', '',
        'Dan: and <!--\nstage: leadership\n--> spanning lines',
      ].join('\n');
      const s = parseStructure(text);
      assert.deepEqual(s.markers.map((m) => [m.id, m.line, slice(text, m.range)]), [
        ['membership', 1, '<!-- stage: membership -->'],
        ['relationships', 3, '<!-- STAGE:relationships -->'],
        ['', 4, '<!-- stage:   -->'],
        ['leadership', 14, '<!--\nstage: leadership\n-->'],
      ]);
    });

    it('a marker opens a passage: the plain paragraphs, lists, quotes and code after it, up to a heading, label, break or marker', () => {
      const text = [
        '# Ward 7, Tuesday', '',
        '<!-- stage: relationships -->', '',
        'The charge nurse phoned the bed manager before the huddle.', '',
        '- **two** beds free', '- one on hold', '',
        '## Huddle', '',
        'Text under the sub-heading belongs to its section, not to a passage.', '',
        '<!-- stage: membership -->', '',
        '> Sign on the door: visitors after two', '',
        'Coordinator: a turn ends the passage.', '',
        'and this paragraph is in the turn.', '',
        '<!-- stage: leadership -->', '',
        'Chair: a marker followed by a turn opens no passage.', '',
        '---', '',
        'After a thematic break: no passage either.', '',
        'Inline <!-- stage: leadership --> in a paragraph.', '',
        '1. opens one on the next block', '',
        '<!-- stage: membership -->',
      ].join('\n');
      const s = parseStructure(text);
      assert.deepEqual(s.passages.map((p) => [s.markers[p.marker].line, p.line, p.firstWords, slice(text, p.range), slice(text, p.first)]), [
        [3, 5, 'The charge nurse phoned the bed manager before…', 'The charge nurse phoned the bed manager before the huddle.\n\n- **two** beds free\n- one on hold', 'The charge nurse phoned the bed manager before the huddle.'],
        [14, 16, 'Sign on the door: visitors after two', '> Sign on the door: visitors after two', '> Sign on the door: visitors after two'],
        [30, 32, 'opens one on the next block', '1. opens one on the next block', '1. opens one on the next block'],
      ]);
      assert.equal(s.markers.length, 5);
      assert.deepEqual(parseStructure('<!-- stage: leadership -->').passages, [], 'a marker at the end opens nothing');
      const observation = parseStructure('<!-- stage: relationships -->\n\nObservation: The charge nurse phoned the bed manager at ten.');
      assert.deepEqual([observation.turns.length, observation.passages.map((p) => p.firstWords)], [0, ['Observation: The charge nurse phoned the bed manager…']], 'an observation is a passage, not a turn');
      assert.deepEqual(parseStructure('Dan: hello <!-- stage: leadership -->\n\nstill Dan.').passages, [], 'a marker inside a turn opens nothing');
      assert.deepEqual(parseStructure('# Title <!-- stage: leadership -->\n\nNotes under it.').passages.map((p) => p.firstWords), ['Notes under it.'], 'a marker in a heading opens the text under it');
    });

    it('offsets are UTF-16 offsets into the text, whatever comes before (emoji, accents)', () => {
      const text = '# Café 😀 notes\n\n**P07:** [00:00:01] 👍 yes\n\n## Zoë 🎙️\n\n<!-- stage: x -->\n';
      const s = parseStructure(text);
      assert.equal(s.headings[1].range.start, text.indexOf('## Zoë'));
      assert.equal(s.turns[0].range.start, text.indexOf('**P07:**'));
      assert.equal(s.turns[0].label.end, text.indexOf(' [00:00:01]'));
      assert.equal(s.turns[0].firstWords, '👍 yes');
      assert.equal(s.markers[0].range.start, text.indexOf('<!--'));
      assert.equal(s.length, text.length);
    });

    it('malformed front matter is a problem with its line, never a throw', () => {
      const bad = '---\ntitle: ok\nsite: [unclosed\nrole: x\n---\n\n# Notes\n';
      const s = parseStructure(bad);
      assert.deepEqual(s.frontMatter?.attributes, {});
      assert.equal(s.problems.length > 0, true);
      assert.equal(s.problems[0].severity, 'error');
      assert.match(s.problems[0].message, /front matter is not valid YAML/);
      assert.ok(s.problems[0].line >= 3 && s.problems[0].line <= 5, `line ${s.problems[0].line}`);
      assert.equal(s.headings[0].text, 'Notes');

      const dup = parseStructure('---\na: 1\na: 2\n---\n');
      assert.equal(dup.problems[0].line, 3);
      const list = parseStructure('---\n- a\n- b\n---\n');
      assert.deepEqual(list.frontMatter?.attributes, {});
      assert.equal(list.problems[0].severity, 'warning');
      assert.deepEqual(parseStructure('---\n---\n\ntext').frontMatter?.attributes, {});
      assert.deepEqual(parseStructure('---\ndate: 2025-02-11\nn: 3\nlist: [a, b]\n---\n').frontMatter?.attributes, { date: '2025-02-11', n: 3, list: ['a', 'b'] });
      assert.equal(parseStructure('Text\n\n---\na: 1\n---\n').frontMatter, undefined, 'front matter only at the very start');
    });

    it('reads the same with only the inline constructs it needs as with all of them', () => {
      const INLINE = fc.constantFrom('plain', '*em*', '**strong**', '_a_b_', '~~gone~~', '[a link](http://x.org)', '[a](<!-- stage: leadership -->)', '![img](u.png)', '`<!-- stage: leadership -->`',
        '\\<!-- stage: leadership -->', '<!-- stage: membership -->', '<http://x.org>', 'www.example.com/a_b_', 'a@b.org', '&amp; &copy;', '[^1]', '[laughs]', '\\', '***', '<span>', 'Zoë 😀');
      const LINE = fc.array(INLINE, { minLength: 1, maxLength: 6 }).map((a) => a.join(' '));
      const BLOCK = fc.oneof(LINE, LINE.map((l) => `## ${l}`), LINE.map((l) => `Dan: ${l}`), fc.tuple(LINE, LINE).map(([a, b]) => `${a}\n${b}\n===`), fc.tuple(LINE, LINE).map(([a, b]) => `${a}\\\n${b}`));
      fc.assert(fc.property(fc.array(BLOCK, { maxLength: 8 }), (blocks) => {
        const text = blocks.join('\n\n');
        assert.deepStrictEqual(parseStructure(text), parseStructure(text, { fullInline: true }));
      }), { numRuns: 300 });
      const text = '## A *b* [c](http://x) ~~d~~ <!-- stage: leadership -->\n\nSee [a](<!-- stage: membership -->) and `<!-- stage: x -->`.\n';
      const s = parseStructure(text);
      assert.equal(s.headings[0].text, 'A b c d');
      assert.deepEqual(s.markers.map((m) => m.id), ['leadership'], 'no marker in a link destination or a code span');
    });

    it('never throws on odd input', () => {
      fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseStructure(normalizeText(s));
      }), { numRuns: 300 });
    });
  });

  describe('real transcripts (../shared/corpus/pdpilot-interviews)', () => {
    function corpus(ctx: Mocha.Context, name: string): string {
      const file = path.join(CORPUS, name);
      if (!fs.existsSync(file)) {
        console.warn(`  skipped: ${file} is missing (the shared transcript corpus sits beside the project checkout)`);
        ctx.skip();
      }
      return normalizeText(fs.readFileSync(file, 'utf8'));
    }

    it('P1–P7: one turn per Dan:/Participant: paragraph, speakers right, no headings or markers', function () {
      const expected: Record<string, number> = {};
      for (const n of [1, 2, 3, 4, 5, 6, 7]) {
        const text = corpus(this, `P${n}.md`);
        const s = parseStructure(text);
        const labelled = [...text.matchAll(/^(Dan|Participant|Particpant): /gm)];
        expected[`P${n}`] = labelled.length;
        assert.deepEqual(s.turns.map((t) => t.range.start), labelled.map((m) => m.index), `P${n}`);
        assert.deepEqual(s.turns.map((t) => t.speaker), labelled.map((m) => m[1]));
        assert.deepEqual(s.headings, []);
        assert.deepEqual(s.markers, [], 'the provenance comment at the top is not a stage marker');
        assert.equal(s.blocks[0].type, 'html');
        assert.equal(s.frontMatter, undefined);
        // Turns follow each other: each ends where the next paragraph before the next label ends.
        for (let i = 0; i + 1 < s.turns.length; i++) assert.equal(text.slice(s.turns[i].range.end, s.turns[i + 1].range.start).trim(), '');
      }
      assert.deepEqual(expected, { P1: 94, P2: 165, P3: 121, P4: 109, P5: 134, P6: 99, P7: 104 });
    });

    it('P1: the first turns read right', function () {
      const text = corpus(this, 'P1.md');
      const s = parseStructure(text);
      assert.deepEqual(s.turns.slice(0, 3).map((t) => `${t.speaker}: ${t.firstWords}`), [
        'Dan: Okay. So now you can stop sharing your…',
        'Participant: Okay.',
        'Dan: Okay. Okay. So my first question is if…',
      ]);
    });
  });

  describe('incremental re-parse (updateStructure)', () => {
    const FIELD_NOTES = sample('field-notes/governance-board-2025-03.md');

    it('typing in a paragraph re-reads only that paragraph and moves the rest', () => {
      const text = FIELD_NOTES;
      const before = parseStructure(text);
      const offset = text.indexOf('Item led by');
      const change = { offset, removed: 0, inserted: 'x' };
      const next = apply(text, change);
      const u = updateStructureDetailed(before, text, change, next);
      assert.equal(u.mode, 'partial');
      assert.ok(u.reparsed.end - u.reparsed.start < 400, `re-read ${u.reparsed.end - u.reparsed.start} characters`);
      assert.deepEqual(u.structure, parseStructure(next));
      assert.deepEqual(before, parseStructure(text), 'the previous structure is left as it was');
    });

    it('new lines move the lines of everything after', () => {
      const text = sample('interviews/network-director.md');
      const before = parseStructure(text);
      const offset = text.indexOf('Interviewer: In what way?');
      const change = { offset, removed: 0, inserted: 'Interviewer: A new question?\n\nND: A new answer.\n\n' };
      const next = apply(text, change);
      const u = updateStructureDetailed(before, text, change, next);
      assert.equal(u.mode, 'partial');
      assert.deepEqual(u.structure, parseStructure(next));
      assert.equal(u.structure.turns.length, before.turns.length + 2);
    });

    it('falls back to a wider or full parse for front matter, fences, comments and definitions', () => {
      const text = FIELD_NOTES;
      const s = parseStructure(text);
      const cases: [string, TextChange, 'full' | 'suffix'][] = [
        ['front matter', { offset: text.indexOf('observer'), removed: 0, inserted: 'x' }, 'full'],
        ['an opening code fence', { offset: text.indexOf('14:10.'), removed: 0, inserted: '```\n' }, 'suffix'],
        ['an opening comment', { offset: text.indexOf('14:55.'), removed: 0, inserted: '<!--\n' }, 'suffix'],
        ['a link definition', { offset: text.indexOf('16:35.'), removed: 0, inserted: '[a]: http://x\n\n' }, 'full'],
      ];
      for (const [what, change, mode] of cases) {
        const next = apply(text, change);
        const u = updateStructureDetailed(s, text, change, next);
        assert.equal(u.mode, mode, what);
        assert.deepEqual(u.structure, parseStructure(next), what);
      }
    });

    it('a structure it did not make, or a change that does not add up, means a full parse', () => {
      const text = 'Dan: hi\n\nParticipant: hello\n';
      const copy: DocumentStructure = structuredClone(parseStructure(text));
      const change = { offset: 4, removed: 0, inserted: 'x' };
      assert.equal(updateStructureDetailed(copy, text, change, apply(text, change)).mode, 'full');
      assert.equal(updateStructureDetailed(parseStructure(text), text, change, text).mode, 'full');
    });

    // Realistic transcript text, with the Markdown that makes blocks merge, split or swallow others.
    const WORD = fc.constantFrom('the', 'network', 'board', 'we', 'said', 'Kelderby', '**bold**', '`code`', '[laughs]', '10:30', 'http://x.org', 'é', '😀', 'ND:', '[00:01:02]', '<!-- c -->', '*', '_x_', '<!-- stage: membership -->');
    const WORDS = fc.array(WORD, { minLength: 1, maxLength: 10 }).map((a) => a.join(' '));
    const SPEAKER = fc.constantFrom('Interviewer', 'ND', 'P12', 'Dr Smith', 'Dan', 'Participant', 'TNC');
    const BLOCK = fc.oneof(
      { weight: 4, arbitrary: WORDS },
      { weight: 6, arbitrary: fc.tuple(SPEAKER, fc.constantFrom(0, 1, 2), WORDS).map(([s, k, w]) => (k === 0 ? `${s}: ${w}` : k === 1 ? `**${s}:** ${w}` : `**${s}**: ${w}`)) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), WORDS).map(([l, w]) => `${'#'.repeat(l)} ${w}`) },
      { weight: 2, arbitrary: fc.constantFrom('<!-- stage: leadership -->', '<!-- Stage: membership -->', '<!-- stage: nonsense -->', '<!--\nstage: relationships\n-->') },
      { weight: 1, arbitrary: fc.array(WORDS, { minLength: 1, maxLength: 3 }).map((a) => a.map((x) => `- ${x}`).join('\n')) },
      { weight: 1, arbitrary: fc.array(WORDS, { minLength: 1, maxLength: 2 }).map((a) => a.map((x, i) => `${i + 1}. ${x}`).join('\n\n')) },
      { weight: 1, arbitrary: WORDS.map((w) => `> ${w}\n> more`) },
      { weight: 1, arbitrary: WORDS.map((w) => '```\n' + w + '\n```') },
      { weight: 1, arbitrary: WORDS.map((w) => `    ${w}`) },
      { weight: 2, arbitrary: fc.constantFrom('---', '***', '| a | b |\n|---|---|\n| 1 | 2 |', '| a |\n|---|', '[OC: the room stages the relationship]', 'Title\n=====', '<div>\nhtml\n</div>',
        '- a\n\n  continued', '  - nested\n    - deeper', '1. one\n   two', '> quoted\nlazy line', '   indented paragraph', '\tDan: tabbed', '* star\n+ plus', 'Dan: a\nParticipant: b', '<!-- a comment\n\nwith a blank line -->') },
      { weight: 1, arbitrary: WORDS.map((w) => `${w}  \n${w}`) },
      // Field notes: a marker, then plain paragraphs.
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('leadership', 'membership', 'nonsense'), fc.array(WORDS, { minLength: 1, maxLength: 3 })).map(([id, ps]) => [`<!-- stage: ${id} -->`, ...ps].join('\n\n')) },
    );
    const SEPARATOR = fc.constantFrom('\n\n', '\n\n', '\n\n', '\n', '\n\n\n', '\n  \n');
    const FRONT = fc.constantFrom('', '', '---\nparticipant: P01\nstage: leadership\n---\n\n', '---\nbad: [unclosed\n---\n\n', '---\n');
    const DOC = fc.tuple(FRONT, fc.array(fc.tuple(BLOCK, SEPARATOR), { maxLength: 14 }), fc.constantFrom('', '\n')).map(([f, blocks, end]) => f + blocks.map(([b, s]) => b + s).join('').trimEnd() + end);
    const TOKEN = fc.constantFrom('\n', '\n\n', '#', '# ', '```', '`', '---', '<!--', '-->', '<!-- stage: membership -->', '**', ':', 'Dan: ', '**ND:** ', '- ', '> ', '    ', 'x', 'word ', '|', '~~~', '===', ' ', '1. ', '\t', '[a]: /u', '[a]', 'é', '😀', '<div>', '  \n');
    const INSERTED = fc.array(TOKEN, { maxLength: 4 }).map((a) => a.join(''));
    const edit = (text: string) => fc.tuple(fc.nat({ max: text.length }), fc.nat({ max: 40 }), INSERTED).map(([offset, removed, inserted]): TextChange => ({ offset, removed: Math.min(removed, text.length - offset), inserted }));

    it('property: after any edit, the result deep-equals a full parse of the new text', () => {
      const modes = { partial: 0, suffix: 0, full: 0 };
      let withPassages = 0;
      fc.assert(
        fc.property(DOC.chain((text) => fc.tuple(fc.constant(text), edit(text))), ([text, change]) => {
          const next = apply(text, change);
          const u = updateStructureDetailed(parseStructure(text), text, change, next);
          modes[u.mode]++;
          if (u.structure.passages.length > 0) withPassages++;
          assert.deepStrictEqual(u.structure, parseStructure(next));
        }),
        { numRuns: 600 },
      );
      assert.ok(withPassages > 100, `the edited texts have passages that markers open: ${withPassages} of 600`);
      // The generated texts are small and full of what forces a wider parse (`---` openers, `]:`, fences); still:
      assert.ok(modes.partial > (modes.partial + modes.suffix + modes.full) / 3, `a good share of edits re-read only part of the text: ${JSON.stringify(modes)}`);
    });

    it('property: over a sequence of edits, each built on the last update', () => {
      fc.assert(
        fc.property(DOC, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 30 }), INSERTED), { minLength: 1, maxLength: 10 }), (start, edits) => {
          let text = start;
          let s = parseStructure(text);
          for (const [at, removed, inserted] of edits) {
            const offset = Math.floor(at * text.length);
            const change = { offset, removed: Math.min(removed, text.length - offset), inserted };
            const next = apply(text, change);
            s = updateStructure(s, text, change, next);
            assert.deepStrictEqual(s, parseStructure(next));
            text = next;
          }
          assert.deepStrictEqual(s, parseStructure(text, { fullInline: true }), 'the same with every inline construct read');
        }),
        { numRuns: 200 },
      );
    });

    it('property: typing into the sample documents character by character stays equal to a full parse', () => {
      fc.assert(
        fc.property(fc.constantFrom('field-notes/governance-board-2025-03.md', 'interviews/network-director.md', 'interviews/spoke-nurse.md'), fc.double({ min: 0, max: 1, noNaN: true }), fc.array(TOKEN, { minLength: 1, maxLength: 6 }), (file, at, tokens) => {
          let text = sample(file);
          let s = parseStructure(text);
          let offset = Math.floor(at * text.length);
          for (const ch of tokens.join('')) {
            const change = { offset, removed: 0, inserted: ch };
            const next = apply(text, change);
            s = updateStructure(s, text, change, next);
            text = next;
            offset += ch.length;
          }
          assert.deepStrictEqual(s, parseStructure(text));
        }),
        { numRuns: 25 },
      );
    });

    it('counts its parses', () => {
      const before = { ...parseStats };
      const text = 'Dan: hi\n\nParticipant: hello\n\nDan: bye\n';
      const s = parseStructure(text);
      updateStructure(s, text, { offset: 12, removed: 0, inserted: 'y' }, apply(text, { offset: 12, removed: 0, inserted: 'y' }));
      assert.equal(parseStats.full - before.full, 1);
      assert.equal(parseStats.partial - before.partial, 1);
    });
  });
});
