import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import { INJECTION, INJECTION_PATH, MARKDOWN, ROOT, loadGrammar, tokenizeWith, type Rendered } from './helpers/textmate';

const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'pdpilot-interviews');

// Scopes, as the tests spell them.
const P = 'meta.paragraph.markdown';
const SPEAKER = 'entity.name.tag.speaker.qda';
const SPEAKER_COLON = 'punctuation.separator.speaker.qda';
const BOLD = 'markup.bold.qda';
const BOLD_MARK = 'punctuation.definition.bold.qda';
const TS = 'constant.numeric.timestamp.qda';
const TS_OPEN = 'punctuation.definition.timestamp.begin.qda';
const TS_CLOSE = 'punctuation.definition.timestamp.end.qda';
const MARK = 'comment.other.transcription-mark.qda';
const OBSERVER = 'comment.block.observer.qda';
const COMMENT_OPEN = 'punctuation.definition.comment.begin.qda';
const COMMENT_CLOSE = 'punctuation.definition.comment.end.qda';
const KEY_VALUE = 'punctuation.separator.key-value.qda';
const STAGE = 'comment.block.stage.qda';
const STAGE_KEYWORD = 'keyword.other.stage.qda';
const STAGE_ID = 'string.unquoted.stage.qda';

let grammar: vsctm.IGrammar;

function tokenize(source: string): Rendered[][] {
  return tokenizeWith(grammar, source);
}

/** Tokenises a single line (as the first line of a document). */
function line(text: string): Rendered[] {
  return tokenize(text)[0];
}

function qdaTokens(tokens: Rendered[]): Rendered[] {
  return tokens.filter((token) => token.slice(1).some((scope) => scope.endsWith('.qda')));
}

function speakerNames(tokens: Rendered[]): string[] {
  return tokens.filter((token) => token.includes(SPEAKER)).map((token) => token[0]);
}

function withScope(tokens: Rendered[], scope: string): string[] {
  return tokens.filter((token) => token.includes(scope)).map((token) => token[0]);
}

describe('transcript grammar (Markdown injection)', () => {
  before(async () => {
    grammar = await loadGrammar();
  });

  describe('contribution', () => {
    it('is contributed to Markdown in package.json and excludes code and comments', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
        contributes: { grammars?: { scopeName: string; path: string; injectTo?: string[] }[] };
      };
      const grammars = pkg.contributes.grammars;
      assert.ok(Array.isArray(grammars), 'contributes.grammars is an array');
      const entry = grammars.find((g) => g.scopeName === INJECTION);
      assert.ok(entry, 'the injection grammar is contributed');
      assert.deepEqual(entry.injectTo, [MARKDOWN]);
      assert.equal(path.resolve(ROOT, entry.path), INJECTION_PATH);

      const raw = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8')) as { scopeName: string; injectionSelector: string };
      assert.equal(raw.scopeName, INJECTION);
      for (const group of raw.injectionSelector.split(',')) {
        assert.match(group.trim(), /^L:text\.html\.markdown\b/);
        for (const excluded of ['-comment', '-markup.fenced_code', '-markup.inline.raw', '-markup.raw', '-meta.embedded']) {
          assert.ok(group.split(/\s+/).includes(excluded), `"${group.trim()}" excludes ${excluded}`);
        }
      }
    });

    it('names every scope *.qda under a root the default themes colour', () => {
      const raw = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8')) as { repository: object };
      const names: string[] = [];
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) {
          node.forEach(visit);
        } else if (node && typeof node === 'object') {
          for (const [key, value] of Object.entries(node)) {
            if ((key === 'name' || key === 'contentName') && typeof value === 'string') {
              names.push(...value.split(' '));
            } else {
              visit(value);
            }
          }
        }
      };
      visit(raw.repository);
      assert.ok(names.length > 10);
      // Dark+/Light+ and both high-contrast themes colour (or embolden) these roots; punctuation and
      // keyword.other inherit from their parents.
      const coloured = /^(entity\.name\.tag|constant\.numeric|comment|keyword|string|markup\.bold|punctuation)\./;
      for (const name of names) {
        assert.match(name, /\.qda$/, name);
        assert.match(name, coloured, name);
      }
    });
  });

  describe('speaker labels', () => {
    it('scopes a plain label at the start of a line, name and colon', () => {
      assert.deepEqual(line('Dan: Okay. So now you can stop sharing your screen.'), [
        ['Dan', P, SPEAKER],
        [':', P, SPEAKER_COLON],
        [' Okay. So now you can stop sharing your screen.', P],
      ]);
    });

    it('accepts ids, roles, titles and short names of up to four words', () => {
      const cases: [string, string][] = [
        ['Interviewer: So tell me.', 'Interviewer'],
        ['Participant: Okay.', 'Participant'],
        ['P12: Yes.', 'P12'],
        ['Dr Smith: We started in May.', 'Dr Smith'],
        ['Dr. Smith: Likewise.', 'Dr. Smith'],
        ['Participant 3: Hmm.', 'Participant 3'],
        ['Mary Anne de Vries: Right.', 'Mary Anne de Vries'],
        ['I: And then?', 'I'],
        ['Dan:', 'Dan'],
      ];
      for (const [text, name] of cases) {
        const tokens = line(text);
        assert.deepEqual(tokens[0], [name, P, SPEAKER], text);
        assert.deepEqual(tokens[1], [':', P, SPEAKER_COLON], text);
        assert.deepEqual(speakerNames(tokens), [name], text);
      }
    });

    it('scopes a bold label with the colon inside the bold', () => {
      assert.deepEqual(line('**P12:** I think so.'), [
        ['**', P, BOLD, BOLD_MARK],
        ['P12', P, BOLD, SPEAKER],
        [':', P, BOLD, SPEAKER_COLON],
        ['**', P, BOLD, BOLD_MARK],
        [' I think so.', P],
      ]);
    });

    it('scopes a bold label with the colon after the bold', () => {
      assert.deepEqual(line('**Interviewer**: And then?'), [
        ['**', P, BOLD, BOLD_MARK],
        ['Interviewer', P, BOLD, SPEAKER],
        ['**', P, BOLD, BOLD_MARK],
        [':', P, SPEAKER_COLON],
        [' And then?', P],
      ]);
    });

    it('finds the label after a leading timestamp', () => {
      assert.deepEqual(line('[00:12:31] Interviewer: Tell me about it.'), [
        ['[', P, TS, TS_OPEN],
        ['00:12:31', P, TS],
        [']', P, TS, TS_CLOSE],
        [' ', P],
        ['Interviewer', P, SPEAKER],
        [':', P, SPEAKER_COLON],
        [' Tell me about it.', P],
      ]);
      assert.deepEqual(speakerNames(line('(00:12:31) Dan: ok')), ['Dan']);
    });

    it('does not tag a sentence with a colon in the middle', () => {
      for (const text of [
        'So my first question is: do you use ICE plots?',
        'The reason was simple: nobody asked.',
        'And then Dan: said nothing.',
        'Participant said: okay.',
      ]) {
        assert.deepEqual(line(text), [[text, P]], text);
      }
    });

    it('does not tag times, URLs, long phrases or field-note labels', () => {
      for (const text of [
        '10:30 we met in the lobby.',
        'At 10:30 we met in the lobby.',
        'Meeting At 10:30 sharp.',
        'See http://example.com for the protocol.',
        'Https://example.com',
        'One Two Three Four Five: too long for a name.',
        'Note: the recorder was off.',
        'Date: 12 May 2024',
      ]) {
        assert.deepEqual(qdaTokens(line(text)), [], text);
      }
    });

    it('tags a label on every line of a block without blank lines', () => {
      const lines = tokenize('Dan: First.\nParticipant: Second.\nDan: Third.');
      assert.deepEqual(lines.map(speakerNames), [['Dan'], ['Participant'], ['Dan']]);
    });

    it('tags a label inside a block quote', () => {
      assert.deepEqual(line('> Dan: quoted'), [
        ['>', 'markup.quote.markdown', 'punctuation.definition.quote.begin.markdown'],
        [' ', 'markup.quote.markdown'],
        ['Dan', 'markup.quote.markdown', P, SPEAKER],
        [':', 'markup.quote.markdown', P, SPEAKER_COLON],
        [' quoted', 'markup.quote.markdown', P],
      ]);
    });
  });

  describe('timestamps', () => {
    it('scopes a bracketed timestamp with its brackets', () => {
      assert.deepEqual(line('She paused [00:12:31] here.'), [
        ['She paused ', P],
        ['[', P, TS, TS_OPEN],
        ['00:12:31', P, TS],
        [']', P, TS, TS_CLOSE],
        [' here.', P],
      ]);
    });

    it('accepts [12:31], (00:12:31) and [00:12:31.5], also at the start of a line', () => {
      for (const [text, stamp] of [
        ['Then [12:31] again.', '12:31'],
        ['Then (00:12:31) again.', '00:12:31'],
        ['Then [00:12:31.5] again.', '00:12:31.5'],
        ['[00:12:31] and nothing else', '00:12:31'],
      ]) {
        const tokens = line(text);
        assert.deepEqual(withScope(tokens, TS), [text.includes('(') ? '(' : '[', stamp, text.includes('(') ? ')' : ']'], text);
        assert.ok(tokens.every((token) => token.includes(P)), `${text}: stays in the paragraph`);
      }
    });

    it('scopes timestamps in headings', () => {
      assert.deepEqual(withScope(line('## Session 2 [00:45:00]'), TS), ['[', '00:45:00', ']']);
    });

    it('leaves a timestamp that is a Markdown link to the link', () => {
      assert.deepEqual(qdaTokens(line('Listen at [00:12:31](media.mp3) later.')), []);
    });
  });

  describe('transcription marks', () => {
    it('scopes a bracketed lower-case note', () => {
      assert.deepEqual(line('I was [laughs] surprised.'), [
        ['I was ', P],
        ['[', P, MARK, COMMENT_OPEN],
        ['laughs', P, MARK],
        [']', P, MARK, COMMENT_CLOSE],
        [' surprised.', P],
      ]);
    });

    it('accepts the usual marks', () => {
      for (const mark of [
        'inaudible',
        'crosstalk',
        'laughter',
        'pause',
        'long pause',
        'redacted',
        'sighs',
        'coughs twice',
        '...',
      ]) {
        assert.deepEqual(withScope(line(`It was [${mark}] fine.`), MARK), ['[', mark, ']'], mark);
      }
    });

    it('scopes the timestamp inside [inaudible 00:01:02]', () => {
      assert.deepEqual(line('So [inaudible 00:01:02] yes.'), [
        ['So ', P],
        ['[', P, MARK, COMMENT_OPEN],
        ['inaudible ', P, MARK],
        ['00:01:02', P, MARK, TS],
        [']', P, MARK, COMMENT_CLOSE],
        [' yes.', P],
      ]);
    });

    it('scopes [unclear: word?] with its detail', () => {
      assert.deepEqual(line('It was [unclear: ergonomic?] really.'), [
        ['It was ', P],
        ['[', P, MARK, COMMENT_OPEN],
        ['unclear', P, MARK],
        [':', P, MARK, KEY_VALUE],
        [' ergonomic?', P, MARK],
        [']', P, MARK, COMMENT_CLOSE],
        [' really.', P],
      ]);
    });

    it('leaves task boxes, links and capitalised brackets alone', () => {
      for (const text of ['Done [x] today.', 'Read [the protocol](protocol.md) first.', 'As [Smith] argued.']) {
        assert.deepEqual(qdaTokens(line(text)), [], text);
      }
    });
  });

  describe('observer comments', () => {
    it('scopes [OC: …] as a comment, balancing nested brackets', () => {
      assert.deepEqual(line('[OC: the room [Room B] went quiet] and then'), [
        ['[', P, OBSERVER, COMMENT_OPEN],
        ['OC', P, OBSERVER],
        [':', P, OBSERVER, KEY_VALUE],
        [' the room ', P, OBSERVER],
        ['[', P, OBSERVER],
        ['Room B', P, OBSERVER],
        [']', P, OBSERVER],
        [' went quiet', P, OBSERVER],
        [']', P, OBSERVER, COMMENT_CLOSE],
        [' and then', P],
      ]);
    });

    it('scopes [Observer: …] mid-line and keeps timestamps inside it', () => {
      const tokens = line('She left. [Observer: door closes at [00:03:10]] Then silence.');
      assert.deepEqual(withScope(tokens, OBSERVER), ['[', 'Observer', ':', ' door closes at ', '[', '00:03:10', ']', ']']);
      assert.deepEqual(withScope(tokens, TS), ['[', '00:03:10', ']']);
      assert.deepEqual(tokens.at(-1), [' Then silence.', P]);
    });

    it('scopes ((…)) as a comment, balancing nested parentheses', () => {
      assert.deepEqual(line('Yes ((looks away (briefly))) no.'), [
        ['Yes ', P],
        ['((', P, OBSERVER, COMMENT_OPEN],
        ['looks away ', P, OBSERVER],
        ['(', P, OBSERVER],
        ['briefly', P, OBSERVER],
        [')', P, OBSERVER],
        ['))', P, OBSERVER, COMMENT_CLOSE],
        [' no.', P],
      ]);
    });

    it('balances brackets and parentheses six deep inside a comment; deeper ones are plain text', () => {
      const six = '[OC: a [1 [2 [3 [4 [5 [6] 5] 4] 3] 2] 1] b] after';
      assert.deepEqual(line(six).at(-1), [' after', P], six);
      assert.ok(line(six).slice(0, -1).every((token) => token.includes(OBSERVER)), six);
      const sixParens = '((a (1 (2 (3 (4 (5 (6) 5) 4) 3) 2) 1) b)) after';
      assert.deepEqual(line(sixParens).at(-1), [' after', P], sixParens);
      // A seventh [ is text, so its ] closes the sixth and the last ] ends the comment early.
      const seven = '[OC: a [1 [2 [3 [4 [5 [6 [7] 6] 5] 4] 3] 2] 1] b] after';
      assert.deepEqual(withScope(line(seven), COMMENT_CLOSE), [']'], seven);
      assert.deepEqual(line(seven).at(-1), [' b] after', P], seven);
      // Unclosed runs stay inside the comment to the end of the line.
      assert.ok(line('[OC: ' + '['.repeat(50) + ' x').every((token) => token.includes(OBSERVER)));
      assert.ok(line('((x ' + '('.repeat(50) + ' x').every((token) => token.includes(OBSERVER)));
    });

    it('does not run an unclosed observer comment into the next paragraph line', () => {
      const lines = tokenize('[OC: never closed\nDan: next line');
      assert.ok(lines[0].every((token) => token.includes(OBSERVER)));
      assert.deepEqual(lines[1][0], ['Dan', P, SPEAKER]);
    });
  });

  describe('stage markers', () => {
    it('wins over the Markdown HTML comment block on its own line', () => {
      assert.deepEqual(line('<!-- stage: membership -->'), [
        ['<!--', STAGE, COMMENT_OPEN],
        [' ', STAGE],
        ['stage', STAGE, STAGE_KEYWORD],
        [':', STAGE, KEY_VALUE],
        [' ', STAGE],
        ['membership', STAGE, STAGE_ID],
        [' ', STAGE],
        ['-->', STAGE, COMMENT_CLOSE],
      ]);
    });

    it('is case-insensitive and takes any id, also indented and after other lines', () => {
      const lines = tokenize('Dan: before\n\n<!-- Stage: Early days 2 -->\n  <!-- STAGE:forming-->\nParticipant: after');
      assert.deepEqual(withScope(lines[2], STAGE_KEYWORD), ['Stage']);
      assert.deepEqual(withScope(lines[2], STAGE_ID), ['Early days 2']);
      assert.deepEqual(withScope(lines[3], STAGE_KEYWORD), ['STAGE']);
      assert.deepEqual(withScope(lines[3], STAGE_ID), ['forming']);
      assert.ok(lines[3].every((token) => token.includes(STAGE) && !token.includes('comment.block.html')));
      assert.deepEqual(speakerNames(lines[4]), ['Participant']);
    });

    it('is recognised inside a paragraph, where Markdown scopes HTML comments too', () => {
      const tokens = line('Text <!-- stage: inline --> more <!-- other --> end');
      assert.deepEqual(withScope(tokens, STAGE), ['<!--', ' ', 'stage', ':', ' ', 'inline', ' ', '-->']);
      assert.deepEqual(withScope(tokens, 'comment.block.html'), ['<!--', ' other ', '-->']);
    });

    it('leaves other HTML comments to Markdown, with nothing injected inside', () => {
      for (const text of ['<!-- P1: pdftotext of P1.pdf [00:12:31] [inaudible] -->', '<!-- stages: not a marker -->']) {
        const tokens = line(text);
        assert.deepEqual(qdaTokens(tokens), [], text);
        assert.ok(tokens.every((token) => token.includes('comment.block.html')), text);
      }
    });
  });

  describe('code and metadata', () => {
    const everything = 'Dan: [00:12:31] [inaudible] [OC: x] ((y)) <!-- stage: membership -->';

    it('injects nothing inside fenced code', () => {
      const lines = tokenize(['Before.', '', '```', everything, '**P12:** [laughs]', '```', '', 'Dan: after'].join('\n'));
      for (const index of [3, 4]) {
        assert.deepEqual(lines[index], [[index === 3 ? everything : '**P12:** [laughs]', 'markup.fenced_code.block.markdown']]);
      }
      assert.deepEqual(speakerNames(lines[7]), ['Dan'], 'highlighting resumes after the fence');
    });

    it('injects nothing inside indented code, inline code or front matter', () => {
      const lines = tokenize(['---', 'Participant: P1', 'Date: 2024-05-12', '---', '', '    ' + everything, '', 'She said `Dan: [00:12:31] [laughs]` twice.'].join('\n'));
      assert.deepEqual(qdaTokens(lines[1]), []);
      assert.ok(lines[1].every((token) => token.includes('meta.embedded.block.frontmatter')));
      assert.deepEqual(lines[5].map((token) => token[0]).join(''), '    ' + everything);
      assert.ok(lines[5].every((token) => token.length === 2 && token[1] === 'markup.raw.block.markdown'));
      assert.deepEqual(qdaTokens(lines[7]), []);
      assert.deepEqual(withScope(lines[7], 'markup.inline.raw.string.markdown'), ['`', 'Dan: [00:12:31] [laughs]', '`']);
    });
  });

  describe('real transcripts (../shared/corpus/pdpilot-interviews)', () => {
    function corpusFile(ctx: Mocha.Context, name: string): string {
      const file = path.join(CORPUS, name);
      if (!fs.existsSync(file)) {
        console.warn(`  skipped: ${file} is missing (the shared transcript corpus sits beside the project checkout)`);
        ctx.skip();
      }
      return fs.readFileSync(file, 'utf8');
    }

    it('P1.md: every Dan:/Participant: line gets the speaker scope and no other line does', function () {
      const source = corpusFile(this, 'P1.md');
      const texts = source.split('\n');
      const lines = tokenize(source);
      let speakerLines = 0;
      let otherLines = 0;
      texts.forEach((text, index) => {
        const match = /^(Dan|Participant):/.exec(text);
        if (match) {
          speakerLines++;
          assert.deepEqual(lines[index][0], [match[1], P, SPEAKER], `line ${index + 1}`);
          assert.deepEqual(lines[index][1], [':', P, SPEAKER_COLON], `line ${index + 1}`);
          assert.deepEqual(speakerNames(lines[index]), [match[1]], `line ${index + 1}: one label only`);
        } else {
          otherLines++;
          assert.deepEqual(speakerNames(lines[index]), [], `line ${index + 1}: ${text.slice(0, 40)}`);
        }
      });
      assert.equal(speakerLines, 94);
      assert.ok(otherLines > 90, 'blank lines, the header comment and the title are checked too');
      assert.ok(lines[0].every((token) => token.includes('comment.block.html')), 'the provenance comment stays a comment');
    });

    it('all seven transcripts: one speaker label per speaker line, none elsewhere', function () {
      for (let n = 1; n <= 7; n++) {
        const source = corpusFile(this, `P${n}.md`);
        const expected = source.split('\n').filter((text) => /^(Dan|Participant|Particpant):/.test(text)).length;
        const found = tokenize(source).reduce((sum, tokens) => sum + speakerNames(tokens).length, 0);
        assert.ok(expected > 50, `P${n}.md has speaker lines`);
        assert.equal(found, expected, `P${n}.md`);
      }
    });
  });
});
