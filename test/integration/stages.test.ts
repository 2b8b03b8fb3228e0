// Stage outlines inside a real VS Code: the document symbols (Outline view, breadcrumbs, Go to
// Symbol) of field notes and transcripts grouped by stage, with the reason for each place (stage
// marker, front matter, codes); placement by codes as coding happens; the structure re-read
// incrementally on typing and not at all on coding; the Stages view; the stage report; the
// qda.stageOutline setting.
//
// Runs after panel.test.ts (files run in alphabetical order) but relies on nothing it did: the
// `before` hook opens a document and creates the codebook if there is none. The fixture is
// test/fixtures/workspace/stages/ (two documents with front matter and their sidecars, written
// with `qda add`); the coding done here goes into documents written under scratch/ at test time.
// Earlier tests' coding (panel/, scratch/) is counted from the sidecars on disk wherever the
// Stages view and the report show every document.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually as waitFor, exists, fileUri, readText, testApi, writeText } from './helpers';

const EXTENSION_ID = 'orchestration-qda.orchestration-qda';

// ---- the fixture (test/fixtures/workspace/stages/) ---------------------------------------------------

/** Field notes: front matter with `date:` (no stage), a leadership marker under the title, a membership marker in the second section, a third section with none. */
const BOARD = 'stages/harbour-board.md';
/** `stage: relationships` in the front matter, a membership marker in its second section; dated before BOARD (and after it by name). */
const HUDDLE = 'stages/moorside-handover.md';
/** Field notes with no heading, speaker or coding: three markers, each followed by plain paragraphs (and a list); dated between HUDDLE and BOARD. */
const WARD = 'stages/ward-observations.md';
const BOARD_DATE = '2024-03-05';
const HUDDLE_DATE = '2024-01-18';
const WARD_DATE = '2024-02-07';
// The passages the markers open: [document, marker line, first line, text].
const PHONED = 'The charge nurse phoned the bed manager at ten to ask about the transfer to the hospice.\n\nNobody wrote the call down; it was settled on the phone before the huddle.';
const VOLUNTEER = 'A volunteer from the hospice sat in on the huddle for the first time and took notes.\n\n- two porters\n- the coordinator';
const CLOSED = 'The ward manager closed the huddle by reading out the new escalation rule.';
const LIBRARY = 'The board met in the library; the chair kept to the agenda.';
const FIXTURE_PASSAGES: [document: string, stage: string, markerLine: number, line: number, text: string][] = [
  [BOARD, 'leadership', 9, 11, LIBRARY],
  [WARD, 'relationships', 6, 8, PHONED],
  [WARD, 'membership', 12, 14, VOLUNTEER],
  [WARD, 'leadership', 19, 21, CLOSED],
];
const MARKED = 'Passages marked for this stage';

// The passages coded in the fixture's sidecars: [document, quote, code, speaker, line].
const SIGNS_OFF = 'the board signs off every new pathway before it goes live'; // BOARD, relational-leadership, under the leadership marker
const REFERRAL = 'see the referral numbers before anything else'; // BOARD, shaping-boundaries, under the leadership marker
const TRUST = 'The community trust asked for a seat'; // BOARD, shaping-boundaries, under the membership marker
const RING = 'I ring the ward sister directly when a transfer stalls'; // BOARD, coordinating-activities, no marker
const WALK = 'We walk the list together at eight'; // HUDDLE, coordinating-activities, front matter
const BED = 'If a bed frees up'; // HUDDLE, relational-leadership, front matter
const TEXT = 'I text the coordinator straight away'; // HUDDLE, brokering-relations, front matter
const HOSPICE = 'The hospice nurse joins us on Fridays now'; // HUDDLE, shaping-boundaries, under the membership marker
const FIXTURE_SEGMENTS: [document: string, quote: string, code: string, speaker: string, line: number][] = [
  [BOARD, SIGNS_OFF, 'relational-leadership', 'Chair', 15],
  [BOARD, REFERRAL, 'shaping-boundaries', 'Manager', 17],
  [BOARD, TRUST, 'shaping-boundaries', 'Chair', 23],
  [BOARD, RING, 'coordinating-activities', 'Nurse', 31],
  [HUDDLE, WALK, 'coordinating-activities', 'Coordinator', 9],
  [HUDDLE, BED, 'relational-leadership', 'Porter', 11],
  [HUDDLE, TEXT, 'brokering-relations', 'Porter', 11],
  [HUDDLE, HOSPICE, 'shaping-boundaries', 'Coordinator', 17],
];

const LEADERSHIP = 'leadership';
const MEMBERSHIP = 'membership';
const RELATIONSHIPS = 'relationships';
const NO_STAGE = 'No stage';
/** "No stage", or "No stage (2 sections, 14 speaker turns)" as the outline names it with what it holds. */
const isNoStage = (name: string) => name === NO_STAGE || name.startsWith(`${NO_STAGE} (`);

// ---- workspace helpers ----------------------------------------------------------------------------------




// ---- the codebook --------------------------------------------------------------------------------------

interface CodebookJson {
  name?: string;
  stages: { id: string; name: string }[];
  codes: { id: string; name: string; parent?: string; stage?: string }[];
}
async function readCodebook(): Promise<CodebookJson> {
  return JSON.parse(await readText(fileUri('codebook.json'))) as CodebookJson;
}
let codebook: CodebookJson;
function stageName(id: string): string {
  const s = codebook.stages.find((x) => x.id === id);
  assert.ok(s, `stage ${id} is not in codebook.json`);
  return s.name;
}
function codeName(id: string): string {
  const c = codebook.codes.find((x) => x.id === id);
  assert.ok(c, `${id} is not in codebook.json`);
  return c.name;
}
/** A code's stage id: its own, else its nearest ancestor's. */
function stageOfCode(cb: CodebookJson, id: string): string | undefined {
  const seen = new Set<string>();
  for (let c = cb.codes.find((x) => x.id === id); c && !seen.has(c.id); c = cb.codes.find((x) => x.id === c!.parent)) {
    seen.add(c.id);
    if (c.stage) return c.stage;
  }
  return undefined;
}

// ---- the outline as VS Code shows it ------------------------------------------------------------------------

async function documentSymbols(uri: vscode.Uri): Promise<vscode.DocumentSymbol[]> {
  const result = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', uri);
  return result ?? [];
}
/** The stage groups among the top-level symbols (other providers, such as the Markdown headings, left out). */
async function stageGroups(uri: vscode.Uri): Promise<vscode.DocumentSymbol[]> {
  const names = new Set([...codebook.stages.map((s) => s.name), NO_STAGE]);
  return (await documentSymbols(uri)).filter((s) => s.kind === vscode.SymbolKind.Namespace && (names.has(s.name) || isNoStage(s.name)));
}
/**
 * The groups in the codebook's order, "No stage" last. VS Code itself lists top-level symbols by
 * where they start (the Outline view sorted by position does too), whatever order the provider gave.
 */
function inCodebookOrder(groups: readonly vscode.DocumentSymbol[]): vscode.DocumentSymbol[] {
  const rank = (g: vscode.DocumentSymbol) => {
    const i = codebook.stages.findIndex((s) => s.name === g.name);
    return i < 0 ? codebook.stages.length : i;
  };
  return [...groups].sort((a, b) => rank(a) - rank(b));
}
/** One line per symbol, indented by depth: "name — detail". */
function render(symbols: readonly vscode.DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.name} — ${s.detail}`, ...render(s.children ?? [], depth + 1)]);
}
function* walk(symbols: readonly vscode.DocumentSymbol[]): Generator<vscode.DocumentSymbol> {
  for (const s of symbols) {
    yield s;
    yield* walk(s.children ?? []);
  }
}
function group(groups: readonly vscode.DocumentSymbol[], name: string): vscode.DocumentSymbol {
  const g = groups.find((x) => x.name === name || (name === NO_STAGE && isNoStage(x.name)));
  assert.ok(g, `no “${name}” group; there: ${groups.map((x) => x.name).join(', ')}`);
  return g;
}
/** The one symbol named `name` in a group (at any depth). */
function symbolIn(g: vscode.DocumentSymbol, name: string): vscode.DocumentSymbol {
  const found = [...walk(g.children ?? [])].filter((s) => s.name === name);
  assert.equal(found.length, 1, `“${name}” is under “${g.name}” ${found.length} times:\n${render([g]).join('\n')}`);
  return found[0];
}

/**
 * Every symbol's ranges cover what it names: a section's selection is its heading line, a turn's
 * its speaker label, a coded segment's range its quoted text; a marker named in a detail is on the
 * line given, and names the group's stage.
 */
function assertRanges(document: vscode.TextDocument, groups: readonly vscode.DocumentSymbol[]): void {
  for (const g of groups) {
    const stageId = codebook.stages.find((s) => s.name === g.name)?.id;
    for (const s of walk(g.children ?? [])) {
      assert.ok(g.range.contains(s.range), `“${s.name}” lies outside its group “${g.name}”`);
      assert.ok(s.range.contains(s.selectionRange), `“${s.name}”: the selection lies outside the range`);
      const selected = document.getText(s.selectionRange);
      const words = (prefix: string) => s.name.slice(prefix.length).replace(/…$/, '');
      if (s.kind === vscode.SymbolKind.String) {
        assert.match(selected, /^#{1,6} /, `the section “${s.name}” is not selected at its heading`);
        assert.equal(selected.replace(/^#{1,6} /, '').trim(), s.name, `the heading of the section “${s.name}”`);
      } else if (s.kind === vscode.SymbolKind.Event) {
        assert.match(selected, /^[^:]+:$/, `the turn “${s.name}” is not selected at its speaker label`);
        assert.ok(s.name.startsWith(selected + ' '), `the turn “${s.name}” has the label “${selected}”`);
        assert.ok(document.getText(s.range).startsWith(selected + ' ' + words(selected + ' ')), `the turn “${s.name}” starts where it says`);
      } else if (s.kind === vscode.SymbolKind.Property) {
        // A passage a marker opens: named by the first words of its first block, which it selects.
        const first = selected.replace(/^(?:[>*+-]|\d+[.)])[ \t]+/, '').replace(/\s+/g, ' ');
        assert.ok(first.startsWith(s.name.replace(/…$/, '')), `the passage “${s.name}” selects “${selected}”`);
        assert.ok(document.getText(s.range).startsWith(selected), `the passage “${s.name}” starts at its first block`);
      } else {
        assert.equal(s.kind, vscode.SymbolKind.Field, `“${s.name}”: an unexpected kind ${s.kind}`);
        const colon = s.name.indexOf(': ');
        assert.ok(colon > 0, `the segment “${s.name}” is not named “code: first words”`);
        assert.ok(document.getText(s.range).startsWith(words(s.name.slice(0, colon + 2))), `the segment “${s.name}” covers “${document.getText(s.range)}”`);
      }
      const marker = /^stage marker on line (\d+)$/.exec(s.detail);
      if (marker) {
        const line = Number(marker[1]);
        assert.equal(document.lineAt(line - 1).text, `<!-- stage: ${stageId} -->`, `“${s.name}” names line ${line} for its marker`);
      }
    }
  }
}

interface ParseCounts {
  full: number;
  incremental: number;
}
interface CoreOutline {
  outline?: { groups: { stage?: string; name: string; items: { name: string; detail: string }[] }[] };
  parses: ParseCounts;
}
async function coreOutline(uri: vscode.Uri): Promise<CoreOutline> {
  const o = (await (await testApi()).outline({ uri: uri.toString() })) as CoreOutline | undefined;
  assert.ok(o, `the test API's outline returned nothing for ${uri.path}`);
  return o;
}

/** Writes a document (unless `text` is undefined), opens it in the editor and waits for its stage outline. */
async function open(path: string, text?: string): Promise<vscode.TextEditor> {
  const uri = fileUri(path);
  if (text !== undefined) await writeText(uri, text);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  await waitFor(async () => assert.ok((await stageGroups(uri)).length > 0), `the stage outline of ${path}`);
  return editor;
}

/** Selects `passage` and codes it as the user would (no picker: codes given). */
async function code(editor: vscode.TextEditor, passage: string, codes: string[]): Promise<void> {
  const document = editor.document;
  const at = document.getText().indexOf(passage);
  assert.ok(at >= 0, `“${passage}” is not in ${document.uri.path}`);
  editor.selection = new vscode.Selection(document.positionAt(at), document.positionAt(at + passage.length));
  const ids = await vscode.commands.executeCommand<string[] | undefined>('qda.codeSelection', { uri: document.uri.toString(), codes });
  assert.ok(ids && ids.length > 0, `coding “${passage}” with ${codes.join(', ')} did nothing`);
}

// ---- the sidecars and documents on disk ----------------------------------------------------------------------

interface SidecarItem {
  id: string;
  body?: { type: string; purpose?: string; source?: string }[];
  target: { selector: { type: string; exact?: string; start?: number }[] };
}
interface DiskSegment {
  quote: string;
  start?: number;
  codes: string[];
}
/** Every coded segment on disk: document path → segments in document order. */
async function segmentsOnDisk(): Promise<Map<string, DiskSegment[]>> {
  const out = new Map<string, DiskSegment[]>();
  for (const uri of await vscode.workspace.findFiles('**/*.annotations.json')) {
    const document = vscode.workspace.asRelativePath(uri, false).replace(/\.annotations\.json$/, '');
    let items: SidecarItem[];
    try {
      items = (JSON.parse(await readText(uri)) as { items: SidecarItem[] }).items;
    } catch {
      continue; // unreadable: counts nothing
    }
    const segs = items
      .map((i) => ({
        quote: i.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact ?? '',
        start: i.target.selector.find((s) => s.type === 'TextPositionSelector')?.start,
        codes: [...new Set((i.body ?? []).filter((b) => b.type === 'SpecificResource' && b.purpose === 'classifying').map((b) => decodeURIComponent(b.source!.replace(/^urn:qda:code:/, ''))))],
      }))
      .filter((s) => s.codes.length > 0);
    if (segs.length > 0) out.set(document, segs);
  }
  return out;
}
/** The `date:` of a document's front matter, as written. */
async function dateOf(document: string): Promise<string | undefined> {
  const text = await readText(fileUri(document)).catch(() => '');
  const fm = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  return fm ? /^date:[ \t]*["']?([^"'\r\n]+?)["']?[ \t]*$/m.exec(fm[1])?.[1] : undefined;
}
/** Documents by front-matter date, undated last, then by path. */
async function byDate(documents: string[]): Promise<string[]> {
  const dates = new Map(await Promise.all(documents.map(async (d) => [d, (await dateOf(d)) ?? '\uffff'] as const)));
  return [...documents].sort((a, b) => dates.get(a)!.localeCompare(dates.get(b)!) || a.localeCompare(b));
}
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** On one line, at most `n` characters (as the views shorten quotes). */
const shorten = (s: string, n: number) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= n ? one : one.slice(0, n - 1) + '…';
};

// ---- the Stages view -----------------------------------------------------------------------------------------

interface TreeNode {
  label: string;
  description?: string;
  command?: { command: string; arguments?: unknown[] };
  children: TreeNode[];
}
async function stagesTree(): Promise<TreeNode[]> {
  const v = (await (await testApi()).views()) as { stages?: TreeNode[] } | undefined;
  assert.ok(v?.stages, 'the test API gave no stages tree');
  return v.stages;
}
function child(nodes: readonly TreeNode[], label: string): TreeNode {
  const n = nodes.find((x) => x.label === label);
  assert.ok(n, `no “${label}”; there: ${nodes.map((x) => x.label).join(', ')}`);
  return n;
}

// ---------------------------------------------------------------------------------------------------

describe('Stage outlines', () => {
  before(async function () {
    this.timeout(60000);
    // Opening a document activates the extension (onLanguage:markdown).
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri(BOARD)));
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    if (!(await exists(fileUri('codebook.json')))) {
      const created = await vscode.commands.executeCommand<boolean>('qda.createCodebook', { template: 'network-orchestration' });
      assert.equal(created, true, 'qda.createCodebook did not create the codebook');
    }
    codebook = await waitFor(readCodebook, 'codebook.json on disk');
    for (const id of [LEADERSHIP, MEMBERSHIP, RELATIONSHIPS]) stageName(id);
    for (const [, , id] of FIXTURE_SEGMENTS) assert.equal(stageOfCode(codebook, id) !== undefined, true, `${id} has no stage in the codebook`);
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: null });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('qda').update('stageOutline', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('groups sections, speaker turns and coded segments by stage, saying why: stage marker, front matter, codes', async () => {
    const board = await open(BOARD);
    const document = board.document;
    const leadership = stageName(LEADERSHIP);
    const membership = stageName(MEMBERSHIP);
    const relationships = stageName(RELATIONSHIPS);
    const fixture = (id: string) => codeName(id);

    const groups = await waitFor(async () => {
      const g = await stageGroups(document.uri);
      // Every coded segment of the fixture is in.
      assert.equal([...walk(g)].filter((s) => s.kind === vscode.SymbolKind.Field).length, 4, render(g).join('\n'));
      return g;
    }, 'the outline of the field notes with their coding');
    // The stages that have something, in the codebook's order, then "No stage" with what it holds.
    assert.deepEqual(groups.map((g) => g.name), [leadership, membership, relationships, `${NO_STAGE} (1 speaker turn)`]);
    const marker = (line: number) => `stage marker on line ${line}`;
    assert.deepEqual(render(groups), [
      `${leadership} — 3 items`,
      // The marker under the title reaches its sub-sections, up to the next marker.
      `  Network board meeting, Harbour — ${marker(9)}`,
      // The paragraph the marker opens, named by its first words.
      `    The board met in the library; the chair… — ${marker(9)}`,
      `    Opening of the meeting — ${marker(9)}`,
      `      Chair: We agreed last month that the board signs… — ${marker(9)}`,
      `      Manager: Then the board should see the referral numbers… — ${marker(9)}`,
      `  ${fixture('relational-leadership')}: the board signs off every new pathway before… — ${marker(9)}`,
      // A marker comes before the code's own stage (Shaping boundaries belongs to Membership).
      `  ${fixture('shaping-boundaries')}: see the referral numbers before anything else — ${marker(9)}`,
      `${membership} — 2 items`,
      `  Who sits at the table — ${marker(21)}`,
      `    Chair: The community trust asked for a seat, and… — ${marker(21)}`,
      `    Nurse: Our team only joins when the agenda touches… — ${marker(21)}`,
      `  ${fixture('shaping-boundaries')}: The community trust asked for a seat — ${marker(21)}`,
      // No marker reaches the last section: its coding places it, and the turn coded.
      `${relationships} — 2 items`,
      `  Between the meetings — coded ${fixture('coordinating-activities')}`,
      `    Nurse: I ring the ward sister directly when a… — coded ${fixture('coordinating-activities')}`,
      `  ${fixture('coordinating-activities')}: I ring the ward sister directly when a… — coded ${fixture('coordinating-activities')}`,
      // The document has headings: "No stage" lists sections only, and counts the turn it leaves out.
      `${NO_STAGE} (1 speaker turn) — 0 items; 1 speaker turn not listed (sections only)`,
    ]);
    assertRanges(document, groups);
    const library = symbolIn(group(groups, leadership), 'The board met in the library; the chair…');
    assert.equal(library.kind, vscode.SymbolKind.Property);
    assert.equal(document.getText(library.range), LIBRARY);
    assert.equal(library.range.start.line, 10);
    // The marker lines are where the details say.
    assert.equal(document.lineAt(8).text, `<!-- stage: ${LEADERSHIP} -->`);
    assert.equal(document.lineAt(20).text, `<!-- stage: ${MEMBERSHIP} -->`);
    // Ranges: the section spans its heading to its last turn; a segment its quote.
    const who = symbolIn(group(groups, membership), 'Who sits at the table');
    assert.equal(who.selectionRange.start.line, 18);
    assert.equal(who.range.end.line, 24);
    const ring = symbolIn(group(groups, relationships), `${fixture('coordinating-activities')}: I ring the ward sister directly when a…`);
    assert.equal(document.getText(ring.range), RING);
    assert.equal(ring.range.start.line, 30);

    // The front-matter document: its turns in Relationships and processes because of the front
    // matter, whatever their codes; a marker in it still comes first.
    const huddle = await open(HUDDLE);
    const fm = 'stage "relationships" in the front matter';
    const h = await waitFor(async () => {
      const g = await stageGroups(huddle.document.uri);
      assert.equal([...walk(g)].filter((s) => s.kind === vscode.SymbolKind.Field).length, 4, render(g).join('\n'));
      return g;
    }, 'the outline of the front-matter document with its coding');
    assert.deepEqual(h.map((g) => g.name).sort(), [membership, relationships].sort(), 'no Leadership (its code’s segment is placed by the front matter), no “No stage”');
    assert.deepEqual(render([group(h, relationships)]), [
      `${relationships} — 4 items`,
      `  Handover huddle, Moorside — ${fm}`,
      `    Coordinator: We walk the list together at eight, before… — ${fm}`,
      `    Porter: If a bed frees up I text the… — ${fm}`,
      `  ${fixture('coordinating-activities')}: ${WALK} — ${fm}`,
      // Coded with a Leadership code, placed by the front matter.
      `  ${fixture('relational-leadership')}: ${BED} — ${fm}`,
      `  ${fixture('brokering-relations')}: ${TEXT} — ${fm}`,
    ]);
    assert.deepEqual(render([group(h, membership)]), [
      `${membership} — 2 items`,
      `  Who joins the huddle — ${marker(15)}`,
      `    Coordinator: The hospice nurse joins us on Fridays now,… — ${marker(15)}`,
      `  ${fixture('shaping-boundaries')}: ${HOSPICE} — ${marker(15)}`,
    ]);
    assertRanges(huddle.document, h);
    // VS Code orders top-level symbols by position; the outline itself keeps the codebook's order
    // with "No stage" last.
    const core = await coreOutline(huddle.document.uri);
    assert.ok(core.outline, 'the test API gave no outline');
    assert.deepEqual(core.outline.groups.map((g) => g.name), [...codebook.stages.map((s) => s.name), NO_STAGE]);
    assert.deepEqual(core.outline.groups.filter((g) => g.items.length > 0).map((g) => g.name), [membership, relationships]);
  });

  it('field notes with no heading, speaker or coding: each passage a marker opens is under its stage, named by its first words', async () => {
    const ward = await open(WARD);
    const document = ward.document;
    const groups = inCodebookOrder(await stageGroups(document.uri));
    const marker = (line: number) => `stage marker on line ${line}`;
    assert.deepEqual(render(groups), [
      `${stageName(LEADERSHIP)} — 1 item`,
      `  The ward manager closed the huddle by reading… — ${marker(19)}`,
      `${stageName(MEMBERSHIP)} — 1 item`,
      `  A volunteer from the hospice sat in on… — ${marker(12)}`,
      `${stageName(RELATIONSHIPS)} — 1 item`,
      `  The charge nurse phoned the bed manager at… — ${marker(6)}`,
    ]);
    assertRanges(document, groups);
    // Each passage spans its paragraphs (and list) up to the next marker; its first paragraph is selected.
    for (const [doc, stage, markerLine, line, text] of FIXTURE_PASSAGES) {
      if (doc !== WARD) continue;
      const [p] = group(groups, stageName(stage)).children;
      assert.equal(p.kind, vscode.SymbolKind.Property);
      assert.equal(document.getText(p.range), text);
      assert.equal(p.range.start.line, line - 1);
      assert.equal(document.getText(p.selectionRange), text.split('\n')[0]);
      assert.equal(p.detail, marker(markerLine));
    }
    // Go to Symbol in Editor lists them too (the same provider).
    const all = [...walk(await documentSymbols(document.uri))].map((x) => x.name);
    assert.ok(all.includes('The charge nurse phoned the bed manager at…'), all.join('\n'));
  });

  it('places a section without a marker by the codes coded in it, as they are coded', async () => {
    const path = 'scratch/stages-derived.md';
    const editor = await open(
      path,
      [
        '# Kelderby network board',
        '',
        '## Who sits at the table',
        '',
        '<!-- stage: membership -->',
        '',
        'Chair: The community trust asked for a seat, and the hospice wants one too.',
        '',
        '## Between the meetings',
        '',
        'Manager: Most of the work happens on the phone between meetings, not at the board.',
        '',
        'Nurse: I ring the ward sister directly when a transfer stalls.',
        '',
      ].join('\n'),
    );
    const uri = editor.document.uri;
    const membership = stageName(MEMBERSHIP);
    const relationships = stageName(RELATIONSHIPS);
    const unplaced = 'no stage marker, front-matter stage or staged code applies';
    const marker = 'stage marker on line 5';

    // Nothing coded: only the marked section has a stage.
    const before = inCodebookOrder(await stageGroups(uri));
    assert.deepEqual(render(before), [
      `${membership} — 1 item`,
      `  Who sits at the table — ${marker}`,
      `    Chair: The community trust asked for a seat, and… — ${marker}`,
      `${NO_STAGE} (2 sections, 2 speaker turns) — 1 item; 2 speaker turns not listed (sections only)`,
      `  Kelderby network board — ${unplaced}`,
      `    Between the meetings — ${unplaced}`,
    ]);

    // One passage coded with a Relationships code: the section, its title and the turn follow it.
    const coordinating = codeName('coordinating-activities');
    await code(editor, RING, ['coordinating-activities']);
    const coded = await waitFor(async () => {
      const g = await stageGroups(uri);
      assert.ok(g.some((x) => x.name === relationships), `no “${relationships}” group yet:\n${render(g).join('\n')}`);
      return inCodebookOrder(g);
    }, 'the outline to follow the coding');
    assert.equal(editor.document.isDirty, false, 'coding changed the text');
    const by = `coded ${coordinating}`;
    assert.deepEqual(render(coded), [
      `${membership} — 1 item`,
      `  Who sits at the table — ${marker}`,
      `    Chair: The community trust asked for a seat, and… — ${marker}`,
      `${relationships} — 2 items`,
      `  Kelderby network board — ${by}`,
      `    Between the meetings — ${by}`,
      `      Nurse: I ring the ward sister directly when a… — ${by}`,
      `  ${coordinating}: I ring the ward sister directly when a… — ${by}`,
      `${NO_STAGE} (1 speaker turn) — 0 items; 1 speaker turn not listed (sections only)`,
    ]);
    assertRanges(editor.document, coded);

    // A second passage in the section, with a Membership code: one segment each, and a tie goes
    // to the stage first in the codebook; each turn goes by its own coding.
    const shaping = codeName('shaping-boundaries');
    await code(editor, 'Most of the work happens on the phone', ['shaping-boundaries']);
    const tie = `coded ${shaping} (1 segment); also 1 in ${relationships}; a tie goes to the stage first in the codebook`;
    const tied = await waitFor(async () => {
      const g = await stageGroups(uri);
      assert.ok(!g.some((x) => isNoStage(x.name)), `“${NO_STAGE}” is still there:\n${render(g).join('\n')}`);
      return inCodebookOrder(g);
    }, 'the outline to follow the second coding');
    assert.deepEqual(render(tied), [
      `${membership} — 2 items`,
      `  Kelderby network board — ${tie}`,
      `    Who sits at the table — ${marker}`,
      `      Chair: The community trust asked for a seat, and… — ${marker}`,
      `    Between the meetings — ${tie}`,
      `      Manager: Most of the work happens on the phone… — coded ${shaping}`,
      `  ${shaping}: Most of the work happens on the phone — coded ${shaping}`,
      `${relationships} — 2 items`,
      `  Nurse: I ring the ward sister directly when a… — ${by}`,
      `  ${coordinating}: I ring the ward sister directly when a… — ${by}`,
    ]);
    assertRanges(editor.document, tied);
  });

  it('re-reads the structure incrementally after typing, and not at all after coding', async () => {
    const path = 'scratch/stages-typing.md';
    const editor = await open(
      path,
      ['# Ward huddle', '', '<!-- stage: relationships -->', '', 'Coordinator: We walk the list together at eight, before the ward rounds start.', '', '# Between the meeting', '', 'Porter: If a bed frees up I text the coordinator straight away.', ''].join('\n'),
    );
    const document = editor.document;
    const uri = document.uri;
    const relationships = stageName(RELATIONSHIPS);
    const membership = stageName(MEMBERSHIP);
    const shaping = codeName('shaping-boundaries');
    await code(editor, BED, ['shaping-boundaries']);
    await waitFor(async () => assert.ok((await stageGroups(uri)).some((g) => g.name === membership)), 'the coded section in Membership and roles');

    // Typing one character: the structure is brought up to date from the edit, not parsed again.
    const before = (await coreOutline(uri)).parses;
    const heading = 6;
    assert.equal(document.lineAt(heading).text, '# Between the meeting');
    editor.selection = new vscode.Selection(heading, 21, heading, 21);
    await vscode.commands.executeCommand('type', { text: 's' });
    assert.equal(document.lineAt(heading).text, '# Between the meetings');
    const typed = await waitFor(async () => {
      const g = await stageGroups(uri);
      assert.ok([...walk(g)].some((s) => s.name === 'Between the meetings'), render(g).join('\n'));
      return inCodebookOrder(g);
    }, 'the outline to show the new heading');
    const after = (await coreOutline(uri)).parses;
    assert.equal(after.full, before.full, 'a full parse after typing one character');
    assert.ok(after.incremental > before.incremental, `no incremental parse after typing (${JSON.stringify(before)} → ${JSON.stringify(after)})`);
    // …and the outline is still right, ranges included.
    const marker = 'stage marker on line 3';
    assert.deepEqual(render(typed), [
      `${membership} — 2 items`,
      `  Between the meetings — coded ${shaping}`,
      `    Porter: If a bed frees up I text the… — coded ${shaping}`,
      `  ${shaping}: ${BED} — coded ${shaping}`,
      `${relationships} — 1 item`,
      `  Ward huddle — ${marker}`,
      `    Coordinator: We walk the list together at eight, before… — ${marker}`,
    ]);
    assertRanges(document, typed);

    // Coding changes no text: nothing is parsed, yet the outline shows the new segment.
    const version = document.version;
    const settled = (await coreOutline(uri)).parses;
    const brokering = codeName('brokering-relations');
    await code(editor, TEXT, ['brokering-relations']);
    const recoded = await waitFor(async () => {
      const g = await stageGroups(uri);
      assert.ok([...walk(g)].some((s) => s.name === `${brokering}: ${TEXT}`), render(g).join('\n'));
      return inCodebookOrder(g);
    }, 'the outline to show the new segment');
    assert.equal(document.version, version, 'coding changed the document');
    assert.deepEqual((await coreOutline(uri)).parses, settled, 'coding parsed the document again');
    const tie = `coded ${shaping} (1 segment); also 1 in ${relationships}; a tie goes to the stage first in the codebook`;
    assert.deepEqual(render(recoded), [
      `${membership} — 2 items`,
      `  Between the meetings — ${tie}`,
      `    Porter: If a bed frees up I text the… — ${tie}`,
      `  ${shaping}: ${BED} — coded ${shaping}`,
      `${relationships} — 2 items`,
      `  Ward huddle — ${marker}`,
      `    Coordinator: We walk the list together at eight, before… — ${marker}`,
      `  ${brokering}: ${TEXT} — coded ${brokering}`,
    ]);
    assertRanges(document, recoded);
    assert.ok(await document.save(), 'the document could not be saved');
  });

  it('shows the Stages view: stage, code, documents by date, segments, with counts', async () => {
    const cb = await readCodebook();
    /** The tree as the sidecars on disk have it (segments sorted by label: their order is checked below for the fixture). */
    const expected = async (): Promise<TreeNode[]> => {
      const disk = await segmentsOnDisk();
      const out: TreeNode[] = [];
      for (const stage of [...cb.stages.map((s) => ({ id: s.id as string | undefined, name: s.name })), { id: undefined, name: NO_STAGE }]) {
        const codes = cb.codes.filter((c) => stageOfCode(cb, c.id) === stage.id);
        if (stage.id === undefined && codes.length === 0) continue;
        // Distinct segments with a code of the stage: one with two of its codes counts once.
        const ids = new Set(codes.map((c) => c.id));
        const total = [...disk.values()].flat().filter((s) => s.codes.some((c) => ids.has(c))).length;
        const codeNodes: TreeNode[] = [];
        for (const c of codes) {
          const docs = await byDate([...disk].filter(([, segs]) => segs.some((s) => s.codes.includes(c.id))).map(([d]) => d));
          const docNodes: TreeNode[] = [];
          let n = 0;
          for (const d of docs) {
            const segs = disk.get(d)!.filter((s) => s.codes.includes(c.id));
            n += segs.length;
            const date = await dateOf(d);
            docNodes.push({
              label: d.split('/').pop()!,
              description: `${plural(segs.length, 'segment')}${date ? ` · ${date}` : ''}`,
              children: segs.map((s) => ({ label: `“${shorten(s.quote, 90)}”`, children: [] })).sort((a, b) => a.label.localeCompare(b.label)),
            });
          }
          codeNodes.push({ label: c.name, description: `${n} · ${plural(docs.length, 'doc')}`, children: docNodes });
        }
        out.push({ label: stage.name, description: `${plural(codes.length, 'code')} · ${plural(total, 'segment')}`, children: codeNodes });
      }
      return out;
    };
    /** Labels and descriptions, segments sorted by label; the marked passages (checked below) left out. */
    const shape = (nodes: readonly TreeNode[], depth = 0): TreeNode[] => {
      const out = nodes.filter((n) => depth !== 1 || n.label !== MARKED).map((n) => ({ label: n.label, ...(n.description !== undefined ? { description: n.description } : {}), children: shape(n.children, depth + 1) }));
      return depth === 3 ? out.sort((a, b) => a.label.localeCompare(b.label)) : out;
    };
    // Every stage, code, document and segment, with every count, as the sidecars on disk have them.
    const tree = await waitFor(async () => {
      const t = await stagesTree();
      assert.deepEqual(shape(t), await expected());
      return t;
    }, 'the Stages view to show what the sidecars hold', 20000);

    // What the fixture shows, whatever else is coded in the workspace: documents by date (the
    // front-matter document of January before the field notes of March), then the undated.
    const membership = child(tree, stageName(MEMBERSHIP));
    const shaping = child(membership.children, codeName('shaping-boundaries'));
    assert.deepEqual(
      shaping.children.slice(0, 2).map((d) => [d.label, d.description, d.children.map((s) => s.label)]),
      [
        ['moorside-handover.md', `1 segment · ${HUDDLE_DATE}`, [`“${HOSPICE}”`]],
        ['harbour-board.md', `2 segments · ${BOARD_DATE}`, [`“${REFERRAL}”`, `“${TRUST}”`]],
      ],
    );
    for (const d of shaping.children.slice(2)) assert.doesNotMatch(d.description ?? '', / · \d{4}-/, `“${d.label}” is dated but comes after the dated documents`);
    const leadership = child(tree, stageName(LEADERSHIP));
    assert.deepEqual(
      child(leadership.children, codeName('relational-leadership')).children.slice(0, 2).map((d) => [d.label, d.children.map((s) => s.label)]),
      [
        ['moorside-handover.md', [`“${BED}”`]],
        ['harbour-board.md', [`“${SIGNS_OFF}”`]],
      ],
    );
    const relationships = child(tree, stageName(RELATIONSHIPS));
    assert.deepEqual(
      child(relationships.children, codeName('coordinating-activities')).children.slice(0, 2).map((d) => [d.label, d.children.map((s) => s.label)]),
      [
        ['moorside-handover.md', [`“${WALK}”`]],
        ['harbour-board.md', [`“${RING}”`]],
      ],
    );
    // Codes by stage in the codebook's order, the codes of no stage last.
    assert.deepEqual(leadership.children.filter((c) => c.label !== MARKED).map((c) => c.label), cb.codes.filter((c) => stageOfCode(cb, c.id) === LEADERSHIP).map((c) => c.name));
    assert.equal(tree.at(-1)!.label, NO_STAGE);

    // After its codes, each stage lists the documents whose markers place passages in it (coded or
    // not), by date, with those passages; the stage's code counts are unchanged.
    for (const id of [LEADERSHIP, MEMBERSHIP, RELATIONSHIPS]) {
      const stageNode = child(tree, stageName(id));
      const marked = child(stageNode.children, MARKED);
      assert.equal(stageNode.children.at(-1), marked, `“${MARKED}” comes after the codes of ${id}`);
      const ours = FIXTURE_PASSAGES.filter(([, stage]) => stage === id);
      const docs = marked.children.filter((d) => ours.some(([doc]) => doc.endsWith(`/${d.label}`)));
      const expectedDocs = await byDate([...new Set(ours.map(([doc]) => doc))]);
      assert.deepEqual(
        docs.map((d) => [d.label, d.description, d.children.map((p) => [p.label, p.description])]),
        await Promise.all(expectedDocs.map(async (doc) => {
          const mine = ours.filter(([d]) => d === doc);
          return [doc.split('/').pop()!, `${plural(mine.length, 'passage')} · ${await dateOf(doc)}`, mine.map(([, , , line, text]) => [`“${shorten(text, 90)}”`, `line ${line}`])];
        })),
        `the passages marked for ${id}`,
      );
      const total = marked.children.reduce((n, d) => n + d.children.length, 0);
      assert.equal(marked.description, `${plural(total, 'passage')} · ${plural(marked.children.length, 'doc')}`);
    }
    // In Leadership: the board (March) after the ward (February).
    assert.deepEqual(child(child(tree, stageName(LEADERSHIP)).children, MARKED).children.filter((d) => ['ward-observations.md', 'harbour-board.md'].includes(d.label)).map((d) => d.label), ['ward-observations.md', 'harbour-board.md']);
    // A passage opens the document at it, selected.
    const phoned = child(child(child(child(tree, stageName(RELATIONSHIPS)).children, MARKED).children, 'ward-observations.md').children, `“${shorten(PHONED, 90)}”`);
    assert.equal(child(child(child(tree, stageName(RELATIONSHIPS)).children, MARKED).children, 'ward-observations.md').description, `1 passage · ${WARD_DATE}`);
    assert.equal(phoned.command?.command, 'qda.openSegment');
    await vscode.commands.executeCommand(phoned.command.command, ...(phoned.command.arguments ?? []));
    await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      assert.ok(e, 'no active editor');
      assert.equal(vscode.workspace.asRelativePath(e.document.uri, false), WARD);
      assert.equal(e.document.getText(e.selection), PHONED);
    }, 'the passage to open, selected');

    // A segment opens its passage.
    const hospice = shaping.children[0].children[0];
    assert.equal(hospice.command?.command, 'qda.openSegment');
    await vscode.commands.executeCommand(hospice.command.command, ...(hospice.command.arguments ?? []));
    await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      assert.ok(e, 'no active editor');
      assert.equal(vscode.workspace.asRelativePath(e.document.uri, false), HUDDLE);
      assert.equal(e.document.getText(e.selection), HOSPICE);
    }, 'the segment to open at its passage');
  });

  it('writes the stage report: stages in order, codes with counts, quotes with speaker and a link to the line', async () => {
    const cb = await readCodebook();
    const report = await vscode.commands.executeCommand<string | undefined>('qda.stageReport', { open: false });
    assert.ok(report, 'qda.stageReport returned nothing');
    const lines = report.split('\n');
    assert.match(lines[0], /^# Findings by stage: /);

    // A `##` heading per stage, in the codebook's order, then the codes of no stage.
    const stageHeadings = lines.filter((l) => l.startsWith('## '));
    const noStageCodes = cb.codes.filter((c) => stageOfCode(cb, c.id) === undefined);
    assert.deepEqual(stageHeadings, [...cb.stages.map((s, i) => `## ${i + 1}. ${s.name}`), ...(noStageCodes.length > 0 ? [`## ${NO_STAGE}`] : [])]);

    // Under each, its codes in the codebook's order with their counts from the sidecars on disk.
    const disk = await segmentsOnDisk();
    const sections = new Map<string, string[]>();
    let stage = '';
    for (const l of lines) {
      if (l.startsWith('## ')) sections.set((stage = l), []);
      else if (l.startsWith('### ') && !l.startsWith(`### ${MARKED} (`)) sections.get(stage)!.push(l);
    }
    const esc = (s: string) => s.replace(/([\\`*_[\]<>#|])/g, '\\$1');
    for (const [i, s] of [...cb.stages.map((x) => x as { id?: string; name: string }), { id: undefined, name: NO_STAGE }].entries()) {
      const codes = cb.codes.filter((c) => stageOfCode(cb, c.id) === s.id);
      if (codes.length === 0 && s.id === undefined) continue;
      const heading = s.id === undefined ? `## ${NO_STAGE}` : `## ${i + 1}. ${s.name}`;
      assert.deepEqual(
        sections.get(heading),
        codes.map((c) => {
          const docs = [...disk.values()].filter((segs) => segs.some((x) => x.codes.includes(c.id)));
          const n = docs.reduce((sum, segs) => sum + segs.filter((x) => x.codes.includes(c.id)).length, 0);
          return `### ${esc(c.name)} (${plural(n, 'segment')} in ${plural(docs.length, 'document')})`;
        }),
        `the codes under “${heading}”`,
      );
    }

    // Each of the fixture's quotes: under its code (and that code's stage), as a `>` line, then the
    // speaker and a link to its line.
    const positions: number[] = [];
    for (const [document, quote, id, speaker, line] of FIXTURE_SEGMENTS) {
      // (Some quotes are coded in documents of these tests too.)
      const at = lines.findIndex((l, i) => l === `> ${quote}` && lines[i + 2]?.includes(`[${document},`));
      assert.ok(at > 0, `“${quote}” of ${document} is not quoted in the report`);
      assert.equal(lines[at + 1], '');
      assert.equal(lines[at + 2], `— ${speaker}, [${document}, line ${line}](${document}#L${line})`, `the source of “${quote}”`);
      const codeHeading = lines.slice(0, at).reverse().find((l) => l.startsWith('### '));
      assert.ok(codeHeading?.startsWith(`### ${esc(codeName(id))} (`), `“${quote}” is under ${codeHeading}, not ${codeName(id)}`);
      const stageHeading = lines.slice(0, at).reverse().find((l) => l.startsWith('## '));
      assert.match(stageHeading ?? '', new RegExp(`^## \\d+\\. ${stageName(stageOfCode(cb, id)!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), `“${quote}” is under ${stageHeading}`);
      positions.push(at);
    }
    // Under each stage, after its codes, the passages its markers place (coded or not), each quoted
    // whole with a link to its line, documents by date.
    for (const [i, s] of cb.stages.entries()) {
      const heading = `## ${i + 1}. ${s.name}`;
      const from = lines.indexOf(heading);
      const to = lines.findIndex((l, k) => k > from && l.startsWith('## '));
      const part = lines.slice(from, to < 0 ? undefined : to);
      const ours = FIXTURE_PASSAGES.filter(([, stage]) => stage === s.id);
      const at = part.findIndex((l) => l.startsWith(`### ${MARKED} (`));
      if (ours.length === 0) continue;
      assert.ok(at > 0, `no “${MARKED}” under ${heading}`);
      assert.equal(part.slice(at + 1).find((l) => l.startsWith('### ')), undefined, `“${MARKED}” is not the last list under ${heading}`);
      const quoted: number[] = [];
      for (const [document, , , line, text] of ours) {
        const quote = text.split('\n').map((l) => (l === '' ? '>' : `> ${esc(l)}`));
        const k = part.findIndex((_, j) => j > at && quote.every((q, n) => part[j + n] === q));
        assert.ok(k > at, `the passage “${text.slice(0, 40)}” of ${document} is not quoted under ${heading}:\n${part.slice(at).join('\n')}`);
        assert.equal(part[k + quote.length], '');
        assert.equal(part[k + quote.length + 1], `— [${document}, line ${line}](${document}#L${line})`);
        quoted.push(k);
      }
      if (s.id === LEADERSHIP) assert.ok(quoted[0] > quoted[1], 'the ward (February) before the board (March)');
      const count = /\((\d+) passages? in (\d+) documents?\)$/.exec(part[at]);
      assert.ok(count && Number(count[1]) >= ours.length, part[at]);
    }

    // Within a code, documents by date: the January huddle before the March board.
    const pos = (quote: string) => positions[FIXTURE_SEGMENTS.findIndex(([, q]) => q === quote)];
    assert.ok(pos(HOSPICE) < pos(REFERRAL) && pos(REFERRAL) < pos(TRUST), 'Shaping boundaries: not by date, then in document order');
    assert.ok(pos(BED) < pos(SIGNS_OFF), 'Relational and network leadership: not by date');
    assert.ok(pos(WALK) < pos(RING), 'Coordinating activities: not by date');

    // Every link of a document of the fixture or of these tests points at the line its quote starts on.
    const texts = new Map<string, string[]>();
    let checked = 0;
    for (const [i, l] of lines.entries()) {
      const link = /^— (?:.+, )?\[([^\]]+), line (\d+)\]\(([^)#]+)#L(\d+)\)/.exec(l);
      if (!link) continue;
      const [, shown, n, target, anchor] = link;
      if (!/^(stages\/|scratch\/stages-)/.test(target)) continue;
      assert.equal(shown, target);
      assert.equal(n, anchor);
      if (!texts.has(target)) texts.set(target, (await readText(fileUri(decodeURI(target)))).split('\n'));
      let q = i - 2;
      while (q > 0 && (lines[q - 1].startsWith('> ') || lines[q - 1] === '>')) q--;
      const firstLine = lines[q].replace(/^> /, '').replace(/\\(.)/g, '$1');
      assert.ok(texts.get(target)![Number(n) - 1].includes(firstLine), `${target} line ${n} does not have “${firstLine}”`);
      checked++;
    }
    assert.ok(checked >= FIXTURE_SEGMENTS.length, `only ${checked} links checked`);
  });

  it('follows field notes written and changed on disk in the Stages view, and the case-attribute filter', async () => {
    const path = 'scratch/stages-notes.md';
    const uri = fileUri(path);
    const passages = async (stage: string) => {
      const marked = (await stagesTree()).find((n) => n.label === stageName(stage))?.children.find((n) => n.label === MARKED);
      return marked?.children.find((d) => d.label === 'stages-notes.md')?.children.map((p) => p.label) ?? [];
    };
    try {
      await writeText(uri, '---\nsite: Kelderby\n---\n\n<!-- stage: membership -->\n\nThe volunteers now sign in at the desk.\n');
      await waitFor(async () => assert.deepEqual(await passages(MEMBERSHIP), ['“The volunteers now sign in at the desk.”']), 'the new field notes in the Stages view');
      await writeText(uri, '---\nsite: Kelderby\n---\n\n<!-- stage: leadership -->\n\nThe volunteers now sign in at the desk.\n');
      await waitFor(async () => {
        assert.deepEqual(await passages(MEMBERSHIP), [], 'still under Membership after its marker changed');
        assert.deepEqual(await passages(LEADERSHIP), ['“The volunteers now sign in at the desk.”']);
      }, 'the passage to follow its marker');
      // The filter applies to documents placed by their markers too.
      await vscode.commands.executeCommand('qda.codebook.filter', { attributes: { site: ['Elsewhere'] } });
      await waitFor(async () => assert.deepEqual(await passages(LEADERSHIP), []), 'the filter to leave the document out');
      await vscode.commands.executeCommand('qda.codebook.filter', { attributes: { site: ['Kelderby'] } });
      await waitFor(async () => assert.deepEqual(await passages(LEADERSHIP), ['“The volunteers now sign in at the desk.”']), 'the filter to keep the document');
      const report = await vscode.commands.executeCommand<string | undefined>('qda.stageReport', { open: false });
      assert.ok(report, 'qda.stageReport returned nothing');
      assert.ok(report.includes(`> The volunteers now sign in at the desk.\n\n— [${path}, line 7](${path}#L7)`), 'the filtered report quotes the passage');
      assert.ok(!report.includes(CLOSED), 'the filtered report leaves out documents of other sites');
    } finally {
      await vscode.commands.executeCommand('qda.codebook.filter', { attributes: null });
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor(async () => assert.deepEqual(await passages(LEADERSHIP), []), 'the deleted document to leave the Stages view');
  });

  it('leaves the stage groups out when qda.stageOutline is off, and brings them back when it is reset', async () => {
    const board = await open(BOARD);
    const uri = board.document.uri;
    const names = [stageName(LEADERSHIP), stageName(MEMBERSHIP), stageName(RELATIONSHIPS), `${NO_STAGE} (1 speaker turn)`];
    assert.deepEqual((await stageGroups(uri)).map((g) => g.name), names);
    const config = () => vscode.workspace.getConfiguration('qda', uri);
    try {
      await config().update('stageOutline', false, vscode.ConfigurationTarget.Workspace);
      assert.equal(config().get('stageOutline'), false);
      await waitFor(async () => assert.deepEqual(render(await stageGroups(uri)), []), 'the stage groups to go');
      assert.equal((await coreOutline(uri)).outline, undefined, 'the test API still gives an outline');
    } finally {
      await config().update('stageOutline', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(config().get('stageOutline'), true);
    await waitFor(async () => assert.deepEqual((await stageGroups(uri)).map((g) => g.name), names), 'the stage groups to come back');
  });
});
