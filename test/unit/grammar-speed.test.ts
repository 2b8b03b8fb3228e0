import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type * as vsctm from 'vscode-textmate';
import { INJECTION_PATH, ROOT, lineTime, loadGrammar, tokenizeWith } from './helpers/textmate';

// VS Code tokenises a line with one regex search after another and cannot interrupt a search, so a
// single pattern that backtracks on a long line freezes the editor. These tests feed the grammar
// adversarial lines and check that each is tokenised quickly and in time proportional to its length.
// The times are for the whole line through vscode-textmate + vscode-oniguruma (Markdown fixture and
// injection together), in CPU time and the best of three runs (five for the two longest lengths), so
// a loaded machine does not make them flake.

/** The injection grammar as it was before the patterns were made linear: the reference for scopes. */
const BEFORE_PATH = path.join(ROOT, 'test', 'fixtures', 'grammars', 'transcript.injection.2a9b4f7.tmLanguage.json');

const BUDGET_MS = 50;
const LENGTH = 20_000;

/** `unit` repeated to exactly `length` characters. */
function run(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Adversarial lines: a fixed head, then `unit` repeated up to the length, then a fixed tail. */
const ADVERSARIAL: { name: string; make: (length: number) => string }[] = [
  ['[word: then spaces, no ]', '[word:', ' ', ''],
  ['[ repeated', '', '[', ''],
  ['[OC: then [ repeated', '[OC: ', '[', ''],
  ['<!-- stage: a repeated', '', '<!-- stage: a ', ''],
  ['( repeated', '', '(', ''],
  ['(( repeated', '', '((', ''],
  ['((x then ( repeated', '((x ', '(', ''],
  ['** repeated', '', '**', ''],
  ['**a repeated', '', '**a', ''],
  [': repeated', '', ':', ''],
  ['[00: repeated', '', '[00:', ''],
  ['<!-- repeated', '', '<!--', ''],
  ['<!-- stage: then spaces', '<!-- stage:', ' ', ''],
  ['<!-- stage: a then spaces', '<!-- stage: a', ' ', ''],
  ['<!-- stage: then "a " repeated', '<!-- stage: ', 'a ', ''],
  ['speaker-like label, spaces, colon', 'Dan', ' ', ':'],
  ['bold speaker-like label then spaces', '**Dan', ' ', ''],
  ['field-note label then spaces', 'Note', ' ', ':'],
  ['timestamp then spaces', '[00:12:31]', ' ', 'Dan:'],
  ['timestamp-and-space repeated', '', '[00:12:31] ', ''],
  ['[inaudible then spaces', '[inaudible', ' ', ''],
  ['[unclear: a, then spaces', '[unclear: a,', ' ', ''],
  ['[unclear: then ", " repeated', '[unclear: ', ', ', ''],
  ['[unclear: then " 00:01" repeated', '[unclear:', ' 00:01', ''],
  ['[OC then spaces, no colon', '[OC', ' ', ''],
  ['[ then spaces', '[', ' ', ''],
  ['"[a " repeated', '', '[a ', ''],
  ['"[a: " repeated', '', '[a: ', ''],
  ['[OC: then [x] repeated', '[OC: ', '[x] ', ''],
  ['[OC: then [] repeated', '[OC: ', '[]', ''],
  ['((x then () repeated', '((x ', '()', ''],
  ['[OC: then [00:01:02 repeated', '[OC: ', '[00:01:02 ', ''],
  ['((x then [laughs] repeated', '((x ', '[laughs] ', ''],
  ['[laughs] repeated', '', '[laughs] ', ''],
  ['capitalised word run', 'Dan', 'a', ':'],
].map(([name, head, unit, tail]) => ({ name, make: (length: number) => head + run(unit, length - head.length - tail.length) + tail }));

/** Characters and words the grammar's patterns look for, for random lines. */
const PIECES = [
  '[', ']', '(', ')', '((', '))', '**', '*', ':', ' ', '  ', '\t', ',', '.', '...', '…', '-', "'", '’', '>',
  '<!--', '-->', 'stage', 'Stage', 'OC', 'Observer', 'Obs.', '00:12:31', '12:31', '[00:', '1', '0',
  'word', 'laughs', 'inaudible', 'unclear', 'Dan', 'Dr', 'Smith', 'Note', 'P12', 'van', 'de', 'x', 'A',
];

describe('transcript grammar: long adversarial lines', function () {
  let grammar: vsctm.IGrammar;

  before(async () => {
    grammar = await loadGrammar();
    // Compile every scanner once so the first timed line does not pay for it.
    tokenizeWith(grammar, 'Dan: [00:12:31] [laughs] [OC: x [y]] ((z (w))) **P1:** <!-- stage: a --> <!-- b -->');
  });

  for (const { name, make } of ADVERSARIAL) {
    it(`tokenises "${name}" at ${LENGTH.toLocaleString('en')} characters in under ${BUDGET_MS} ms, in linear time`, () => {
      // Grow the line, so a regression fails on a short line instead of freezing the run for hours.
      const ms = new Map<number, number>();
      for (const length of [500, 2_000, LENGTH / 2, LENGTH]) {
        const text = make(length);
        assert.equal(text.length, length);
        ms.set(length, lineTime(grammar, text, length >= LENGTH / 2 ? 5 : 3));
        assert.ok(ms.get(length)! < BUDGET_MS, `${length} characters took ${ms.get(length)!.toFixed(1)} ms`);
      }
      // Linear growth doubles the time from 10,000 to 20,000 characters, quadratic quadruples it;
      // 3x plus 2 ms of slack tells them apart without flaking on lines that take a fraction of a ms.
      const [half, full] = [ms.get(LENGTH / 2)!, ms.get(LENGTH)!];
      assert.ok(full < 3 * half + 2, `${half.toFixed(2)} ms at 10,000 characters, ${full.toFixed(2)} ms at 20,000`);
    });
  }

  it('tokenises random lines of special characters and words quickly', () => {
    // Single backticks only: a long run of them is slow in Markdown's own inline-code rule, with or
    // without this grammar.
    const piece = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PIECES, '`') },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PIECES), fc.integer({ min: 2, max: 800 })).map(([p, n]) => p.repeat(n)) },
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 40 }), (pieces) => {
        const text = pieces.join('').slice(0, 4_000);
        const ms = lineTime(grammar, text, 1);
        // Generous: a few thousand characters take a few milliseconds; backtracking took seconds.
        return ms < 250 || lineTime(grammar, text, 3) < 250;
      }),
      { numRuns: 300 },
    );
  });
});

describe('transcript grammar: pattern shapes that stay linear', () => {
  type Rule = Record<string, unknown>;
  const raw = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8')) as { repository: Record<string, Rule> };

  function rules(node: unknown, found: Rule[] = []): Rule[] {
    if (Array.isArray(node)) node.forEach((child) => rules(child, found));
    else if (node && typeof node === 'object') {
      const rule = node as Rule;
      if (['match', 'begin', 'end', 'while'].some((key) => typeof rule[key] === 'string')) found.push(rule);
      Object.values(rule).forEach((child) => rules(child, found));
    }
    return found;
  }

  it('uses \\G only at the very start of a regex, where the search is tried at one position', () => {
    // VS Code keeps \G only where the last rule began; there a regex with \G is not cached, so one
    // that may match anywhere ((?:\G|(?<!^))…) rescanned the whole line after every bold, comment…
    const regexes = rules(raw.repository).flatMap((rule) => ['match', 'begin', 'end', 'while'].map((key) => rule[key]).filter((v): v is string => typeof v === 'string'));
    assert.ok(regexes.length > 10);
    for (const regex of regexes) {
      const rest = regex.startsWith('\\G') ? regex.slice(2) : regex;
      assert.ok(!rest.includes('\\G'), regex);
    }
  });

  it('pairs every \\G twin with a (?<!^) twin that is the same rule otherwise', () => {
    const twins = rules(raw.repository).filter((rule) => ['match', 'begin'].some((key) => String(rule[key]).startsWith('\\G(?<!')));
    assert.ok(twins.length >= 4);
    const all = rules(raw.repository);
    for (const twin of twins) {
      const key = typeof twin.match === 'string' ? 'match' : 'begin';
      const body = String(twin[key]).slice(2);
      const other = all.find((rule) => rule[key] === `(?<!^)${body}`);
      assert.ok(other, `no (?<!^) twin for ${String(twin[key]).slice(0, 40)}`);
      const strip = ({ comment: _c, [key]: _r, ...rest }: Rule) => rest;
      assert.deepEqual(strip(other), strip(twin));
    }
  });
});

describe('transcript grammar: scopes unchanged by the linear patterns', () => {
  let grammar: vsctm.IGrammar;
  let previous: vsctm.IGrammar;

  before(async () => {
    grammar = await loadGrammar();
    previous = await loadGrammar(BEFORE_PATH);
  });

  const WELL_FORMED = fc.constantFrom(
    'Dan:', 'Participant:', 'P12:', 'Dr Smith:', 'Mary Anne de Vries:', '**P12:**', '**Interviewer**:', 'Note:',
    '[00:12:31]', '(00:12:31)', '[12:31]', '[00:12:31.5]', '[00:12:31](media.mp3)',
    '[laughs]', '[inaudible]', '[long pause]', '[inaudible 00:01:02]', '[inaudible, 00:01:02]', '[unclear: ergonomic?]',
    '[unclear: a, 00:01:02]', '[unclear: 00:01:02]', '[unclear:  word  ]', '[...]', '[x]', '[Smith]', '[the protocol](protocol.md)',
    '[OC: the room went quiet]', '[OC: the room [Room B] went quiet]', '[Observer: door closes at [00:03:10]]', '[obs. note: x]',
    '((looks away))', '((looks away (briefly)))', '<!-- stage: membership -->', '<!-- Stage: Early days 2 -->', '<!-- STAGE:forming-->',
    '<!-- stage: a--->', '<!-- other -->', '`Dan: [laughs]`', 'plain', 'words here.', 'So', 'we', 'said', 'at 10:30', 'http://x.org',
  );
  const LINE = fc.array(WELL_FORMED, { minLength: 1, maxLength: 8 }).chain((parts) =>
    fc.array(fc.constantFrom(' ', '  ', ''), { minLength: parts.length, maxLength: parts.length }).map((gaps) =>
      parts.map((part, index) => part + gaps[index]).join('').trimEnd(),
    ),
  );

  it('gives well-formed transcript lines the same tokens and scopes as before', () => {
    fc.assert(
      fc.property(fc.array(LINE, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\n\n', '\n> '), (lines, join) => {
        const source = lines.join(join);
        assert.deepEqual(tokenizeWith(grammar, source), tokenizeWith(previous, source));
      }),
      { numRuns: 500 },
    );
  });

  it('gives short random lines of special characters the same tokens and scopes as before', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 24 }), (pieces) => {
        const text = pieces.join('');
        assert.deepEqual(tokenizeWith(grammar, text), tokenizeWith(previous, text));
      }),
      { numRuns: 2_000 },
    );
  });
});
