// Coding inside a real VS Code: what a researcher does (select, code, type, undo, rename, pull a
// colleague's coding) and what they then see (highlights, stripes, labels, Problems) and find on
// disk (the sidecar <document>.annotations.json).
//
// Runs after activation.test.ts (files run in alphabetical order), but relies on nothing it did:
// the `before` hook opens a transcript (which activates the extension) and creates the codebook.
// Every test works on its own document: the fixture transcripts/kelderby.md, or a copy of its text
// written under scratch/ at test time.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, exists, fileUri, readText, testApi, writeText } from './helpers';

const EXTENSION_ID = 'orchestration-qda.orchestration-qda';

// test/fixtures/workspace/transcripts/kelderby.md (LF line ends). Three astral emoji come before
// the coded passages, so code points and UTF-16 units differ there by three.
const KELDERBY_LINES = [
  '# Network meeting, Kelderby 🏥',
  '',
  'Interviewer: How did the two hospitals start working together? 🤝',
  'P2: Honestly 😅 I rang the orthopaedic lead at Kelderby and said, look, talk to Sam, she has already solved this.',
  'Interviewer: And did they talk?',
  'P2: They did. Now the leads meet every month, and the waiting list is down by a third.',
];
const KELDERBY = KELDERBY_LINES.join('\n') + '\n';
/** On line 3. */
const RANG = 'I rang the orthopaedic lead at Kelderby';
/** On line 3, overlapping RANG. */
const LOOK = 'lead at Kelderby and said, look, talk to Sam';
/** On line 5. */
const MEET = 'the leads meet every month';

// ---- what the extension reports ----------------------------------------------------------------

interface SegmentState {
  id: string;
  codes: string[];
  memo?: string;
  creator: string;
  status: string;
  start?: number;
  end?: number;
  text?: string;
  quote: string;
}
interface CodingState {
  path: string;
  readOnly: boolean;
  problems: { file: string; severity: string; message: string; line?: number }[];
  segments: SegmentState[];
  decorations?: {
    highlights: Record<string, [number, number, number, number][]>;
    colours: Record<string, string>;
    stripes: Record<number, string[]>;
    labels: { line: number; text: string }[];
  };
  diagnostics: { message: string; severity: number; line: number }[];
}

// The sidecar as written on disk (W3C Web Annotation, see src/core/sidecar/format.ts).
interface PositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}
interface QuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix?: string;
  suffix?: string;
}
interface SidecarItem {
  '@context'?: string;
  id: string;
  type: string;
  motivation?: string;
  creator?: { type: string; name: string };
  created?: string;
  modified?: string;
  body?: { type: string; purpose?: string; source?: string; value?: string; format?: string }[];
  target: { source: string; selector: (PositionSelector | QuoteSelector)[] };
}
interface SidecarJson {
  '@context': string;
  id: string;
  type: string;
  version: number;
  textHash?: string;
  items: SidecarItem[];
}

function positionOf(item: SidecarItem): PositionSelector | undefined {
  return item.target.selector.find((s): s is PositionSelector => s.type === 'TextPositionSelector');
}
function quoteOf(item: SidecarItem): QuoteSelector {
  const q = item.target.selector.find((s): s is QuoteSelector => s.type === 'TextQuoteSelector');
  assert.ok(q, `annotation ${item.id} has no TextQuoteSelector`);
  return q;
}
function codesOf(item: SidecarItem): string[] {
  return (item.body ?? []).filter((b) => b.type === 'SpecificResource' && b.purpose === 'classifying').map((b) => decodeURIComponent(b.source!.replace(/^urn:qda:code:/, '')));
}

/** The sidecar's view of a text: BOM dropped, LF line ends, as an array of code points. */
function codePoints(text: string): string[] {
  return Array.from(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
}
/** The sidecar offset (code points over LF text) of a UTF-16 offset in a document's raw text. */
function cp(text: string, utf16: number): number {
  return codePoints(text.slice(0, utf16)).length;
}

// ---- workspace helpers ---------------------------------------------------------------------------

function sidecarUri(path: string): vscode.Uri {
  return fileUri(path + '.annotations.json');
}
async function readSidecar(path: string): Promise<SidecarJson> {
  return JSON.parse(await readText(sidecarUri(path))) as SidecarJson;
}



/** Writes a document (unless `text` is undefined), opens it in the editor and waits for its coding to load. */
async function open(path: string, text?: string): Promise<vscode.TextEditor> {
  const uri = fileUri(path);
  if (text !== undefined) await writeText(uri, text);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await eventually(async () => assert.ok(await state(editor.document)), `the coding of ${path} to load`);
  return editor;
}

async function state(document: vscode.TextDocument): Promise<CodingState> {
  const s = (await (await testApi()).state({ uri: document.uri.toString() })) as CodingState | undefined;
  assert.ok(s, `the test API's state returned nothing for ${document.uri.path}`);
  return s;
}

/** Selects an occurrence of `passage`, with `pad` characters of its surroundings on either side. */
function select(editor: vscode.TextEditor, passage: string, pad: number | [number, number] = 0): vscode.Range {
  const document = editor.document;
  const at = document.getText().indexOf(passage);
  assert.ok(at >= 0, `“${passage}” is not in ${document.uri.path}`);
  const [before, after] = typeof pad === 'number' ? [pad, pad] : pad;
  const range = new vscode.Range(document.positionAt(at - before), document.positionAt(at + passage.length + after));
  editor.selection = new vscode.Selection(range.start, range.end);
  return range;
}

/** Selects `passage` and codes it as the user would (no picker: codes given). Returns the ids coded. */
async function code(editor: vscode.TextEditor, passage: string, codes: string[], pad: number | [number, number] = 0): Promise<string[]> {
  select(editor, passage, pad);
  const ids = await vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection', { uri: editor.document.uri.toString(), codes });
  assert.ok(ids && ids.length > 0, `coding “${passage}” with ${codes.join(', ')} did nothing`);
  return ids;
}

async function type(editor: vscode.TextEditor, offset: number, text: string): Promise<void> {
  const ok = await editor.edit((b) => b.insert(editor.document.positionAt(offset), text));
  assert.ok(ok, 'the edit was not applied');
}

/** [line, startChar, line, endChar] of a passage on one line, in the editor's (UTF-16) columns. */
function lineRange(lines: string[], line: number, passage: string, shift = 0): [number, number, number, number] {
  const ch = lines[line].indexOf(passage);
  assert.ok(ch >= 0, `“${passage}” is not on line ${line}`);
  return [line, ch + shift, line, ch + shift + passage.length];
}

/** A valid sidecar annotation over `passage` in `text`, as another coder's tool would write it. */
function annotationOver(text: string, passage: string, codes: string[], documentName: string): SidecarItem {
  const at = text.indexOf(passage);
  assert.ok(at >= 0);
  const all = codePoints(text);
  const start = cp(text, at);
  const end = start + codePoints(passage).length;
  return {
    '@context': 'http://www.w3.org/ns/anno.jsonld',
    id: 'urn:uuid:' + globalThis.crypto.randomUUID(),
    type: 'Annotation',
    motivation: 'classifying',
    creator: { type: 'Person', name: 'A colleague' },
    created: '2025-01-02T03:04:05Z',
    modified: '2025-01-02T03:04:05Z',
    body: codes.map((c) => ({ type: 'SpecificResource', purpose: 'classifying', source: 'urn:qda:code:' + c })),
    target: {
      source: 'file:' + documentName,
      selector: [
        { type: 'TextPositionSelector', start, end },
        { type: 'TextQuoteSelector', exact: all.slice(start, end).join(''), prefix: all.slice(Math.max(0, start - 32), start).join(''), suffix: all.slice(end, end + 32).join('') },
      ],
    },
  };
}

// ---- the codebook the tests code with ----------------------------------------------------------------

interface CodebookJson {
  stages: { id: string; colour?: string }[];
  codes: { id: string; name: string; colour?: string; stage?: string }[];
}
let codebook: CodebookJson;

function codeEntry(id: string) {
  const c = codebook.codes.find((x) => x.id === id);
  assert.ok(c, `${id} is not in codebook.json`);
  return c;
}
function colourOf(id: string): string {
  const c = codeEntry(id);
  const colour = c.colour ?? codebook.stages.find((s) => s.id === c.stage)?.colour;
  assert.ok(colour, `${id} has no colour in codebook.json`);
  return colour;
}
/** Code ids in the codebook's order, as the gutter stripes show them. */
function inCodebookOrder(ids: string[]): string[] {
  const order = (id: string) => codebook.codes.findIndex((c) => c.id === id);
  return [...ids].sort((a, b) => order(a) - order(b));
}

async function setUp(this: Mocha.Context): Promise<void> {
  this.timeout(60000);
  // Opening a transcript activates the extension (onLanguage:markdown).
  const document = await vscode.workspace.openTextDocument(fileUri('transcripts/kelderby.md'));
  await vscode.window.showTextDocument(document);
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  await extension.activate();
  await eventually(() => assert.ok(extension.isActive), 'the extension to activate');

  const codebookUri = fileUri('codebook.json');
  if (!(await exists(codebookUri))) {
    const created = await vscode.commands.executeCommand<boolean>('qda.createCodebook', { template: 'network-orchestration' });
    assert.equal(created, true, 'qda.createCodebook did not create the codebook');
  }
  codebook = await eventually(async () => JSON.parse(await readText(codebookUri)) as CodebookJson, 'codebook.json on disk');
  for (const id of ['brokering-relations', 'coordinating-activities', 'forging-shared-values', 'relational-leadership', 'shaping-boundaries']) codeEntry(id);
}

// ---------------------------------------------------------------------------------------------------

// A hook outside any describe would run before every file's tests, activation.test.ts's included.
describe('Coding in the editor', () => {
  before(setUp);

  describe('Coding a selection', () => {
    it('writes the sidecar with the trimmed quote at code-point positions, and highlights the passage in its code colour', async () => {
      const path = 'transcripts/kelderby.md';
      const editor = await open(path);
      assert.equal(editor.document.getText(), KELDERBY, 'the fixture transcript changed');
      assert.equal(await exists(sidecarUri(path)), false, 'the fixture must start uncoded');

      // The user's selection takes in a space either side; the segment does not.
      select(editor, RANG, 1);
      assert.equal(editor.document.getText(editor.selection), ` ${RANG} `);
      const ids = await vscode.commands.executeCommand<string[]>('qda.codeSelection', { codes: ['brokering-relations'] });
      assert.equal(ids?.length, 1, 'one segment coded');

      const sidecar = await eventually(() => readSidecar(path), 'the sidecar to appear');
      assert.equal(sidecar.type, 'AnnotationPage');
      assert.equal(sidecar.items.length, 1);
      const [item] = sidecar.items;
      assert.equal(item.id, ids[0]);
      assert.equal(item.type, 'Annotation');
      assert.equal(item.target.source, 'file:kelderby.md');
      assert.deepEqual(codesOf(item), ['brokering-relations']);
      assert.equal(quoteOf(item).exact, RANG);
      assert.ok(quoteOf(item).prefix?.endsWith('Honestly 😅 '), `prefix: ${quoteOf(item).prefix}`);
      assert.ok(quoteOf(item).suffix?.startsWith(' and said'), `suffix: ${quoteOf(item).suffix}`);
      // Positions count code points: the three emoji before the passage are one each, not two.
      const utf16 = KELDERBY.indexOf(RANG);
      assert.deepEqual(positionOf(item), { type: 'TextPositionSelector', start: utf16 - 3, end: utf16 - 3 + RANG.length });
      assert.equal(cp(KELDERBY, utf16), utf16 - 3);

      const s = await state(editor.document);
      assert.equal(s.path, path);
      assert.equal(s.readOnly, false);
      assert.equal(s.segments.length, 1);
      assert.equal(s.segments[0].id, ids[0]);
      assert.equal(s.segments[0].text, RANG);
      assert.deepEqual(s.segments[0].codes, ['brokering-relations']);
      assert.ok(s.decorations, 'no decorations for the visible editor');
      // Editor columns are UTF-16: the emoji on line 3 counts two there.
      assert.deepEqual(s.decorations.highlights, { 'brokering-relations': [lineRange(KELDERBY_LINES, 3, RANG)] });
      assert.equal(s.decorations.highlights['brokering-relations'][0][1], 16);
      assert.equal(s.decorations.colours['brokering-relations'], colourOf('brokering-relations'));
      assert.deepEqual(s.decorations.stripes, { 3: ['brokering-relations'] });
      assert.deepEqual(s.diagnostics, []);
    });

    it('shows overlapping segments with all their codes, and adds a code to the same annotation when the same passage is coded again', async () => {
      const path = 'scratch/overlap.md';
      const editor = await open(path, KELDERBY);
      const [rang] = await code(editor, RANG, ['brokering-relations']);
      const twoCodes = ['coordinating-activities', 'forging-shared-values'];
      const [look] = await code(editor, LOOK, twoCodes);
      assert.notEqual(look, rang);

      let s = await state(editor.document);
      assert.equal(s.segments.length, 2);
      assert.deepEqual(s.segments.find((x) => x.id === look)?.codes, twoCodes);
      assert.equal(s.segments.find((x) => x.id === look)?.text, LOOK);
      const d = s.decorations!;
      assert.deepEqual(d.highlights['brokering-relations'], [lineRange(KELDERBY_LINES, 3, RANG)]);
      assert.deepEqual(d.highlights['coordinating-activities'], [lineRange(KELDERBY_LINES, 3, LOOK)]);
      assert.deepEqual(d.highlights['forging-shared-values'], [lineRange(KELDERBY_LINES, 3, LOOK)]);
      for (const c of ['brokering-relations', ...twoCodes]) assert.equal(d.colours[c], colourOf(c), `colour of ${c}`);
      assert.deepEqual(d.stripes, { 3: inCodebookOrder(['brokering-relations', ...twoCodes]) });
      let sidecar = await readSidecar(path);
      assert.equal(sidecar.items.length, 2);

      // The same passage again (selected with the space before it this time) with another code.
      const again = await code(editor, LOOK, ['relational-leadership'], [1, 0]);
      assert.deepEqual(again, [look], 'the code went to the existing segment');
      s = await state(editor.document);
      assert.equal(s.segments.length, 2, 'no new segment');
      assert.deepEqual(s.segments.find((x) => x.id === look)?.codes, [...twoCodes, 'relational-leadership']);
      assert.deepEqual(s.decorations!.highlights['relational-leadership'], [lineRange(KELDERBY_LINES, 3, LOOK)]);
      assert.deepEqual(s.decorations!.stripes, { 3: inCodebookOrder(['brokering-relations', ...twoCodes, 'relational-leadership']) });
      sidecar = await readSidecar(path);
      assert.equal(sidecar.items.length, 2, 'no new annotation in the sidecar');
      const item = sidecar.items.find((i) => i.id === look);
      assert.ok(item);
      assert.deepEqual(codesOf(item), [...twoCodes, 'relational-leadership']);
      assert.equal(quoteOf(item).exact, LOOK);
    });
  });

  describe('Typing in a coded document', () => {
    it('moves segments with text typed before them, never extends them from outside, grows them from inside, and saves the new places', async () => {
      const path = 'scratch/typing.md';
      const editor = await open(path, KELDERBY);
      const document = editor.document;
      const [id] = await code(editor, RANG, ['brokering-relations']);
      const seg = async () => (await state(document)).segments.find((x) => x.id === id)!;
      const start0 = KELDERBY.indexOf(RANG);

      // Before the segment, on its line.
      await type(editor, document.offsetAt(new vscode.Position(3, 0)), 'So. ');
      let s = await seg();
      assert.deepEqual([s.start, s.end, s.text], [start0 + 4, start0 + 4 + RANG.length, RANG]);
      assert.deepEqual((await state(document)).decorations!.highlights['brokering-relations'], [lineRange(KELDERBY_LINES, 3, RANG, 4)]);

      // Right at its start and right at its end: neither extends it.
      await type(editor, s.start!, '(');
      s = await seg();
      assert.equal(s.text, RANG);
      await type(editor, s.end!, ')');
      s = await seg();
      assert.equal(s.text, RANG);
      assert.ok(document.getText().includes(`(${RANG})`));

      // Inside it: it grows.
      await type(editor, s.start! + 'I rang the'.length, ' senior');
      const grown = 'I rang the senior orthopaedic lead at Kelderby';
      s = await seg();
      assert.equal(s.text, grown);
      assert.equal(s.start, start0 + 5);

      // Not yet saved: the sidecar still has the old place. Saving the document writes the new one.
      assert.equal(quoteOf((await readSidecar(path)).items[0]).exact, RANG);
      assert.ok(await document.save(), 'the document was not saved');
      const text = document.getText();
      const item = await eventually(async () => {
        const sidecar = await readSidecar(path);
        assert.equal(sidecar.items.length, 1);
        assert.equal(quoteOf(sidecar.items[0]).exact, grown);
        return sidecar.items[0];
      }, 'the sidecar to follow the saved text');
      const at = text.indexOf(grown);
      assert.deepEqual(positionOf(item), { type: 'TextPositionSelector', start: cp(text, at), end: cp(text, at) + grown.length });
      assert.equal(codePoints(text).slice(positionOf(item)!.start, positionOf(item)!.end).join(''), grown);
      assert.ok(quoteOf(item).prefix?.endsWith('😅 ('), `prefix: ${quoteOf(item).prefix}`);
    });
  });

  describe('Undo and redo', () => {
    it('undoes and redoes a coding action with Undo/Redo Coding Action, sidecar included', async () => {
      const path = 'scratch/undo.md';
      const editor = await open(path, KELDERBY);
      const [id] = await code(editor, RANG, ['brokering-relations']);
      assert.equal((await readSidecar(path)).items.length, 1);

      const undone = await vscode.commands.executeCommand<string | undefined>('qda.undoCoding');
      assert.equal(undone, 'Apply code');
      let s = await state(editor.document);
      assert.deepEqual(s.segments, []);
      assert.equal(s.decorations!.highlights['brokering-relations'], undefined, 'the highlight is gone');
      assert.deepEqual(s.decorations!.stripes, {});
      await eventually(async () => assert.deepEqual((await readSidecar(path)).items, []), 'the sidecar to lose the segment');
      assert.equal(editor.document.getText(), KELDERBY, 'undoing coding never touches the text');

      const redone = await vscode.commands.executeCommand<string | undefined>('qda.redoCoding');
      assert.equal(redone, 'Apply code');
      s = await state(editor.document);
      assert.deepEqual(
        s.segments.map((x) => [x.id, x.text, x.codes]),
        [[id, RANG, ['brokering-relations']]],
      );
      assert.deepEqual(s.decorations!.highlights['brokering-relations'], [lineRange(KELDERBY_LINES, 3, RANG)]);
      await eventually(async () => {
        const items = (await readSidecar(path)).items;
        assert.deepEqual(items.map((i) => [i.id, quoteOf(i).exact, codesOf(i)]), [[id, RANG, ['brokering-relations']]]);
      }, 'the sidecar to get the segment back');

      // Nothing left to redo.
      assert.equal(await vscode.commands.executeCommand('qda.redoCoding'), undefined);
    });

    it('lets the editor undo typing done after coding without touching the coding; coding stays undoable', async () => {
      const path = 'scratch/undo-typing.md';
      const editor = await open(path, KELDERBY);
      const document = editor.document;
      const [id] = await code(editor, RANG, ['brokering-relations']);
      const before = await readText(sidecarUri(path));

      await type(editor, 0, 'Draft. ');
      assert.equal((await state(document)).segments[0].start, KELDERBY.indexOf(RANG) + 7);

      await vscode.commands.executeCommand('undo');
      await eventually(() => assert.equal(document.getText(), KELDERBY), 'the editor to undo the typing');
      const s = await eventually(async () => {
        const st = await state(document);
        assert.deepEqual(
          st.segments.map((x) => [x.id, x.start, x.text, x.codes]),
          [[id, KELDERBY.indexOf(RANG), RANG, ['brokering-relations']]],
        );
        return st;
      }, 'the segment back in its place');
      assert.deepEqual(s.decorations!.highlights['brokering-relations'], [lineRange(KELDERBY_LINES, 3, RANG)]);
      assert.equal(await readText(sidecarUri(path)), before, 'the coding on disk is untouched');

      // The coding action itself can still be undone from the palette.
      assert.equal(await vscode.commands.executeCommand('qda.undoCoding'), 'Apply code');
      assert.deepEqual((await state(document)).segments, []);
      await eventually(async () => assert.deepEqual((await readSidecar(path)).items, []), 'the sidecar to lose the segment');
    });

    it('keeps a segment whose text is deleted as an orphan in Problems, and re-attaches it when the editor undoes the deletion', async () => {
      const path = 'scratch/orphan.md';
      const editor = await open(path, KELDERBY);
      const document = editor.document;
      const [id] = await code(editor, RANG, ['brokering-relations']);

      // Delete the whole line the passage is on.
      assert.ok(await editor.edit((b) => b.delete(new vscode.Range(3, 0, 4, 0))));
      assert.ok(!document.getText().includes(RANG));
      let s = await eventually(async () => {
        const st = await state(document);
        assert.equal(st.diagnostics.length, 1, JSON.stringify(st.diagnostics));
        return st;
      }, 'a problem for the orphaned segment');
      assert.equal(s.segments.length, 1, 'the segment is kept');
      assert.equal(s.segments[0].id, id);
      assert.equal(s.segments[0].status, 'orphan');
      assert.equal(s.segments[0].start, undefined);
      assert.equal(s.segments[0].end, undefined);
      assert.equal(s.segments[0].quote, RANG);
      assert.match(s.diagnostics[0].message, /lost its text/);
      assert.ok(s.diagnostics[0].message.includes(RANG), s.diagnostics[0].message);
      assert.equal(s.diagnostics[0].severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(s.decorations!.highlights['brokering-relations'], undefined, 'nothing highlighted');

      await vscode.commands.executeCommand('undo');
      await eventually(() => assert.equal(document.getText(), KELDERBY), 'the editor to undo the deletion');
      s = await eventually(async () => {
        const st = await state(document);
        assert.deepEqual(st.diagnostics, []);
        return st;
      }, 'the orphan problem to go');
      assert.deepEqual(
        s.segments.map((x) => [x.id, x.status, x.start, x.end, x.text]),
        [[id, 'exact', KELDERBY.indexOf(RANG), KELDERBY.indexOf(RANG) + RANG.length, RANG]],
      );
      assert.deepEqual(s.decorations!.highlights['brokering-relations'], [lineRange(KELDERBY_LINES, 3, RANG)]);
    });
  });

  describe('Segment commands', () => {
    it('removes a code, recodes and writes a memo on a segment given by id; the sidecar follows each', async () => {
      const path = 'scratch/commands.md';
      const editor = await open(path, KELDERBY);
      const uri = editor.document.uri.toString();
      const [id] = await code(editor, LOOK, ['coordinating-activities', 'forging-shared-values']);
      const item = async () => {
        const items = (await readSidecar(path)).items;
        assert.equal(items.length, 1);
        assert.equal(items[0].id, id);
        return items[0];
      };
      const codes = async () => (await state(editor.document)).segments.find((x) => x.id === id)?.codes;

      await vscode.commands.executeCommand('qda.removeCode', { uri, id, codes: ['forging-shared-values'] });
      assert.deepEqual(await codes(), ['coordinating-activities']);
      await eventually(async () => assert.deepEqual(codesOf(await item()), ['coordinating-activities']), 'the sidecar after removing a code');

      await vscode.commands.executeCommand('qda.recode', { uri, id, from: 'coordinating-activities', to: 'brokering-relations' });
      assert.deepEqual(await codes(), ['brokering-relations']);
      await eventually(async () => assert.deepEqual(codesOf(await item()), ['brokering-relations']), 'the sidecar after recoding');
      assert.deepEqual(Object.keys((await state(editor.document)).decorations!.highlights), ['brokering-relations']);

      const memo = 'Sam is the **broker** here; compare with interview 3.';
      await vscode.commands.executeCommand('qda.addMemo', { uri, id, memo });
      assert.equal((await state(editor.document)).segments[0].memo, memo);
      await eventually(async () => {
        const it = await item();
        assert.deepEqual(codesOf(it), ['brokering-relations']);
        assert.deepEqual(
          (it.body ?? []).filter((b) => b.type === 'TextualBody'),
          [{ type: 'TextualBody', purpose: 'commenting', value: memo, format: 'text/markdown' }],
        );
      }, 'the memo in the sidecar');

      // Removing the last code keeps the segment for its memo (as removing a code everywhere does).
      await vscode.commands.executeCommand('qda.removeCode', { uri, id, codes: ['brokering-relations'] });
      assert.deepEqual((await state(editor.document)).segments.map((x) => ({ id: x.id, codes: x.codes, memo: x.memo })), [{ id, codes: [], memo }]);
      await eventually(async () => {
        const it = await item();
        assert.deepEqual(codesOf(it), []);
        assert.deepEqual((it.body ?? []).map((b) => b.type), ['TextualBody']);
      }, 'the sidecar keeping the memo');
      // With its memo cleared too, nothing is left of the segment and it goes.
      await vscode.commands.executeCommand('qda.addMemo', { uri, id, memo: '' });
      assert.deepEqual((await state(editor.document)).segments, []);
      await eventually(async () => assert.deepEqual((await readSidecar(path)).items, []), 'the sidecar without the segment');
    });

    it('selects the next and the previous coded segment, wrapping around', async () => {
      const editor = await open('scratch/navigate.md', KELDERBY);
      const document = editor.document;
      await code(editor, MEET, ['coordinating-activities']);
      await code(editor, RANG, ['brokering-relations']);
      const rangeOf = (p: string) => {
        const at = KELDERBY.indexOf(p);
        return new vscode.Range(document.positionAt(at), document.positionAt(at + p.length));
      };
      const selected = () => editor.document.getText(editor.selection);
      editor.selection = new vscode.Selection(0, 0, 0, 0);

      await vscode.commands.executeCommand('qda.nextSegment');
      assert.ok(editor.selection.isEqual(rangeOf(RANG)), `selected “${selected()}”`);
      await vscode.commands.executeCommand('qda.nextSegment');
      assert.ok(editor.selection.isEqual(rangeOf(MEET)), `selected “${selected()}”`);
      await vscode.commands.executeCommand('qda.nextSegment');
      assert.ok(editor.selection.isEqual(rangeOf(RANG)), `wrapped to the first; selected “${selected()}”`);
      await vscode.commands.executeCommand('qda.previousSegment');
      assert.ok(editor.selection.isEqual(rangeOf(MEET)), `wrapped to the last; selected “${selected()}”`);
      await vscode.commands.executeCommand('qda.previousSegment');
      assert.ok(editor.selection.isEqual(rangeOf(RANG)), `selected “${selected()}”`);
    });
  });

  describe('Sidecar files on disk', () => {
    it('moves the sidecar with a renamed document and records the new name', async () => {
      const from = 'scratch/rename-before.md';
      const to = 'scratch/rename-after.md';
      const editor = await open(from, KELDERBY);
      const ids = [...(await code(editor, RANG, ['brokering-relations'])), ...(await code(editor, MEET, ['coordinating-activities']))].sort();
      const before = await readSidecar(from);
      assert.deepEqual(before.items.map((i) => i.id).sort(), ids);

      const edit = new vscode.WorkspaceEdit();
      edit.renameFile(fileUri(from), fileUri(to));
      assert.ok(await vscode.workspace.applyEdit(edit), 'the rename was not applied');

      const after = await eventually(async () => {
        assert.equal(await exists(sidecarUri(from)), false, 'the old sidecar is still there');
        const sidecar = await readSidecar(to);
        assert.deepEqual(sidecar.items.map((i) => i.id).sort(), ids);
        for (const i of sidecar.items) assert.equal(i.target.source, 'file:rename-after.md');
        return sidecar;
      }, 'the sidecar to move and name the new file');
      assert.equal(after.id, before.id, 'the same annotation page');
      assert.deepEqual(
        after.items.map((i) => [i.id, quoteOf(i).exact, positionOf(i), codesOf(i)]),
        before.items.map((i) => [i.id, quoteOf(i).exact, positionOf(i), codesOf(i)]),
      );

      // The editor shows the coding under the new name.
      const renamed = await vscode.workspace.openTextDocument(fileUri(to));
      await vscode.window.showTextDocument(renamed);
      const s = await eventually(async () => {
        const st = await state(renamed);
        assert.deepEqual(st.segments.map((x) => x.id).sort(), ids);
        return st;
      }, 'the renamed document to show its coding');
      assert.equal(s.path, to);
      assert.deepEqual(Object.keys(s.decorations!.highlights).sort(), ['brokering-relations', 'coordinating-activities']);
    });

    it('reloads a sidecar changed outside the editor (a colleague’s coding pulled from git)', async () => {
      const path = 'scratch/outside.md';
      const editor = await open(path, KELDERBY);
      const [mine] = await code(editor, RANG, ['brokering-relations']);
      const sidecar = await readSidecar(path);
      const theirs = annotationOver(KELDERBY, MEET, ['shaping-boundaries'], 'outside.md');
      sidecar.items.push(theirs);
      await writeText(sidecarUri(path), JSON.stringify(sidecar, null, 2) + '\n');

      const s = await eventually(async () => {
        const st = await state(editor.document);
        assert.equal(st.segments.length, 2);
        return st;
      }, 'the editor to pick up the changed sidecar', 15000);
      assert.deepEqual(s.segments.find((x) => x.id === mine)?.text, RANG);
      const t = s.segments.find((x) => x.id === theirs.id);
      assert.ok(t, 'the new segment is shown');
      assert.equal(t.text, MEET);
      assert.equal(t.status, 'exact');
      assert.equal(t.creator, 'A colleague');
      assert.deepEqual(t.codes, ['shaping-boundaries']);
      assert.deepEqual(s.decorations!.highlights['shaping-boundaries'], [lineRange(KELDERBY_LINES, 5, MEET)]);
      assert.deepEqual(s.decorations!.stripes, { 3: ['brokering-relations'], 5: ['shaping-boundaries'] });
    });

    it('keeps a document with a conflicted sidecar readable, codes nothing into it, and reports the conflict in Problems', async () => {
      const path = 'scratch/conflicted.md';
      const ours = annotationOver(KELDERBY, RANG, ['brokering-relations'], 'conflicted.md');
      const theirs = annotationOver(KELDERBY, MEET, ['coordinating-activities'], 'conflicted.md');
      const page = (items: SidecarItem[]) => JSON.stringify({ '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'urn:uuid:' + globalThis.crypto.randomUUID(), type: 'AnnotationPage', version: 1, items }, null, 2);
      const oursLines = page([ours]).split('\n');
      // What git leaves after both sides coded different passages.
      const conflicted = [...oursLines.slice(0, 6), '<<<<<<< HEAD', ...oursLines.slice(6, -2), '=======', ...page([theirs]).split('\n').slice(6, -2), '>>>>>>> colleague/coding', ...oursLines.slice(-2), ''].join('\n');
      const markerLine = conflicted.split('\n').indexOf('<<<<<<< HEAD');
      await writeText(sidecarUri(path), conflicted);

      const editor = await open(path, KELDERBY);
      const document = editor.document;
      assert.equal(document.getText(), KELDERBY, 'the document is readable');
      const s = await state(document);
      assert.equal(s.readOnly, true);
      assert.deepEqual(s.segments, []);
      assert.ok(s.problems.length > 0, 'no problem reported');
      assert.match(s.problems[0].message, /conflict/i);

      // Coding is refused and the file is left byte for byte as it was.
      const bytes = await vscode.workspace.fs.readFile(sidecarUri(path));
      select(editor, RANG);
      const ids = await vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection', { uri: document.uri.toString(), codes: ['brokering-relations'] });
      assert.equal(ids, undefined, 'something was coded');
      assert.deepEqual((await state(document)).segments, []);
      assert.deepEqual(await vscode.workspace.fs.readFile(sidecarUri(path)), bytes);
      assert.equal(await readText(sidecarUri(path)), conflicted);

      // Problems lists it on the sidecar file, at the first conflict marker.
      const problems = await eventually(() => {
        const ds = vscode.languages.getDiagnostics(sidecarUri(path)).filter((d) => d.source === 'Orchestration QDA');
        assert.equal(ds.length, 1, JSON.stringify(ds.map((d) => d.message)));
        return ds;
      }, 'a problem on the sidecar file');
      assert.match(problems[0].message, /conflict/i);
      assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
      assert.equal(problems[0].range.start.line, markerLine);

      // Resolving the conflict on disk resumes coding: both sides' segments show, the problem goes.
      await writeText(sidecarUri(path), page([ours, theirs]) + '\n');
      const resolved = await eventually(async () => {
        const st = await state(document);
        assert.equal(st.readOnly, false);
        assert.deepEqual(st.segments.map((x) => x.text).sort(), [MEET, RANG].sort());
        return st;
      }, 'the resolved sidecar to load', 15000);
      assert.deepEqual(resolved.problems, []);
      await eventually(() => assert.deepEqual(vscode.languages.getDiagnostics(sidecarUri(path)), []), 'the sidecar problem to go');
      await code(editor, LOOK, ['forging-shared-values']);
      assert.equal((await readSidecar(path)).items.length, 3);
    });
  });

  describe('CRLF documents', () => {
    it('counts one LF per line end in the sidecar, as for the same text with LF line ends', async () => {
      const crlfText = KELDERBY_LINES.join('\r\n') + '\r\n';
      const across = 'she has already solved this.\r\nInterviewer: And did they talk?';
      const crlf = await open('scratch/crlf.md', crlfText);
      assert.equal(crlf.document.eol, vscode.EndOfLine.CRLF);
      assert.equal(crlf.document.getText(), crlfText);
      await code(crlf, MEET, ['coordinating-activities']);
      await code(crlf, across, ['brokering-relations']);
      const lf = await open('scratch/crlf-as-lf.md', KELDERBY);
      assert.equal(lf.document.eol, vscode.EndOfLine.LF);
      await code(lf, MEET, ['coordinating-activities']);
      await code(lf, across.replace('\r\n', '\n'), ['brokering-relations']);

      const where = (sc: SidecarJson) => sc.items.map((i) => [codesOf(i), positionOf(i), quoteOf(i).exact, quoteOf(i).prefix, quoteOf(i).suffix]);
      const fromCrlf = await readSidecar('scratch/crlf.md');
      assert.deepEqual(where(fromCrlf), where(await readSidecar('scratch/crlf-as-lf.md')));
      const meet = fromCrlf.items.find((i) => codesOf(i)[0] === 'coordinating-activities')!;
      assert.deepEqual(positionOf(meet), { type: 'TextPositionSelector', start: cp(KELDERBY, KELDERBY.indexOf(MEET)), end: cp(KELDERBY, KELDERBY.indexOf(MEET)) + MEET.length });
      assert.equal(cp(crlfText, crlfText.indexOf(MEET)), crlfText.indexOf(MEET) - 5 - 3, 'five CRLFs and three emoji before it');
      const spanning = fromCrlf.items.find((i) => codesOf(i)[0] === 'brokering-relations')!;
      assert.equal(quoteOf(spanning).exact, across.replace('\r\n', '\n'));

      // The editor shows it on the right line; typing a line in and saving keeps the sidecar in LF terms.
      // (Showing the LF twin closed the first editor: show the CRLF document again.)
      const crlfEditor = await vscode.window.showTextDocument(crlf.document);
      assert.deepEqual((await state(crlf.document)).decorations!.highlights['coordinating-activities'], [lineRange(KELDERBY_LINES, 5, MEET)]);
      assert.ok(await crlfEditor.edit((b) => b.insert(new vscode.Position(1, 0), 'Recorded on 3 May.\n')));
      assert.ok(crlf.document.getText().startsWith(KELDERBY_LINES[0] + '\r\nRecorded on 3 May.\r\n'), 'the editor keeps CRLF');
      const s = await state(crlf.document);
      assert.deepEqual(s.segments.map((x) => x.text).sort(), [MEET, across].sort());
      assert.ok(await crlf.document.save());
      const text = crlf.document.getText();
      await eventually(async () => {
        const sc = await readSidecar('scratch/crlf.md');
        const m = sc.items.find((i) => codesOf(i)[0] === 'coordinating-activities')!;
        assert.deepEqual(positionOf(m), { type: 'TextPositionSelector', start: cp(text, text.indexOf(MEET)), end: cp(text, text.indexOf(MEET)) + MEET.length });
        assert.equal(quoteOf(m).exact, MEET);
        const a = sc.items.find((i) => codesOf(i)[0] === 'brokering-relations')!;
        assert.equal(positionOf(a)!.start, cp(text, text.indexOf(across)));
        assert.equal(quoteOf(a).exact, across.replace('\r\n', '\n'));
      }, 'the sidecar to follow the saved CRLF text');
      assert.equal(await readText(fileUri('scratch/crlf.md')), text, 'saved with CRLF');
    });
  });

  describe('Inline code labels', () => {
    const config = () => vscode.workspace.getConfiguration('qda');
    after(async () => {
      await config().update('inlineLabels', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('shows the code names at the end of each segment while qda.inlineLabels is on', async () => {
      const editor = await open('scratch/labels.md', KELDERBY);
      await code(editor, RANG, ['brokering-relations']);
      await code(editor, MEET, ['coordinating-activities', 'forging-shared-values']);
      assert.deepEqual((await state(editor.document)).decorations!.labels, [], 'no labels by default');

      await config().update('inlineLabels', true, vscode.ConfigurationTarget.Workspace);
      const name = (id: string) => codeEntry(id).name;
      await eventually(async () => {
        const labels = (await state(editor.document)).decorations!.labels;
        assert.deepEqual(
          [...labels].sort((a, b) => a.line - b.line),
          [
            { line: 3, text: `⟨${name('brokering-relations')}⟩` },
            { line: 5, text: `⟨${name('coordinating-activities')}, ${name('forging-shared-values')}⟩` },
          ],
        );
      }, 'the labels to show');

      await config().update('inlineLabels', undefined, vscode.ConfigurationTarget.Workspace);
      await eventually(async () => assert.deepEqual((await state(editor.document)).decorations!.labels, []), 'the labels to go');
    });
  });
});
