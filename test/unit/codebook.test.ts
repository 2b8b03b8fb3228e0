import assert from 'node:assert/strict';
import { CodebookIndex, parseCodebook, serializeCodebook, slugify } from '../../src/core/codebook/codebook';
import { emptyCodebook, TEMPLATES } from '../../src/core/codebook/templates';
import { networkOrchestrationTemplate as template } from '../../src/core/codebook/templates/networkOrchestration';
import { CODEBOOK_VERSION, type Codebook } from '../../src/core/model/codebook';
import type { Problem } from '../../src/core/problems';

const FILE = 'codebook.json';

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `the fixture contains ${needle}`);
  return text.slice(0, i).split('\n').length;
}

/** The one problem whose message matches, failing clearly when there is none or several. */
function problemMatching(problems: Problem[], re: RegExp): Problem {
  const found = problems.filter((p) => re.test(p.message));
  assert.equal(found.length, 1, `one problem matches ${re}; got ${JSON.stringify(problems, null, 2)}`);
  return found[0];
}

/** A small codebook written by hand, one property per line, so lines are easy to predict. */
function codebookText(codes: string[], stages: string[] = [], extra = ''): string {
  return [
    '{',
    '  "version": 1,',
    `  "name": "Test codebook",${extra}`,
    '  "stages": [',
    stages.map((s) => `    ${s}`).join(',\n'),
    '  ],',
    '  "codes": [',
    codes.map((c) => `    ${c}`).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

describe('codebook: parseCodebook', () => {
  describe('the built-in template', () => {
    const text = serializeCodebook(template);

    it('parses without problems and is writable', () => {
      const load = parseCodebook(text, FILE);
      assert.deepEqual(load.problems, []);
      assert.equal(load.readOnly, false);
      assert.ok(load.codebook);
      assert.equal(load.codebook.codes.length, template.codes.length);
      assert.equal(load.codebook.stages.length, template.stages.length);
    });

    it('serialises deterministically: parse then serialise gives identical bytes', () => {
      const load = parseCodebook(text, FILE);
      assert.ok(load.codebook);
      const again = serializeCodebook(load.codebook);
      assert.equal(again, text);
      assert.equal(serializeCodebook(parseCodebook(again, FILE).codebook!), text);
      assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'), 'one final newline');
      assert.match(text, /^\{\n {2}"version": 1,\n {2}"name": /, 'two-space indent, version first');
    });

    it('writes keys in a fixed order whatever order they were given in', () => {
      const shuffled = JSON.parse(JSON.stringify(template)) as Codebook;
      const reversed = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).reverse());
      const scrambled = reversed({
        ...shuffled,
        stages: shuffled.stages.map(reversed),
        codes: shuffled.codes.map(reversed),
      }) as unknown as Codebook;
      assert.notEqual(Object.keys(scrambled)[0], 'version', 'the fixture really is scrambled');
      assert.equal(serializeCodebook(scrambled), text);
    });

    it('drops unset optional fields and fills in the version', () => {
      const cb = { stages: [], codes: [{ id: 'a', name: 'A', colour: undefined }] } as unknown as Codebook;
      const out = serializeCodebook(cb);
      assert.equal(JSON.parse(out).version, CODEBOOK_VERSION);
      assert.doesNotMatch(out, /colour/);
    });

    it('every template and the empty codebook load cleanly', () => {
      for (const [name, t] of Object.entries(TEMPLATES)) {
        assert.deepEqual(parseCodebook(serializeCodebook(t.codebook), FILE).problems, [], name);
      }
      const empty = parseCodebook(serializeCodebook(emptyCodebook()), FILE);
      assert.deepEqual(empty.problems, []);
      assert.equal(empty.readOnly, false);
    });

    it('accepts a byte order mark', () => {
      const load = parseCodebook('\ufeff' + text, FILE);
      assert.deepEqual(load.problems, []);
      assert.equal(load.readOnly, false);
    });
  });

  describe('a file that is not JSON', () => {
    it('says it is not valid JSON, on the line of the mistake', () => {
      const text = codebookText(['{ "id": "a", "name": "A" }', '{ "id": "b" "name": "B" }']);
      const load = parseCodebook(text, FILE);
      assert.equal(load.codebook, undefined);
      assert.equal(load.readOnly, true);
      assert.equal(load.problems.length, 1);
      const [p] = load.problems;
      assert.equal(p.file, FILE);
      assert.equal(p.severity, 'error');
      assert.match(p.message, /not valid JSON/);
      assert.match(p.message, /comma was expected/);
      assert.equal(p.line, lineOf(text, '"id": "b"'));
    });

    it('counts lines correctly after a byte order mark and with CRLF line ends', () => {
      const text = '\ufeff{\r\n  "version": 1,\r\n  "stages": [],\r\n  "codes": [}\r\n}\r\n';
      const [p] = parseCodebook(text, FILE).problems;
      assert.match(p.message, /not valid JSON/);
      assert.equal(p.line, 4);
    });

    it('reports an unfinished file', () => {
      const load = parseCodebook('{\n  "version": 1,\n  "stages": [\n', FILE);
      assert.equal(load.readOnly, true);
      assert.equal(load.problems.length, 1);
      assert.match(load.problems[0].message, /not valid JSON/);
      assert.ok(load.problems[0].line !== undefined && load.problems[0].line >= 3, `line ${load.problems[0].line}`);
    });

    it('an empty file is not valid JSON either', () => {
      const load = parseCodebook('', FILE);
      assert.equal(load.readOnly, true);
      assert.match(load.problems[0].message, /not valid JSON/);
    });
  });

  describe('git conflict markers', () => {
    const text = [
      '{',
      '  "version": 1,',
      '  "stages": [],',
      '  "codes": [',
      '<<<<<<< HEAD',
      '    { "id": "a", "name": "Ours" }',
      '=======',
      '    { "id": "a", "name": "Theirs" }',
      '>>>>>>> feature',
      '  ]',
      '}',
      '',
    ].join('\n');

    it('says the file has a merge conflict, at the line of <<<<<<<', () => {
      const load = parseCodebook(text, FILE);
      assert.equal(load.codebook, undefined);
      assert.equal(load.readOnly, true);
      assert.equal(load.problems.length, 1);
      const [p] = load.problems;
      assert.match(p.message, /conflict/i);
      assert.equal(p.line, 5);
      assert.equal(p.severity, 'error');
    });

    it('finds the markers with CRLF line ends too', () => {
      const [p] = parseCodebook(text.replace(/\n/g, '\r\n'), FILE).problems;
      assert.match(p.message, /conflict/i);
      assert.equal(p.line, 5);
    });

    it('does not mistake seven equals signs inside a string for a marker', () => {
      const ok = codebookText(['{ "id": "a", "name": "A", "definition": "x ======= y <<<<<<< z" }']);
      assert.deepEqual(parseCodebook(ok, FILE).problems, []);
    });
  });

  describe('schema failures', () => {
    it('reports a code without a name on the line of that code', () => {
      const text = codebookText(['{ "id": "a", "name": "A" }', '{ "id": "nameless" }']);
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      assert.equal(load.codebook, undefined);
      const p = problemMatching(load.problems, /missing "name"/);
      assert.match(p.message, /Code 2/);
      assert.match(p.message, /nameless/);
      assert.equal(p.line, lineOf(text, '"nameless"'));
    });

    it('reports a malformed colour on its line', () => {
      const text = codebookText(['{ "id": "a", "name": "A" }', '{ "id": "b", "name": "Bee", "colour": "red" }'], ['{ "id": "s", "name": "S", "colour": "#12345" }']);
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      const code = problemMatching(load.problems, /^Code 2 "Bee" \(colour\)/);
      assert.equal(code.line, lineOf(text, '"red"'));
      assert.equal(code.column, text.split('\n')[code.line! - 1].indexOf('"red"') + 1);
      const stage = problemMatching(load.problems, /^Stage 1 "S" \(colour\)/);
      assert.equal(stage.line, lineOf(text, '"#12345"'));
    });

    it('reports an unknown property on the line where it is written', () => {
      const text = [
        '{',
        '  "version": 1,',
        '  "stages": [],',
        '  "codes": [',
        '    {',
        '      "id": "a",',
        '      "name": "A",',
        '      "definition": "Something.",',
        '      "color": "#ff0000"',
        '    }',
        '  ],',
        '  "notes": "typo for description"',
        '}',
        '',
      ].join('\n');
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      const inCode = problemMatching(load.problems, /unknown property "color"/);
      assert.match(inCode.message, /^Code 1 "A"/);
      assert.equal(inCode.line, 9);
      const atTop = problemMatching(load.problems, /unknown property "notes"/);
      assert.match(atTop.message, /^The codebook/);
      assert.equal(atTop.line, 12);
    });

    it('reports a missing top-level list', () => {
      const load = parseCodebook('{\n  "version": 1,\n  "codes": []\n}\n', FILE);
      const p = problemMatching(load.problems, /missing "stages"/);
      assert.equal(p.line, 1);
    });

    it('reports every problem at once, each with a line', () => {
      const text = codebookText(['{ "id": "bad id", "name": "A" }', '{ "id": "b", "name": "" }', '{ "id": "c", "name": "C", "colour": "#GGGGGG" }']);
      const load = parseCodebook(text, FILE);
      assert.ok(load.problems.length >= 3, JSON.stringify(load.problems));
      for (const p of load.problems) {
        assert.equal(p.file, FILE);
        assert.equal(p.severity, 'error');
        assert.equal(typeof p.line, 'number');
      }
      assert.equal(problemMatching(load.problems, /^Code 1 "A" \(id\)/).line, lineOf(text, '"bad id"'));
      assert.equal(problemMatching(load.problems, /^Code 3 "C" \(colour\)/).line, lineOf(text, '#GGGGGG'));
    });
  });

  describe('checks beyond the schema', () => {
    it('finds a repeated code id and a repeated stage id, on their lines', () => {
      const text = codebookText(
        ['{ "id": "a", "name": "First" }', '{ "id": "b", "name": "Other" }', '{ "id": "a", "name": "Second" }'],
        ['{ "id": "s", "name": "Stage one" }', '{ "id": "s", "name": "Stage two" }'],
      );
      const load = parseCodebook(text, FILE);
      assert.ok(load.codebook, 'the codebook is still read');
      assert.equal(load.readOnly, true);
      assert.equal(load.problems.length, 2, JSON.stringify(load.problems));
      const code = problemMatching(load.problems, /Code "Second" repeats the id "a"/);
      assert.equal(code.line, lineOf(text, '"Second"'));
      const stage = problemMatching(load.problems, /Stage "Stage two" repeats the id "s"/);
      assert.equal(stage.line, lineOf(text, '"Stage two"'));
    });

    it('finds a parent that is not in the codebook', () => {
      const text = codebookText(['{ "id": "a", "name": "A" }', '{ "id": "b", "name": "B", "parent": "ghost" }']);
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      assert.equal(load.problems.length, 1);
      const p = problemMatching(load.problems, /parent "ghost" that is not in the codebook/);
      assert.equal(p.line, lineOf(text, '"ghost"'));
    });

    it('finds a stage that is not in the codebook', () => {
      const text = codebookText(['{ "id": "a", "name": "A", "stage": "nowhere" }'], ['{ "id": "s", "name": "S" }']);
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      const p = problemMatching(load.problems, /stage "nowhere" that is not in the codebook/);
      assert.equal(p.line, lineOf(text, '"nowhere"'));
    });

    it('finds a loop of parents, naming each code in it but not the code hanging below it', () => {
      const text = codebookText([
        '{ "id": "a", "name": "Alpha", "parent": "c" }',
        '{ "id": "b", "name": "Beta", "parent": "a" }',
        '{ "id": "c", "name": "Gamma", "parent": "b" }',
        '{ "id": "d", "name": "Delta", "parent": "a" }',
        '{ "id": "e", "name": "Self", "parent": "e" }',
      ]);
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      const loops = load.problems.filter((p) => /own ancestor/.test(p.message));
      assert.deepEqual(
        loops.map((p) => /Code "(\w+)"/.exec(p.message)?.[1]),
        ['Alpha', 'Beta', 'Gamma', 'Self'],
      );
      assert.equal(loops[0].line, lineOf(text, '"Alpha"'));
      assert.equal(loops[3].line, lineOf(text, '"Self"'));
    });

    it('a loop does not hang the index', () => {
      const cb: Codebook = { version: 1, stages: [], codes: [{ id: 'a', name: 'A', parent: 'b' }, { id: 'b', name: 'B', parent: 'a' }] };
      const index = new CodebookIndex(cb);
      assert.equal(index.colourOf('a'), '#808080');
      assert.equal(index.stageOf('a'), undefined);
      assert.ok(index.pathOf('a').length > 0);
    });
  });

  describe('a codebook from a newer version', () => {
    it('is read-only with a plain message and no schema noise', () => {
      const text = JSON.stringify({ version: CODEBOOK_VERSION + 1, stages: [], codes: [], futureField: { x: 1 } }, null, 2);
      const load = parseCodebook(text, FILE);
      assert.equal(load.readOnly, true);
      assert.equal(load.codebook, undefined);
      assert.equal(load.problems.length, 1);
      const [p] = load.problems;
      assert.match(p.message, /newer version of Orchestration QDA/);
      assert.match(p.message, /Update/);
      assert.match(p.message, new RegExp(`format ${CODEBOOK_VERSION + 1}`));
      assert.doesNotMatch(p.message, /unknown property|must match|\//);
    });

    it('the current version is not mistaken for a newer one', () => {
      const load = parseCodebook(codebookText(['{ "id": "a", "name": "A" }']), FILE);
      assert.equal(load.readOnly, false);
      assert.deepEqual(load.problems, []);
    });
  });
});

describe('codebook: CodebookIndex', () => {
  const cb: Codebook = {
    version: 1,
    stages: [
      { id: 'lead', name: 'Leadership', colour: '#4f46e5' },
      { id: 'plain', name: 'Plain stage' },
    ],
    codes: [
      { id: 'root', name: 'Root', colour: '#112233', stage: 'lead' },
      { id: 'child', name: 'Child', parent: 'root' },
      { id: 'grandchild', name: 'Grandchild', parent: 'child' },
      { id: 'own', name: 'Own colour', parent: 'root', colour: '#aabbcc' },
      { id: 'staged', name: 'Staged', stage: 'lead' },
      { id: 'under-staged', name: 'Under staged', parent: 'staged' },
      { id: 'restaged', name: 'Restaged', parent: 'staged', stage: 'plain' },
      { id: 'bare', name: 'Bare' },
    ],
  };
  const index = new CodebookIndex(cb);

  it('knows which codes exist', () => {
    assert.equal(index.has('child'), true);
    assert.equal(index.has('nope'), false);
  });

  it('colourOf: the code’s own colour first', () => {
    assert.equal(index.colourOf('root'), '#112233');
    assert.equal(index.colourOf('own'), '#aabbcc');
  });

  it('colourOf: else the nearest ancestor’s colour', () => {
    assert.equal(index.colourOf('child'), '#112233');
    assert.equal(index.colourOf('grandchild'), '#112233');
  });

  it('colourOf: else the stage’s colour, inherited too', () => {
    assert.equal(index.colourOf('staged'), '#4f46e5');
    assert.equal(index.colourOf('under-staged'), '#4f46e5');
  });

  it('colourOf: else grey, also for a stage without colour and an unknown code', () => {
    assert.equal(index.colourOf('bare'), '#808080');
    assert.equal(index.colourOf('restaged'), '#808080');
    assert.equal(index.colourOf('missing'), '#808080');
  });

  it('stageOf: own stage, else the nearest ancestor’s', () => {
    assert.equal(index.stageOf('root')?.id, 'lead');
    assert.equal(index.stageOf('grandchild')?.id, 'lead');
    assert.equal(index.stageOf('under-staged')?.id, 'lead');
    assert.equal(index.stageOf('restaged')?.id, 'plain');
    assert.equal(index.stageOf('bare'), undefined);
    assert.equal(index.stageOf('missing'), undefined);
  });

  it('pathOf: names from the root', () => {
    assert.equal(index.pathOf('grandchild'), 'Root > Child > Grandchild');
    assert.equal(index.pathOf('root'), 'Root');
    assert.equal(index.pathOf('missing'), '');
  });

  it('children: in codebook order; top-level codes without an argument', () => {
    assert.deepEqual(index.children('root').map((c) => c.id), ['child', 'own']);
    assert.deepEqual(index.children('staged').map((c) => c.id), ['under-staged', 'restaged']);
    assert.deepEqual(index.children().map((c) => c.id), ['root', 'staged', 'bare']);
    assert.deepEqual(index.children('grandchild'), []);
    assert.deepEqual(index.children('missing'), []);
  });

  it('works on the template: every code has a #rrggbb colour and a path', () => {
    const t = new CodebookIndex(template);
    for (const c of template.codes) {
      assert.match(t.colourOf(c.id), /^#[0-9a-f]{6}$/i);
      assert.ok(t.pathOf(c.id).endsWith(c.name));
    }
    assert.equal(t.pathOf('brokering-relations'), 'Orchestration tasks > Brokering relations');
  });
});

describe('codebook: slugify', () => {
  const none = new Set<string>();

  it('turns a name into kebab case', () => {
    assert.equal(slugify('Brokering relations', none), 'brokering-relations');
    assert.equal(slugify('  Shaping   Boundaries  ', none), 'shaping-boundaries');
  });

  it('drops accents', () => {
    assert.equal(slugify('Café Élan', none), 'cafe-elan');
    assert.equal(slugify('Übergänge', none), 'ubergange');
    assert.equal(slugify('Ñandú', none), 'nandu');
  });

  it('turns punctuation into single dashes, never leading or trailing', () => {
    assert.equal(slugify('Trust & friction (informal)!', none), 'trust-friction-informal');
    assert.equal(slugify('--- "Quoted" ---', none), 'quoted');
    assert.equal(slugify('Re: agenda / minutes, v2.0', none), 're-agenda-minutes-v2-0');
  });

  it('falls back to "code" when nothing readable is left', () => {
    assert.equal(slugify('!!!', none), 'code');
    assert.equal(slugify('', none), 'code');
    assert.equal(slugify('信任', none), 'code');
  });

  it('adds a number until the id is unique', () => {
    assert.equal(slugify('Trust', new Set(['trust'])), 'trust-2');
    assert.equal(slugify('Trust', new Set(['trust', 'trust-2', 'trust-3'])), 'trust-4');
    assert.equal(slugify('', new Set(['code'])), 'code-2');
  });

  it('keeps ids short, without a dash left dangling at the cut', () => {
    const long = slugify('word '.repeat(30), none);
    assert.ok(long.length <= 48, long);
    assert.doesNotMatch(long, /-$/);
    const cutAtDash = slugify('a'.repeat(47) + ' b', none);
    assert.equal(cutAtDash, 'a'.repeat(47));
    assert.equal(slugify('a'.repeat(47) + ' b', new Set([cutAtDash])), 'a'.repeat(47) + '-2');
  });

  it('always yields a valid codebook id', () => {
    const pattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
    for (const name of ['Brokering relations', 'Café', '!!!', '  x  ', 'a'.repeat(47) + '-b', '信任', '2024 — review']) {
      assert.match(slugify(name, none), pattern, name);
    }
  });
});
