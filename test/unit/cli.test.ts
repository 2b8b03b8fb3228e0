import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { createAnnotation } from '../../src/core/annotations';
import { openDocument, sidecarText, type Stats } from '../../src/core/project';
import { parseCodebook } from '../../src/core/codebook/codebook';
import { TEMPLATES } from '../../src/core/codebook/templates';

const ROOT = path.resolve(__dirname, '../..');
/** A fictional interview of the project's own (test/fixtures/cli), so these tests need nothing from outside the repository. */
const INTERVIEW_SOURCE = path.join(ROOT, 'test/fixtures/cli/interview.md');
const CLI = path.join(ROOT, 'dist/cli.js');

/** A small document with a BOM, CRLF line ends and emoji (each one code point, two UTF-16 units). */
const NOTES_RAW = '\ufeff# Notes 😀 from the 🏥 visit\r\n\r\nThe nurse said: we trust the hub now.\r\nThe consultant said: the hub slows us down.\r\n';
const NOTES = NOTES_RAW.slice(1).replace(/\r\n/g, '\n');

/** Code-point offset of the only occurrence of `s` in the normalised notes. */
function cpIndex(text: string, s: string): number {
  const i = text.indexOf(s);
  assert.ok(i >= 0 && text.indexOf(s, i + 1) === -1, `"${s}" occurs once`);
  return Array.from(text.slice(0, i)).length;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let ws: string;

/** Runs `qda` in-process against the temporary workspace. */
async function qda(...args: string[]): Promise<Run> {
  const log: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--workspace', ws], { log: (s) => log.push(s), err: (s) => err.push(s) });
  return { code, stdout: log.join('\n'), stderr: err.join('\n') };
}

const file = (rel: string): string => path.join(ws, rel);
const read = (rel: string): Promise<string> => fs.readFile(file(rel), 'utf8');
const exists = (rel: string): boolean => existsSync(file(rel));

interface Item {
  id: string;
  body?: { source?: string }[];
  target: { selector: { type: string; start?: number; end?: number; exact?: string }[] };
}
async function items(doc: string): Promise<Item[]> {
  return (JSON.parse(await read(`${doc}.annotations.json`)) as { items: Item[] }).items;
}
const quoteOf = (i: Item): string | undefined => i.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact;
const positionOf = (i: Item) => i.target.selector.find((s) => s.type === 'TextPositionSelector');

const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('qda command-line tool', function () {
  beforeEach(async () => {
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-cli-'));
    await fs.copyFile(INTERVIEW_SOURCE, file('P1.md'));
    await fs.writeFile(file('notes.md'), NOTES_RAW, 'utf8');
  });

  afterEach(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  const init = async () => {
    const r = await qda('init', '--template', 'network-orchestration');
    assert.equal(r.code, 0, r.stderr);
  };

  describe('init', () => {
    it('writes the template codebook, which reads back without problems', async () => {
      const r = await qda('init', '--template', 'network-orchestration');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Wrote codebook\.json from the "Network orchestration" template/);
      const load = parseCodebook(await read('codebook.json'), 'codebook.json');
      assert.deepEqual(load.problems, []);
      assert.deepEqual(load.codebook?.codes.map((c) => c.id), TEMPLATES['network-orchestration'].codebook.codes.map((c) => c.id));
    });

    it('writes an empty codebook without a template', async () => {
      const r = await qda('init');
      assert.equal(r.code, 0, r.stderr);
      const load = parseCodebook(await read('codebook.json'), 'codebook.json');
      assert.deepEqual(load.problems, []);
      assert.deepEqual(load.codebook?.codes, []);
      assert.deepEqual(load.codebook?.stages, []);
    });

    it('refuses to overwrite without --force, and replaces with it', async () => {
      await init();
      const before = await read('codebook.json');
      const r = await qda('init');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /already exists/);
      assert.match(r.stderr, /--force/);
      assert.equal(await read('codebook.json'), before);
      const forced = await qda('init', '--force');
      assert.equal(forced.code, 0, forced.stderr);
      assert.notEqual(await read('codebook.json'), before);
      assert.deepEqual(parseCodebook(await read('codebook.json'), 'codebook.json').codebook?.codes, []);
    });

    it('writes where --codebook says', async () => {
      const r = await qda('init', '--codebook', 'meta/book.json');
      assert.equal(r.code, 0, r.stderr);
      assert.ok(exists('meta/book.json'));
      assert.ok(!exists('codebook.json'));
    });

    it('an unknown template is a usage error and writes nothing', async () => {
      const r = await qda('init', '--template', 'nope');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Unknown template "nope"/);
      assert.match(r.stderr, /network-orchestration/);
      assert.ok(!exists('codebook.json'));
    });
  });

  describe('add', () => {
    beforeEach(init);

    it('codes a passage by code-point positions, counted after the emoji and BOM, with LF line ends', async () => {
      const quote = 'the hub slows us down';
      const start = cpIndex(NOTES, quote);
      // Two emoji before the quote: two fewer code points than UTF-16 units.
      assert.equal(start, NOTES.indexOf(quote) - 2);
      const r = await qda('add', file('notes.md'), '--code', 'brokering-relations', '--start', String(start), '--end', String(start + quote.length), '--coder', 'Tester');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.trim(), UUID);
      const [item] = await items('notes.md');
      assert.equal(item.id, r.stdout.trim());
      assert.equal(quoteOf(item), quote);
      assert.deepEqual(positionOf(item), { type: 'TextPositionSelector', start, end: start + quote.length });
      assert.deepEqual(item.body?.map((b) => b.source), ['urn:qda:code:brokering-relations']);
      // The document itself is never touched.
      assert.equal(await read('notes.md'), NOTES_RAW);
    });

    it('codes a passage by --quote, with the right code-point positions after the emoji', async () => {
      const quote = 'we trust the hub';
      const r = await qda('add', file('notes.md'), '--code', 'relational-leadership', '--code', 'forging-shared-values', '--quote', quote, '--memo', 'A *memo*', '--coder', 'Tester');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout.trim(), UUID);
      const [item] = await items('notes.md');
      assert.equal(quoteOf(item), quote);
      const start = cpIndex(NOTES, quote);
      assert.deepEqual(positionOf(item), { type: 'TextPositionSelector', start, end: start + quote.length });
      assert.deepEqual(item.body?.map((b) => b.source), ['urn:qda:code:relational-leadership', 'urn:qda:code:forging-shared-values', undefined]);
      assert.match(await read('notes.md.annotations.json'), /"value": "A \*memo\*"/);
      assert.match(await read('notes.md.annotations.json'), /"name": "Tester"/);
    });

    it('codes a quote in an interview transcript, and adds to the existing sidecar', async () => {
      const p1 = await read('P1.md');
      const first = await qda('add', file('P1.md'), '--code', 'brokering-relations', '--quote', 'we tend to use the regional audit figures', '--coder', 'Tester');
      assert.equal(first.code, 0, first.stderr);
      const second = await qda('add', file('P1.md'), '--code', 'coordinating-activities', '--quote', 'So sorting by severity or by distance', '--coder', 'Tester');
      assert.equal(second.code, 0, second.stderr);
      assert.notEqual(first.stdout, second.stdout);
      const list = await items('P1.md');
      assert.deepEqual(list.map((i) => i.id), [first.stdout.trim(), second.stdout.trim()]);
      assert.deepEqual(list.map(quoteOf), ['we tend to use the regional audit figures', 'So sorting by severity or by distance']);
      const norm = p1.replace(/\r\n/g, '\n');
      assert.equal(positionOf(list[0])?.start, cpIndex(norm, 'we tend to use the regional audit figures'));
    });

    it('an unknown code is a data error and leaves the sidecar unchanged', async () => {
      assert.equal((await qda('add', file('notes.md'), '--code', 'brokering-relations', '--quote', 'we trust', '--coder', 'T')).code, 0);
      const before = await read('notes.md.annotations.json');
      const r = await qda('add', file('notes.md'), '--code', 'brokering-relations', '--code', 'no-such-code', '--quote', 'the hub slows', '--coder', 'T');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Not in the codebook: no-such-code/);
      assert.equal(r.stdout, '');
      assert.equal(await read('notes.md.annotations.json'), before);
      // Without a sidecar, none is created.
      const none = await qda('add', file('P1.md'), '--code', 'nope', '--quote', 'we tend to use the regional audit figures');
      assert.equal(none.code, 1);
      assert.ok(!exists('P1.md.annotations.json'));
    });

    it('an ambiguous or absent quote is a data error', async () => {
      const r = await qda('add', file('P1.md'), '--code', 'brokering-relations', '--quote', 'Okay.', '--coder', 'T');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /occurs \d+ times/);
      const absent = await qda('add', file('P1.md'), '--code', 'brokering-relations', '--quote', 'not in this interview at all', '--coder', 'T');
      assert.equal(absent.code, 1);
      assert.match(absent.stderr, /does not occur/);
      assert.ok(!exists('P1.md.annotations.json'));
    });

    it('positions outside the document are a data error', async () => {
      const r = await qda('add', file('notes.md'), '--code', 'brokering-relations', '--start', '5', '--end', '100000', '--coder', 'T');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not inside the document/);
      const empty = await qda('add', file('notes.md'), '--code', 'brokering-relations', '--start', '5', '--end', '5', '--coder', 'T');
      assert.equal(empty.code, 1);
      assert.ok(!exists('notes.md.annotations.json'));
    });

    it('a missing document or codebook is a data error', async () => {
      const r = await qda('add', file('missing.md'), '--code', 'brokering-relations', '--quote', 'x', '--coder', 'T');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /does not exist/);
      await fs.rm(file('codebook.json'));
      const noBook = await qda('add', file('notes.md'), '--code', 'brokering-relations', '--quote', 'we trust', '--coder', 'T');
      assert.equal(noBook.code, 1);
      assert.match(noBook.stderr, /no codebook/);
    });

    const usage: [string, string[], RegExp][] = [
      ['a missing --code', ['--quote', 'we trust'], /at least one --code/],
      ['--start without --end', ['--code', 'brokering-relations', '--start', '3'], /--start and --end go together/],
      ['a non-numeric --start', ['--code', 'brokering-relations', '--start', 'three', '--end', '9'], /--start must be a whole number/],
      ['a negative --start', ['--code', 'brokering-relations', '--start=-1', '--end', '9'], /--start must be a whole number/],
      ['both positions and a quote', ['--code', 'brokering-relations', '--start', '1', '--end', '9', '--quote', 'we'], /either --start and --end, or --quote/],
      ['neither positions nor a quote', ['--code', 'brokering-relations'], /either --start and --end, or --quote/],
      ['an unknown option', ['--code', 'brokering-relations', '--quote', 'we trust', '--colour', 'red'], /colour/],
    ];
    for (const [what, args, message] of usage) {
      it(`${what} is a usage error (exit 2) and writes nothing`, async () => {
        const r = await qda('add', file('notes.md'), ...args, '--coder', 'T');
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /Usage: qda/);
        assert.ok(!exists('notes.md.annotations.json'));
      });
    }

    it('no document, or two, is a usage error', async () => {
      assert.equal((await qda('add', '--code', 'brokering-relations', '--quote', 'we trust')).code, 2);
      assert.equal((await qda('add', file('notes.md'), file('P1.md'), '--code', 'brokering-relations', '--quote', 'we trust')).code, 2);
    });
  });

  describe('usage', () => {
    it('an unknown command exits 2 with the usage', async () => {
      const r = await qda('frobnicate');
      assert.equal(r.code, 2);
      assert.match(r.stderr, /Unknown command "frobnicate"/);
      assert.match(r.stderr, /Usage: qda/);
    });

    it('--help exits 0; no command at all exits 2', async () => {
      const out: string[] = [];
      const sink = { log: (s: string) => out.push(s), err: (s: string) => out.push(s) };
      assert.equal(await main(['--help'], sink), 0);
      assert.match(out.join('\n'), /Usage: qda <command>/);
      assert.equal(await main([], sink), 2);
      assert.equal(await main(['add', '--help'], sink), 0);
    });
  });

  describe('anchor', () => {
    const Q_FUZZY = 'In our first year of meetings, we tend to use the regional audit figures';
    const Q_ORPHAN = 'We typically fax the bed states to every spoke hospital before the weekly huddle';
    const Q_MOVED = 'So sorting by severity or by distance';
    const Q_SAME = 'Thank you for taking the time to talk to us today';
    const ids: Record<string, string> = {};

    interface AnchorJson {
      id: string;
      status: string;
      start: number | null;
      end: number | null;
      reason?: string;
    }
    async function anchorJson(): Promise<Map<string, AnchorJson>> {
      const r = await qda('anchor', file('P1.md'), '--json');
      assert.equal(r.code, 0, r.stderr);
      const list = JSON.parse(r.stdout) as AnchorJson[];
      return new Map(list.map((a) => [a.id, a]));
    }

    beforeEach(async () => {
      await init();
      for (const [q, c] of [[Q_FUZZY, 'brokering-relations'], [Q_ORPHAN, 'shaping-boundaries'], [Q_MOVED, 'coordinating-activities'], [Q_SAME, 'forging-shared-values']]) {
        const r = await qda('add', file('P1.md'), '--code', c, '--quote', q, '--coder', 'Tester');
        assert.equal(r.code, 0, r.stderr);
        ids[q] = r.stdout.trim();
      }
    });

    it('reports every segment exact on an unchanged document', async () => {
      const res = await anchorJson();
      assert.equal(res.size, 4);
      for (const a of res.values()) assert.equal(a.status, 'exact');
      const text = await qda('anchor', file('P1.md'));
      assert.equal(text.code, 0);
      assert.match(text.stdout, /4 segments: 4 exact, 0 moved, 0 fuzzy, 0 orphaned/);
    });

    it('after edits on disk: moved with shifted positions, orphan, fuzzy; --write then gives exact', async () => {
      const original = await read('P1.md');
      const sidecarBefore = await read('P1.md.annotations.json');
      const oldMoved = positionOf((await items('P1.md')).find((i) => i.id === ids[Q_MOVED])!)!;

      const inserted = 'Interviewer: A paragraph inserted before the sorting answer, long after the interview.\n\n';
      assert.equal(original.split(Q_ORPHAN).length, 2);
      const edited = original
        .replace('In our first year of meetings', 'In our early years of meetings')
        .replace(/Manager: We typically fax the bed states[^\n]*\n\n/, '')
        .replace('Manager: Well, precisely what the protocol says', inserted + 'Manager: Well, precisely what the protocol says');
      assert.notEqual(edited, original);
      await fs.writeFile(file('P1.md'), edited, 'utf8');

      const res = await anchorJson();
      assert.equal(res.get(ids[Q_SAME])?.status, 'exact');

      const moved = res.get(ids[Q_MOVED])!;
      assert.equal(moved.status, 'moved');
      const newStart = cpIndex(edited, Q_MOVED);
      assert.notEqual(newStart, oldMoved.start);
      assert.equal(moved.start, newStart);
      assert.equal(moved.end, newStart + Q_MOVED.length);

      const orphan = res.get(ids[Q_ORPHAN])!;
      assert.equal(orphan.status, 'orphan');
      assert.equal(orphan.start, null);
      assert.equal(orphan.end, null);
      assert.ok(orphan.reason);

      const fuzzy = res.get(ids[Q_FUZZY])!;
      assert.equal(fuzzy.status, 'fuzzy');
      const changed = Q_FUZZY.replace('first year', 'early years');
      assert.equal(fuzzy.start, cpIndex(edited, changed));
      assert.equal(fuzzy.end, fuzzy.start! + changed.length);
      assert.match(fuzzy.reason ?? '', /similar/);

      // Anchoring alone never writes.
      assert.equal(await read('P1.md.annotations.json'), sidecarBefore);
      const summary = await qda('anchor', file('P1.md'));
      assert.match(summary.stdout, /4 segments: 1 exact, 1 moved, 1 fuzzy, 1 orphaned/);
      assert.match(summary.stdout, /lost its place/);

      const write = await qda('anchor', file('P1.md'), '--write');
      assert.equal(write.code, 0, write.stderr);
      assert.match(write.stderr, /Saved P1\.md\.annotations\.json/);
      const saved = await items('P1.md');
      assert.equal(quoteOf(saved.find((i) => i.id === ids[Q_FUZZY])!), changed, 'the quote follows the text');
      assert.equal(quoteOf(saved.find((i) => i.id === ids[Q_ORPHAN])!), Q_ORPHAN, 'the orphan keeps its quote');
      assert.equal(positionOf(saved.find((i) => i.id === ids[Q_ORPHAN])!), undefined);

      const after = await anchorJson();
      assert.equal(after.get(ids[Q_SAME])?.status, 'exact');
      assert.equal(after.get(ids[Q_MOVED])?.status, 'exact');
      assert.equal(after.get(ids[Q_MOVED])?.start, newStart);
      assert.equal(after.get(ids[Q_FUZZY])?.status, 'exact');
      assert.equal(after.get(ids[Q_ORPHAN])?.status, 'orphan');
      // The document itself is never changed.
      assert.equal(await read('P1.md'), edited);
    });

    it('--write leaves an unchanged sidecar untouched: same bytes, same modification time', async () => {
      const sidecar = file('P1.md.annotations.json');
      const before = await fs.readFile(sidecar);
      const past = new Date('2026-01-01T00:00:00Z');
      await fs.utimes(sidecar, past, past);
      const r = await qda('anchor', file('P1.md'), '--write');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /up to date/);
      assert.doesNotMatch(r.stderr, /Saved/);
      assert.deepEqual(await fs.readFile(sidecar), before);
      assert.equal((await fs.stat(sidecar)).mtime.getTime(), past.getTime());
      // Once the text changes, it is written.
      await fs.writeFile(file('P1.md'), 'A new first line.\n\n' + (await read('P1.md')));
      const moved = await qda('anchor', file('P1.md'), '--write');
      assert.equal(moved.code, 0, moved.stderr);
      assert.match(moved.stderr, /Saved P1\.md\.annotations\.json/);
      assert.notEqual((await fs.stat(sidecar)).mtime.getTime(), past.getTime());
    });

    it('refuses to write over a sidecar it cannot read', async () => {
      const broken = (await read('P1.md.annotations.json')).replace('"items": [', '"items": [,');
      await fs.writeFile(file('P1.md.annotations.json'), broken);
      const r = await qda('anchor', file('P1.md'), '--write');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not valid JSON/);
      assert.equal(await read('P1.md.annotations.json'), broken);
    });

    it('a document without coding says so', async () => {
      const r = await qda('anchor', file('notes.md'), '--json');
      assert.equal(r.code, 0);
      assert.deepEqual(JSON.parse(r.stdout), []);
      assert.match(r.stderr, /no coding yet/);
      assert.ok(!exists('notes.md.annotations.json'));
    });
  });

  describe('writers refuse what validate reports', () => {
    interface CodebookJson {
      stages: { id: string; name: string }[];
      codes: { id: string; name: string; parent?: string; stage?: string }[];
    }
    const editCodebook = async (edit: (cb: CodebookJson) => void) => {
      const cb = JSON.parse(await read('codebook.json')) as CodebookJson;
      edit(cb);
      await fs.writeFile(file('codebook.json'), JSON.stringify(cb, null, 2) + '\n');
    };
    const defects: [string, () => Promise<void>, RegExp][] = [
      ['a sidecar naming a code not in the codebook', async () => fs.writeFile(file('notes.md.annotations.json'), (await read('notes.md.annotations.json')).replace('urn:qda:code:shaping-boundaries', 'urn:qda:code:ghost')), /"ghost", which is not in the codebook/],
      ['a codebook repeating a code id', () => editCodebook((cb) => cb.codes.push({ ...cb.codes[1], name: 'A copy' })), /repeats the id "brokering-relations"/],
      ['a codebook repeating a stage id', () => editCodebook((cb) => cb.stages.push({ ...cb.stages[0], name: 'A copy' })), /repeats the id "leadership"/],
      ['a codebook with an unknown parent', () => editCodebook((cb) => (cb.codes[2].parent = 'nowhere')), /parent "nowhere" that is not in the codebook/],
      ['a codebook whose parents form a loop', () => editCodebook((cb) => (cb.codes[0].parent = cb.codes[1].id)), /its own ancestor/],
      ['a codebook with an unknown stage', () => editCodebook((cb) => (cb.codes[3].stage = 'nowhere')), /stage "nowhere" that is not in the codebook/],
    ];
    const writers: [string, () => string[]][] = [
      ['add', () => ['add', file('notes.md'), '--code', 'brokering-relations', '--quote', 'the hub slows us down', '--coder', 'T']],
      ['anchor --write', () => ['anchor', file('notes.md'), '--write']],
    ];

    beforeEach(async () => {
      await init();
      for (const [c, q] of [['shaping-boundaries', 'we trust the hub'], ['coordinating-activities', 'The nurse said']]) {
        const r = await qda('add', file('notes.md'), '--code', c, '--quote', q, '--coder', 'Tester');
        assert.equal(r.code, 0, r.stderr);
      }
      // Text added on disk: anchoring moves every segment, so anchor --write would have something to write.
      await fs.writeFile(file('notes.md'), NOTES_RAW.replace('\r\n\r\n', '\r\n\r\nA new first line.\r\n'));
    });

    for (const [defect, make, message] of defects) {
      for (const [writer, args] of writers) {
        it(`${writer} refuses ${defect}, with validate's message, and leaves the file alone`, async () => {
          await make();
          const validate = await qda('validate');
          assert.equal(validate.code, 1);
          assert.match(validate.stdout, message);
          const sidecar = file('notes.md.annotations.json');
          const before = await fs.readFile(sidecar);
          const past = new Date('2026-01-01T00:00:00Z');
          await fs.utimes(sidecar, past, past);
          const r = await qda(...args());
          assert.equal(r.code, 1, r.stderr);
          assert.match(r.stderr, message);
          const problems = r.stderr.split('\n').filter((l) => /: error: /.test(l) && !/lost its place/.test(l));
          assert.ok(problems.length > 0);
          for (const line of problems) assert.ok(validate.stdout.split('\n').includes(line.replace(/^qda: /, '')), `validate prints the same: ${line}`);
          assert.match(r.stderr, /nothing was written|was not written/i);
          assert.deepEqual(await fs.readFile(sidecar), before);
          assert.equal((await fs.stat(sidecar)).mtime.getTime(), past.getTime());
        });
      }
    }

    it('add refuses a sidecar that names an unknown code, run as a program', () => {
      return (async () => {
        await defects[0][1]();
        const before = await read('notes.md.annotations.json');
        const r = spawnSync(process.execPath, [CLI, 'add', 'notes.md', '--code', 'brokering-relations', '--quote', 'the hub slows us down', '--coder', 'T'], { cwd: ws, encoding: 'utf8' });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /"ghost", which is not in the codebook/);
        assert.equal(r.stdout, '');
        assert.equal(await read('notes.md.annotations.json'), before);
      })();
    });
  });

  describe('validate and stats', () => {
    beforeEach(async () => {
      await init();
      for (const [doc, c, q] of [
        ['P1.md', 'brokering-relations', 'we tend to use the regional audit figures'],
        ['P1.md', 'brokering-relations', 'So sorting by severity or by distance'],
        ['P1.md', 'shaping-boundaries', 'Interviewer: Do you use both the triage tool and the phone line?'],
        ['notes.md', 'brokering-relations', 'we trust the hub'],
      ]) {
        const r = await qda('add', file(doc), '--code', c, '--quote', q, '--coder', 'Tester');
        assert.equal(r.code, 0, r.stderr);
      }
    });

    it('validate exits 0 on a good workspace', async () => {
      const r = await qda('validate');
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /2 coded documents, 4 segments \(4 exact, 0 moved, 0 fuzzy, 0 orphaned\); 0 errors, 0 warnings/);
    });

    it('validate exits 1 with a malformed sidecar, and leaves its bytes alone', async () => {
      const broken = (await read('notes.md.annotations.json')).replace(/"version": 1,/, '"version": 1,,');
      await fs.writeFile(file('notes.md.annotations.json'), broken);
      const r = await qda('validate');
      assert.equal(r.code, 1);
      assert.match(r.stdout, /notes\.md\.annotations\.json:\d+:\d+: error: This file is not valid JSON/);
      assert.match(r.stdout, /1 error\b/);
      assert.equal(await read('notes.md.annotations.json'), broken);
    });

    it('validate --json gives a report a script can read', async () => {
      const ok = await qda('validate', '--json');
      assert.equal(ok.code, 0);
      const good = JSON.parse(ok.stdout);
      assert.deepEqual(good.problems, []);
      assert.equal(good.errors, 0);
      assert.equal(good.documents, 2);
      assert.equal(good.annotations, 4);
      assert.deepEqual(good.statuses, { exact: 4, moved: 0, fuzzy: 0, orphan: 0 });

      await fs.writeFile(file('P1.md.annotations.json'), (await read('P1.md.annotations.json')).replace('urn:qda:code:shaping-boundaries', 'urn:qda:code:ghost'));
      const bad = await qda('validate', '--json');
      assert.equal(bad.code, 1);
      const report = JSON.parse(bad.stdout);
      assert.equal(report.errors, 1);
      assert.equal(report.problems[0].file, 'P1.md.annotations.json');
      assert.match(report.problems[0].message, /"ghost"/);
      assert.equal(typeof report.problems[0].line, 'number');
    });

    it('validate narrows to the paths given', async () => {
      await fs.writeFile(file('notes.md.annotations.json'), '{');
      const onlyP1 = await qda('validate', file('P1.md'), '--json');
      assert.equal(onlyP1.code, 0, onlyP1.stdout);
      assert.equal(JSON.parse(onlyP1.stdout).annotations, 3);
      assert.equal((await qda('validate', file('notes.md'))).code, 1);
    });

    it('stats --json counts per code, per stage and per document', async () => {
      const r = await qda('stats', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const s = JSON.parse(r.stdout);
      assert.equal(s.total, 4);
      assert.equal(s.documents, 2);
      assert.deepEqual(s.problems, []);
      const byCode = new Map<string, { segments: number; documents: number }>(s.byCode.map((c: { code: string }) => [c.code, c]));
      assert.deepEqual(byCode.get('brokering-relations'), { code: 'brokering-relations', name: 'Brokering relations', segments: 3, documents: 2, withSubCodes: { segments: 3, documents: 2 } });
      assert.equal(byCode.get('shaping-boundaries')?.segments, 1);
      assert.equal(byCode.get('relational-leadership')?.segments, 0);
      assert.deepEqual(byCode.get('orchestration-tasks'), { code: 'orchestration-tasks', name: 'Orchestration tasks', segments: 0, documents: 0, withSubCodes: { segments: 4, documents: 2 } });
      assert.equal(s.byCode.length, TEMPLATES['network-orchestration'].codebook.codes.length);
      assert.deepEqual(s.byStage, [
        { stage: 'leadership', name: 'Leadership and governance', segments: 0, documents: 0 },
        { stage: 'membership', name: 'Membership and roles', segments: 1, documents: 1 },
        { stage: 'relationships', name: 'Relationships and processes', segments: 3, documents: 2 },
        { stage: null, name: 'No stage', segments: 0, documents: 0 },
      ]);
      assert.deepEqual(s.byDocument, [
        { document: 'P1.md', segments: 3, codes: { 'brokering-relations': 2, 'shaping-boundaries': 1 } },
        { document: 'notes.md', segments: 1, codes: { 'brokering-relations': 1 } },
      ]);
      const table = await qda('stats');
      assert.equal(table.code, 0);
      assert.match(table.stdout, /4 segments in 2 documents\./);
      assert.match(table.stdout, /Brokering relations\s+3\s+2/);
      assert.match(table.stdout, /Relationships and processes\s+3\s+2/);
    });

    it('stats counts a segment with two codes of one stage once in that stage', async () => {
      const r = await qda('add', file('notes.md'), '--code', 'brokering-relations', '--code', 'coordinating-activities', '--quote', 'the hub slows us down', '--coder', 'T');
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse((await qda('stats', '--json')).stdout);
      assert.equal(s.total, 5);
      assert.deepEqual(s.byStage.find((x: { stage: string }) => x.stage === 'relationships'), { stage: 'relationships', name: 'Relationships and processes', segments: 4, documents: 2 });
    });

    it('stats does not count a document memo as a coded segment', async () => {
      const sc = JSON.parse(await read('notes.md.annotations.json'));
      sc.items.push({
        '@context': 'http://www.w3.org/ns/anno.jsonld',
        id: 'urn:uuid:00000000-0000-4000-8000-000000000099',
        type: 'Annotation',
        motivation: 'commenting',
        creator: { type: 'Person', name: 'T' },
        created: '2026-01-01T00:00:00Z',
        modified: '2026-01-01T00:00:00Z',
        body: [{ type: 'TextualBody', purpose: 'commenting', value: 'A memo on the whole visit', format: 'text/markdown' }],
        target: { id: 'file:notes.md', type: 'Text', format: 'text/markdown' },
      });
      await fs.writeFile(file('notes.md.annotations.json'), JSON.stringify(sc, null, 2) + '\n');
      assert.equal((await qda('validate')).code, 0);
      const s = JSON.parse((await qda('stats', '--json')).stdout);
      assert.equal(s.total, 4);
      assert.equal(s.byDocument.find((d: { document: string }) => d.document === 'notes.md').segments, 1);
    });

    it('stats names a sidecar it cannot read on stderr and exits 1, counting the rest', async () => {
      await fs.writeFile(file('notes.md.annotations.json'), '<<<<<<< HEAD\n{}\n');
      for (const json of [false, true]) {
        const r = await qda('stats', ...(json ? ['--json'] : []));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /notes\.md\.annotations\.json/);
        assert.match(r.stderr, /error/);
        if (json) {
          const s = JSON.parse(r.stdout);
          assert.equal(s.total, 3);
          assert.equal(s.problems[0].file, 'notes.md.annotations.json');
        } else {
          assert.match(r.stdout, /3 segments in 1 document\b/);
          assert.match(r.stderr, /not counted/);
        }
      }
    });

    it('stats without a codebook says so, exits 1 and counts nothing', async () => {
      await fs.rm(file('codebook.json'));
      for (const json of [false, true]) {
        const r = await qda('stats', ...(json ? ['--json'] : []));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /no codebook/i);
        assert.match(r.stderr, /qda init/);
        assert.match(r.stderr, /--workspace/);
        if (json) assert.equal(JSON.parse(r.stdout).total, 0);
        else assert.equal(r.stdout, '');
      }
    });

    it('stats --json gives right counts for codes named constructor, toString and valueOf', async () => {
      const cb = JSON.parse(await read('codebook.json'));
      for (const id of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) cb.codes.push({ id, name: `Code ${id}` });
      await fs.writeFile(file('codebook.json'), JSON.stringify(cb, null, 2));
      assert.equal((await qda('add', file('notes.md'), '--code', 'constructor', '--code', 'toString', '--code', 'valueOf', '--code', 'hasOwnProperty', '--quote', 'the hub slows us down', '--coder', 'T')).code, 0);
      assert.equal((await qda('add', file('notes.md'), '--code', 'constructor', '--quote', 'The nurse said', '--coder', 'T')).code, 0);
      const r = await qda('stats', '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /function|native code/);
      const s = JSON.parse(r.stdout);
      const notes = s.byDocument.find((d: { document: string }) => d.document === 'notes.md');
      assert.deepEqual(notes.codes, { 'brokering-relations': 1, constructor: 2, toString: 1, valueOf: 1, hasOwnProperty: 1 });
      assert.equal(s.byCode.find((c: { code: string }) => c.code === 'constructor').segments, 2);
      assert.equal(s.byCode.find((c: { code: string }) => c.code === 'hasOwnProperty').segments, 1);
    });

    it('a line break or other control character in a name does not split the stats table', async () => {
      const odd = 'two\nlines\tand\u001b[31mred.md';
      await fs.writeFile(file(odd), 'We trust the hub.\n');
      assert.equal((await qda('add', file(odd), '--code', 'brokering-relations', '--quote', 'We trust the hub', '--coder', 'T')).code, 0);
      const cb = JSON.parse(await read('codebook.json'));
      cb.codes[1].name = 'Brokering\nrelations';
      await fs.writeFile(file('codebook.json'), JSON.stringify(cb, null, 2));
      const r = await qda('stats');
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f]/, 'no control character but the line ends');
      const lines = r.stdout.split('\n');
      assert.ok(lines.includes(lines.find((l) => l.startsWith('two\\nlines\\tand\\u001b[31mred.md'))!), r.stdout);
      assert.match(r.stdout, /^Brokering\\nrelations\s+4\s+3$/m);
      assert.match(r.stdout, /5 segments in 3 documents\./);
      // JSON keeps the names as they are.
      assert.ok(JSON.parse((await qda('stats', '--json')).stdout).byDocument.some((d: { document: string }) => d.document === odd));
    });

    it('stats takes no file names', async () => {
      assert.equal((await qda('stats', 'P1.md')).code, 2);
    });
  });
});

describe('qda as an installed program', function () {
  before(function () {
    this.timeout(120_000);
    // Always rebuilt, so that what runs is the code under test, not an older bundle.
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    assert.ok(existsSync(CLI), 'node esbuild.mjs builds dist/cli.js');
  });

  it('node dist/cli.js --help prints the usage and exits 0', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: qda <command>/);
  });

  it('node dist/cli.js add with no arguments exits 2 with the reason on stderr', () => {
    const r = spawnSync(process.execPath, [CLI, 'add'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /add needs exactly one document/);
    assert.equal(r.stdout, '');
  });

  it('starts with a #! line so npm can link it as the qda command', async () => {
    const head = (await fs.readFile(CLI, 'utf8')).slice(0, 40);
    assert.match(head, /^#!\/usr\/bin\/env node\n/);
  });

  describe('every command, run as a program in a project folder', function () {
    this.timeout(60_000);
    let dir: string;
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });

    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-program-'));
      await fs.copyFile(INTERVIEW_SOURCE, path.join(dir, 'interview.md'));
    });
    after(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('stats without a codebook exits 1 with the reason and counts nothing', () => {
      const r = run('stats');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /no codebook/i);
      assert.equal(r.stdout, '');
    });

    it('init, add, anchor, validate and stats: exit codes and answers', async () => {
      const init = run('init', '--template', 'network-orchestration');
      assert.equal(init.status, 0, init.stderr);
      assert.match(init.stdout, /Wrote codebook\.json/);
      const add = run('add', 'interview.md', '--code', 'brokering-relations', '--code', 'coordinating-activities', '--quote', 'we tend to use the regional audit figures', '--coder', 'Tester');
      assert.equal(add.status, 0, add.stderr);
      assert.match(add.stdout.trim(), UUID);
      const unknown = run('add', 'interview.md', '--code', 'nope', '--quote', 'The board meets monthly', '--coder', 'Tester');
      assert.equal(unknown.status, 1);
      assert.match(unknown.stderr, /Not in the codebook: nope/);
      const anchor = run('anchor', 'interview.md', '--json');
      assert.equal(anchor.status, 0, anchor.stderr);
      assert.deepEqual((JSON.parse(anchor.stdout) as { id: string; status: string }[]).map((a) => [a.id, a.status]), [[add.stdout.trim(), 'exact']]);
      const validate = run('validate');
      assert.equal(validate.status, 0, validate.stdout);
      assert.match(validate.stdout, /1 coded documents?, 1 segments? /);
      const stats = run('stats', '--json');
      assert.equal(stats.status, 0, stats.stderr);
      const s = JSON.parse(stats.stdout) as Stats;
      assert.equal(s.total, 1);
      // Two codes of one stage: one segment there.
      assert.deepEqual(s.byStage.find((x) => x.stage === 'relationships'), { stage: 'relationships', name: 'Relationships and processes', segments: 1, documents: 1 });
      const table = run('stats');
      assert.equal(table.status, 0);
      assert.match(table.stdout, /^1 segment in 1 document\.$/m);
      await fs.writeFile(path.join(dir, 'interview.md.annotations.json'), '{ "items": [');
      const broken = run('validate');
      assert.equal(broken.status, 1);
      assert.match(broken.stdout, /interview\.md\.annotations\.json:\d+:\d+: error/);
      const usage = run('stats', 'interview.md');
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /Usage: qda/);
    });
  });

  describe('output through a pipe', function () {
    this.timeout(120_000);
    let big: string;
    let expected: string;

    before(async () => {
      big = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-pipe-'));
      // 30,000 coded lines: the answer of `anchor --json` is several MB, far beyond a pipe's buffer (64 KB).
      const lines = Array.from({ length: 30_000 }, (_, i) => `Line ${i}: the nurse rang the hub about patient ${i}.`);
      const raw = lines.join('\n') + '\n';
      await fs.writeFile(path.join(big, 'big.md'), raw);
      const doc = openDocument('big.md', raw, undefined);
      let at = 0;
      for (const line of lines) {
        doc.sidecar.annotations.push(createAnnotation(doc.text, { start: at, end: at + line.length, codes: ['brokering-relations'], creator: 'Tester' }));
        at += line.length + 1;
      }
      await fs.writeFile(path.join(big, 'big.md.annotations.json'), sidecarText(doc));
      const log: string[] = [];
      const code = await main(['anchor', path.join(big, 'big.md'), '--json', '--workspace', big], { log: (s) => log.push(s), err: () => undefined });
      assert.equal(code, 0);
      expected = log.map((s) => s + '\n').join('');
      assert.ok(Buffer.byteLength(expected) > 2_000_000, `the answer is ${Buffer.byteLength(expected)} bytes`);
    });

    after(async () => {
      await fs.rm(big, { recursive: true, force: true });
    });

    it('a program reading the pipe gets the whole answer of anchor --json, byte for byte', async () => {
      const child = spawn(process.execPath, [CLI, 'anchor', path.join(big, 'big.md'), '--json', '--workspace', big], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      // A slow reader: the pipe stays full while the program would like to exit.
      child.stdout.on('data', (b: Buffer) => {
        chunks.push(b);
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 2);
      });
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(status, 0);
      const got = Buffer.concat(chunks).toString('utf8');
      assert.equal(Buffer.byteLength(got), Buffer.byteLength(expected));
      assert.equal(got, expected);
      assert.equal((JSON.parse(got) as unknown[]).length, 30_000);
    });

    it('a file the output is redirected to gets the whole answer too', async () => {
      const out = path.join(big, 'answer.json');
      const fd = openSync(out, 'w');
      try {
        const r = spawnSync(process.execPath, [CLI, 'anchor', path.join(big, 'big.md'), '--json', '--workspace', big], { stdio: ['ignore', fd, 'pipe'] });
        assert.equal(r.status, 0);
      } finally {
        closeSync(fd);
      }
      assert.equal(await fs.readFile(out, 'utf8'), expected);
    });

    it('a shell pipe into wc -c counts every byte of the answer', () => {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" anchor "${path.join(big, 'big.md')}" --json --workspace "${big}" | wc -c`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(Number(r.stdout.trim()), Buffer.byteLength(expected));
    });
  });
});
