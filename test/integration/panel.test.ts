// The "Qualitative coding" side panel inside a real VS Code: the Codebook tree (stages, codes,
// counts, definitions, hierarchy), the Coded segments of the selected codes and the way to the
// passage, the case-attribute filter, codebook editing (rename, merge with undo, delete in use),
// a broken hand edit of codebook.json, memos (and markup in names and memos), hidden highlights.
//
// Runs after coding.test.ts (files run in alphabetical order) but relies on nothing it did: the
// `before` hook opens a transcript and creates the codebook if there is none. The coding it reads
// is the fixture's panel/ folder (three transcripts with `site:` / `role:` front matter and their
// sidecars, written with `qda add`), coded only with codes coding.test.ts does not use; counts of
// every other code are checked against the sidecars on disk, whatever earlier tests coded.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { eventually, exists, fileUri, readText, root, testApi, writeText } from './helpers';

const EXTENSION_ID = 'orchestration-qda.orchestration-qda';

// ---- the fixture (test/fixtures/workspace/panel/) --------------------------------------------------

const CONSULTANT = 'panel/harbour-consultant.md';
const NURSE = 'panel/harbour-nurse.md';
const MANAGER = 'panel/moorside-manager.md';
const PANEL_DOCS = [CONSULTANT, NURSE, MANAGER];
/** Their front matter. */
const ATTRIBUTES: Record<string, Record<string, string>> = {
  [CONSULTANT]: { site: 'Harbour', role: 'consultant' },
  [NURSE]: { site: 'Harbour', role: 'nurse' },
  [MANAGER]: { site: 'Moorside', role: 'manager' },
};

const EVIDENCE = 'strategic-use-of-evidence';
const DIVERGENT = 'divergent-understandings';
const REGULATORY = 'regulatory-pressure';
const ALIGNING = 'aligning-normative-assumptions';
const CREATING = 'creating-institutions';
const INSTITUTIONAL = 'institutional-work';

// The passages coded in the fixture's sidecars, and with what.
const AUDIT = 'We put the audit figures in front of the board'; // consultant: EVIDENCE
const SURGEONS = 'The surgeons thought the pathway was about saving money; the nurses thought it was about safety'; // consultant: DIVERGENT
const COMMISSIONER = 'the commissioner made it a condition of the contract'; // consultant: REGULATORY
const SAME_PATHWAY = "every patient gets the same pathway, whoever's list they are on"; // consultant: ALIGNING + CREATING
const NEW_RULES = 'On the ward we call it the new rules, not the pathway'; // nurse: DIVERGENT
const NOBODY_ASKED = 'Nobody asked us; it arrived with the inspection'; // nurse: REGULATORY + DIVERGENT
const HOME_SOONER = 'we all want people home sooner, and that is the same for the surgeons'; // nurse: ALIGNING
const WAITING_TIMES = 'I showed them the waiting-time figures from the last three years'; // manager: EVIDENCE, with a memo
const GPS = 'Some of the GPs still think the hub is there to take work off them'; // manager: DIVERGENT
const INSPECTION = 'The inspection report forced our hand'; // manager: REGULATORY
const ONE_PAGE = 'We wrote the shared principles on one page'; // manager: ALIGNING, with a memo
const WAITING_TIMES_MEMO = 'Evidence as persuasion: compare the audit figures at Harbour.';
const ONE_PAGE_MEMO = 'A one-page charter; ask the manager for a copy.';

// ---- what the extension reports ----------------------------------------------------------------------

interface TreeNode {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
  children: TreeNode[];
}
interface MemoItem {
  kind: string;
  title: string;
  text: string;
  where: string;
}
interface ViewsState {
  selectedCodes: string[];
  hidden: string[];
  filter: { attributes?: Record<string, string[]> };
  byStage: boolean;
  codebook: TreeNode[];
  segments: TreeNode[];
  segmentsMessage?: string;
  memos: MemoItem[];
  memosFilter: { line?: string; action?: string; description?: string };
}
interface CodingState {
  segments: { id: string; codes: string[]; memo?: string; text?: string; quote: string }[];
  decorations?: { highlights: Record<string, [number, number, number, number][]> };
}

async function views(): Promise<ViewsState> {
  const v = (await (await testApi()).views()) as ViewsState | undefined;
  assert.ok(v, 'the test API gave no views');
  return v;
}

interface HistoryState {
  undo: string[];
  redo: string[];
  status?: { text: string; tooltip?: string; command?: string };
}
async function history(): Promise<HistoryState> {
  const h = (await (await testApi()).codebookHistory()) as HistoryState | undefined;
  assert.ok(h, 'the test API gave no codebook history');
  return h;
}

async function state(document: vscode.TextDocument): Promise<CodingState> {
  const s = (await (await testApi()).state({ uri: document.uri.toString() })) as CodingState | undefined;
  assert.ok(s, `the test API's state returned nothing for ${document.uri.path}`);
  return s;
}

/** Every node of a tree, depth first, with the labels leading to it. */
function* walkTree(nodes: TreeNode[], path: string[] = []): Generator<{ node: TreeNode; path: string[] }> {
  for (const node of nodes) {
    yield { node, path: [...path, node.label] };
    yield* walkTree(node.children, [...path, node.label]);
  }
}
/** The one code item labelled `name` (fails if there is none or several). */
function codeItem(tree: TreeNode[], name: string): TreeNode & { path: string[] } {
  const found = [...walkTree(tree)].filter(({ node }) => node.label === name && node.contextValue?.startsWith('code'));
  assert.equal(found.length, 1, `“${name}” is in the Codebook tree ${found.length} times: ${JSON.stringify(found.map((f) => f.path))}`);
  return { ...found[0].node, path: found[0].path };
}
function hasCodeItem(tree: TreeNode[], name: string): boolean {
  return [...walkTree(tree)].some(({ node }) => node.label === name && node.contextValue?.startsWith('code'));
}
/** The node at a path of labels from the root. */
function nodeAt(tree: TreeNode[], ...labels: string[]): TreeNode {
  let nodes = tree;
  let node: TreeNode | undefined;
  for (const label of labels) {
    node = nodes.find((n) => n.label === label);
    assert.ok(node, `no “${label}” under “${labels.slice(0, labels.indexOf(label)).join(' / ') || '(root)'}”; there: ${nodes.map((n) => n.label).join(', ')}`);
    nodes = node.children;
  }
  return node!;
}
/** The counts part of a code item's description: "N · M docs". */
const countsOf = (description: string | undefined) => (description ?? '').split(' · ').slice(0, 2).join(' · ');
const docs = (n: number) => `${n} doc${n === 1 ? '' : 's'}`;
/** MarkdownString.appendText escapes Markdown punctuation with backslashes: undo that. */
const unescapeMarkdown = (md: string | undefined) => (md ?? '').replace(/\\([\\`*_{}[\]()#+\-.!~|<>&:])/g, '$1').replace(/&nbsp;/g, ' ');

// ---- workspace helpers ----------------------------------------------------------------------------------

const folderArg = () => root().toString();



// ---- the codebook and the sidecars on disk ----------------------------------------------------------------

interface CodebookJson {
  stages: { id: string; name: string }[];
  codes: { id: string; name: string; parent?: string; stage?: string; definition?: string; memo?: string }[];
}
const codebookUri = () => fileUri('codebook.json');
async function readCodebook(): Promise<CodebookJson> {
  return JSON.parse(await readText(codebookUri())) as CodebookJson;
}
async function nameOf(id: string): Promise<string> {
  const c = (await readCodebook()).codes.find((x) => x.id === id);
  assert.ok(c, `${id} is not in codebook.json`);
  return c.name;
}

interface SidecarItem {
  id: string;
  body?: { type: string; purpose?: string; source?: string; value?: string }[];
  target: { selector: { type: string; exact?: string }[] };
}
function codesOf(item: SidecarItem): string[] {
  return [...new Set((item.body ?? []).filter((b) => b.type === 'SpecificResource' && b.purpose === 'classifying').map((b) => decodeURIComponent(b.source!.replace(/^urn:qda:code:/, ''))))];
}
function memoOf(item: SidecarItem): string | undefined {
  return (item.body ?? []).find((b) => b.type === 'TextualBody')?.value;
}
function quoteOf(item: SidecarItem): string | undefined {
  return item.target.selector.find((s) => s.type === 'TextQuoteSelector')?.exact;
}

/** Every sidecar in the workspace: workspace path → bytes. */
async function sidecarBytes(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const uri of await vscode.workspace.findFiles('**/*.annotations.json')) {
    out.set(vscode.workspace.asRelativePath(uri, false), await vscode.workspace.fs.readFile(uri));
  }
  return out;
}
async function readItems(documentPath: string): Promise<SidecarItem[]> {
  return (JSON.parse(await readText(fileUri(documentPath + '.annotations.json'))) as { items: SidecarItem[] }).items;
}
function assertSameBytes(actual: Map<string, Uint8Array>, expected: Map<string, Uint8Array>, what: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${what}: the same sidecar files`);
  for (const [path, bytes] of expected) {
    assert.ok(Buffer.from(actual.get(path)!).equals(Buffer.from(bytes)), `${what}: ${path} changed`);
  }
}

interface DiskCounts {
  own: Map<string, { segments: number; documents: number }>;
  /** Segments having the code or one of its sub-codes. */
  withDescendants: Map<string, number>;
  /** Distinct segments having a code of the stage (own or inherited); `undefined`: codebook codes of no stage. */
  byStage: Map<string | undefined, number>;
}
/**
 * Counts per code from the sidecars on disk, as the Codebook view should show them: an annotation
 * with at least one code is a segment; `pass` keeps only some documents (the attribute filter).
 */
async function countsOnDisk(codebook: CodebookJson, pass: (document: string) => boolean = () => true): Promise<DiskCounts> {
  const parent = new Map(codebook.codes.map((c) => [c.id, c.parent]));
  const lineage = (code: string) => {
    const out = [code];
    for (let p = parent.get(code); p !== undefined && !out.includes(p); p = parent.get(p)) out.push(p);
    return out;
  };
  const stageOf = (code: string) => {
    if (!parent.has(code)) return null; // not in the codebook: no stage group
    for (const c of lineage(code)) {
      const stage = codebook.codes.find((x) => x.id === c)?.stage;
      if (stage) return stage;
    }
    return undefined;
  };
  const own = new Map<string, { segments: number; documents: number }>();
  const withDescendants = new Map<string, number>();
  const byStage = new Map<string | undefined, number>();
  for (const [path, bytes] of await sidecarBytes()) {
    const document = path.replace(/\.annotations\.json$/, '');
    if (!pass(document)) continue;
    let items: SidecarItem[];
    try {
      items = (JSON.parse(new TextDecoder().decode(bytes)) as { items: SidecarItem[] }).items;
    } catch {
      continue; // unreadable: counts nothing
    }
    const inDocument = new Set<string>();
    for (const item of items) {
      const codes = codesOf(item);
      for (const c of codes) {
        const o = own.get(c) ?? { segments: 0, documents: 0 };
        o.segments++;
        if (!inDocument.has(c)) o.documents++;
        inDocument.add(c);
        own.set(c, o);
      }
      for (const c of new Set(codes.flatMap(lineage))) withDescendants.set(c, (withDescendants.get(c) ?? 0) + 1);
      for (const st of new Set(codes.map(stageOf))) if (st !== null) byStage.set(st, (byStage.get(st) ?? 0) + 1);
    }
  }
  return { own, withDescendants, byStage };
}

/** Every code item of the tree shows the counts of the sidecars on disk. */
function assertTreeCounts(tree: TreeNode[], codebook: CodebookJson, disk: DiskCounts): void {
  for (const code of codebook.codes) {
    const item = codeItem(tree, code.name);
    const c = disk.own.get(code.id) ?? { segments: 0, documents: 0 };
    assert.equal(countsOf(item.description), `${c.segments} · ${docs(c.documents)}`, `counts of “${code.name}” (${code.id})`);
  }
}

const byFilter = (attributes: Record<string, string[]>) => (document: string) =>
  Object.entries(attributes).every(([name, values]) => values.includes(ATTRIBUTES[document]?.[name] as string));

async function open(path: string): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri(path)));
  await eventually(async () => assert.ok((await state(editor.document)).segments.length > 0), `the coding of ${path} to load`);
  return editor;
}

// ---------------------------------------------------------------------------------------------------

describe('The Qualitative coding side panel', () => {
  before(async function () {
    this.timeout(60000);
    // Opening a transcript activates the extension (onLanguage:markdown).
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri(CONSULTANT)));
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
    if (!(await exists(codebookUri()))) {
      const created = await vscode.commands.executeCommand<boolean>('qda.createCodebook', { template: 'network-orchestration' });
      assert.equal(created, true, 'qda.createCodebook did not create the codebook');
    }
    const codebook = await eventually(readCodebook, 'codebook.json on disk');
    for (const id of [EVIDENCE, DIVERGENT, REGULATORY, ALIGNING, CREATING, INSTITUTIONAL]) assert.ok(codebook.codes.some((c) => c.id === id), `${id} is not in the codebook`);
    await (await testApi()).selectCodes({ codes: [] });
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: null });
    await vscode.commands.executeCommand('qda.codebook.groupByStage');
    // The index has read the fixture's sidecars.
    await eventually(async () => assert.equal(countsOf(codeItem((await views()).codebook, await nameOf(DIVERGENT)).description), '4 · 3 docs'), 'the Codebook view to count the fixture', 20000);
  });

  // Each test starts from no selection and no filter, whatever the one before left.
  beforeEach(async () => {
    await (await testApi()).selectCodes({ codes: [] });
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: null });
  });

  after(async () => {
    await (await testApi()).selectCodes({ codes: [] });
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: null });
    await vscode.commands.executeCommand('qda.codebook.groupByStage');
    for (const code of (await views()).hidden) await vscode.commands.executeCommand('qda.codebook.toggleHighlight', { folder: folderArg(), code });
  });

  it('shows the codebook by stage with counts and definitions, then as a hierarchy', async () => {
    const codebook = await readCodebook();
    const disk = await countsOnDisk(codebook);
    const v = await views();
    assert.equal(v.byStage, true);
    const tree = v.codebook;

    // Stages in the codebook's order, then the codes of no single stage.
    assert.deepEqual(
      tree.map((n) => n.label),
      [...codebook.stages.map((s) => s.name), 'Across stages'],
    );
    assert.deepEqual(
      tree.map((n) => n.contextValue),
      [...codebook.stages.map(() => 'stage'), 'noStage'],
    );

    // Codes under their stage, with the fixture's counts; a code whose parent lies elsewhere names it.
    const leadership = codebook.stages.find((s) => s.id === 'leadership')!.name;
    const membership = codebook.stages.find((s) => s.id === 'membership')!.name;
    const relationships = codebook.stages.find((s) => s.id === 'relationships')!.name;
    const evidence = codeItem(tree, 'Strategic use of evidence');
    assert.deepEqual(evidence.path, [leadership, 'Strategic use of evidence']);
    assert.equal(evidence.description, '2 · 2 docs');
    assert.equal(codeItem(tree, 'Regulatory pressure').path[0], leadership);
    assert.equal(codeItem(tree, 'Regulatory pressure').description, '3 · 3 docs');
    assert.equal(codeItem(tree, 'Divergent understandings').path[0], membership);
    assert.equal(codeItem(tree, 'Divergent understandings').description, '4 · 3 docs');
    assert.equal(codeItem(tree, 'Aligning normative assumptions').path[0], relationships);
    assert.equal(codeItem(tree, 'Aligning normative assumptions').description, '3 · 3 docs');
    assert.deepEqual(codeItem(tree, 'Creating institutions').path, ['Across stages', 'Institutional work', 'Creating institutions']);
    assert.equal(codeItem(tree, 'Creating institutions').description, '1 · 1 doc');
    // Every code, whatever earlier tests coded, counts what the sidecars on disk hold.
    assertTreeCounts(tree, codebook, disk);

    // A stage counts the distinct segments having a code of that stage: a segment with two of its
    // codes once (summing the codes' counts would count it twice).
    for (const stage of [...codebook.stages, { id: undefined, name: 'Across stages' }]) {
      const total = disk.byStage.get(stage.id) ?? 0;
      assert.equal(tree.find((n) => n.label === stage.name)!.description, `${total} segment${total === 1 ? '' : 's'}`, `the total of “${stage.name}”`);
    }

    // The definition, and the counts in words, in the tooltip.
    const definition = codebook.codes.find((c) => c.id === EVIDENCE)!.definition;
    assert.ok(definition, 'the template defines “Strategic use of evidence”');
    const tooltip = unescapeMarkdown(evidence.tooltip);
    assert.ok(tooltip.includes(definition), `the tooltip lacks the definition:\n${evidence.tooltip}`);
    assert.ok(tooltip.includes('Institutional work > Creating institutions > Strategic use of evidence'), `the tooltip lacks the path:\n${tooltip}`);
    assert.ok(tooltip.includes('2 segments in 2 documents'), `the tooltip lacks the counts:\n${tooltip}`);
    assert.ok(tooltip.includes(`id: ${EVIDENCE}`), `the tooltip lacks the id:\n${tooltip}`);

    // As a hierarchy: parent → child, whatever the stages; parents add up their sub-codes.
    await vscode.commands.executeCommand('qda.codebook.showHierarchy');
    const h = await eventually(async () => {
      const s = await views();
      assert.equal(s.byStage, false);
      return s.codebook;
    }, 'the hierarchy');
    const roots = codebook.codes.filter((c) => !c.parent).map((c) => c.name);
    assert.deepEqual(h.map((n) => n.label), roots, 'the top-level codes');
    assert.equal(nodeAt(h, 'Institutional work', 'Creating institutions', 'Strategic use of evidence').description, '2 · 2 docs');
    assert.deepEqual(
      nodeAt(h, 'Institutional work', 'Creating institutions').children.map((n) => n.label),
      codebook.codes.filter((c) => c.parent === CREATING).map((c) => c.name),
    );
    assert.equal(nodeAt(h, 'Institutional work', 'Creating institutions').description, '1 · 1 doc · 5 with sub-codes');
    assert.equal(nodeAt(h, 'Institutional work', 'Disrupting institutions', 'Divergent understandings').description, '4 · 3 docs');
    const institutional = disk.withDescendants.get(INSTITUTIONAL) ?? 0;
    assert.equal(nodeAt(h, 'Institutional work').description, `0 · 0 docs · ${institutional} with sub-codes`);
    assertTreeCounts(h, codebook, disk);
    for (const { node, path } of walkTree(h)) {
      const code = codebook.codes.find((c) => c.name === node.label)!;
      const parentName = codebook.codes.find((c) => c.id === code.parent)?.name;
      assert.equal(path.at(-2), parentName, `“${node.label}” sits under its parent`);
    }

    await vscode.commands.executeCommand('qda.codebook.groupByStage');
    await eventually(async () => assert.deepEqual((await views()).codebook.map((n) => n.label), [...codebook.stages.map((s) => s.name), 'Across stages']), 'the stages again');
  });

  it('lists the coded segments of the selected codes by document, and opens a segment at its passage', async () => {
    const before = await views();
    assert.deepEqual(before.segments, []);
    assert.match(before.segmentsMessage ?? '', /Select one or more codes/);

    // Two codes: their segments, grouped by document (sorted), in document order.
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [EVIDENCE, REGULATORY] });
    const v = await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.selectedCodes, [EVIDENCE, REGULATORY]);
      assert.equal(s.segments.length, 3);
      return s;
    }, 'the Coded segments view to fill');
    assert.equal(v.segmentsMessage, undefined);
    assert.deepEqual(
      v.segments.map((d) => [d.label, d.description]),
      [
        ['harbour-consultant.md', '2 segments · panel'],
        ['harbour-nurse.md', '1 segment · panel'],
        ['moorside-manager.md', '2 segments · panel'],
      ],
    );
    const evidence = await nameOf(EVIDENCE);
    const regulatory = await nameOf(REGULATORY);
    const divergent = await nameOf(DIVERGENT);
    assert.deepEqual(
      v.segments.map((d) => d.children.map((s) => [s.label, s.description])),
      [
        [
          [`“${AUDIT}”`, evidence],
          [`“${COMMISSIONER}”`, regulatory],
        ],
        [[`“${NOBODY_ASKED}”`, `${regulatory}, ${divergent}`]],
        [
          [`“${WAITING_TIMES}”`, evidence],
          [`“${INSPECTION}”`, regulatory],
        ],
      ],
    );
    const withMemo = v.segments[2].children[0];
    assert.ok(unescapeMarkdown(withMemo.tooltip).includes(WAITING_TIMES_MEMO), `the memo is in the tooltip:\n${withMemo.tooltip}`);

    // A parent code brings its sub-codes' segments; a long quote is shortened in the preview.
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [CREATING, DIVERGENT] });
    const sub = await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.selectedCodes, [CREATING, DIVERGENT]);
      return s.segments;
    }, 'the segments of a parent code');
    assert.deepEqual(
      sub.map((d) => [d.label, d.children.length]),
      [
        ['harbour-consultant.md', 3],
        ['harbour-nurse.md', 3],
        ['moorside-manager.md', 3],
      ],
    );
    const surgeons = sub[0].children[1];
    assert.equal(surgeons.label, `“${SURGEONS.slice(0, 89)}…”`);
    assert.equal(unescapeMarkdown(surgeons.tooltip).split('\n')[0], SURGEONS, 'the whole quote in the tooltip');

    // Clicking a segment (its command) opens the document with the passage selected.
    for (const [doc, i, passage] of [
      [2, 2, ONE_PAGE],
      [0, 1, SURGEONS],
      [1, 0, NEW_RULES],
    ] as const) {
      const item = sub[doc].children[i];
      assert.ok(item.command, `“${item.label}” has no command`);
      assert.equal(item.command.command, 'qda.openSegment');
      await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
      const editor = await eventually(() => {
        const e = vscode.window.activeTextEditor;
        assert.ok(e, 'no active editor');
        assert.equal(vscode.workspace.asRelativePath(e.document.uri, false), PANEL_DOCS[doc]);
        assert.equal(e.document.getText(e.selection), passage);
        return e;
      }, `${PANEL_DOCS[doc]} to open with “${passage}” selected`);
      assert.ok(editor.visibleRanges.some((r) => r.contains(editor.selection)), 'the passage is on screen');
    }

    await (await testApi()).selectCodes({ codes: [] });
    await eventually(async () => assert.deepEqual((await views()).segments, []), 'the Coded segments view to empty');
  });

  it('filters counts, segments and memos by a case attribute, and clearing the filter restores them', async () => {
    const codebook = await readCodebook();
    const all = await views();
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [REGULATORY] });

    const harbour = { site: ['Harbour'] };
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: harbour });
    const h = await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.filter, { attributes: harbour });
      assert.equal(s.segments.length, 2);
      return s;
    }, 'the Harbour filter');
    assert.deepEqual(
      h.segments.map((d) => [d.label, d.children.map((c) => c.label)]),
      [
        ['harbour-consultant.md', [`“${COMMISSIONER}”`]],
        ['harbour-nurse.md', [`“${NOBODY_ASKED}”`]],
      ],
    );
    assert.equal(countsOf(codeItem(h.codebook, await nameOf(EVIDENCE)).description), '1 · 1 doc');
    assert.equal(countsOf(codeItem(h.codebook, await nameOf(DIVERGENT)).description), '3 · 2 docs');
    assert.equal(countsOf(codeItem(h.codebook, await nameOf(REGULATORY)).description), '2 · 2 docs');
    assert.equal(countsOf(codeItem(h.codebook, await nameOf(ALIGNING)).description), '2 · 2 docs');
    // Documents without the attribute (earlier tests' scratch coding) drop out too.
    assertTreeCounts(h.codebook, codebook, await countsOnDisk(codebook, byFilter(harbour)));
    // Memos follow: Moorside's segment memos are not shown.
    await (await testApi()).selectCodes({ codes: [] });
    await eventually(async () => assert.deepEqual((await views()).memos.filter((m) => m.kind === 'segment' && m.where.startsWith('panel/')), []), 'Moorside memos to be filtered out');

    // Any of several values of one attribute, and two attributes together.
    const twoRoles = { role: ['nurse', 'manager'] };
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: twoRoles });
    const r = await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.filter, { attributes: twoRoles });
      return s;
    }, 'the role filter');
    assert.equal(countsOf(codeItem(r.codebook, await nameOf(EVIDENCE)).description), '1 · 1 doc');
    assert.equal(countsOf(codeItem(r.codebook, await nameOf(DIVERGENT)).description), '3 · 2 docs');
    assertTreeCounts(r.codebook, codebook, await countsOnDisk(codebook, byFilter(twoRoles)));
    assert.deepEqual(
      r.memos.filter((m) => m.kind === 'segment').map((m) => m.text),
      [WAITING_TIMES_MEMO, ONE_PAGE_MEMO],
    );
    const both = { site: ['Harbour'], role: ['manager'] };
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: both });
    await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.filter, { attributes: both });
      assertTreeCounts(s.codebook, codebook, await countsOnDisk(codebook, () => false));
    }, 'no document to pass two attributes that no document has together');

    // Clearing restores everything.
    await vscode.commands.executeCommand('qda.codebook.clearFilter');
    const cleared = await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.filter, {});
      return s;
    }, 'the filter to clear');
    assert.deepEqual(cleared.codebook, all.codebook);
    assert.deepEqual(cleared.memos, all.memos);
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: { site: ['Moorside'] } });
    await eventually(async () => assert.equal(countsOf(codeItem((await views()).codebook, await nameOf(ALIGNING)).description), '1 · 1 doc'), 'the Moorside filter');
    await vscode.commands.executeCommand('qda.codebook.filter', { attributes: null });
    await eventually(async () => assert.deepEqual((await views()).codebook, all.codebook), 'the filter to clear with { attributes: null }');
  });

  it('renames a code in the tree and codebook.json, keeping its id and leaving every sidecar as it was', async () => {
    const sidecars = await sidecarBytes();
    const before = await readCodebook();
    const old = await nameOf(REGULATORY);
    const renamed = 'Regulatory and commissioning pressure';
    const counts = codeItem((await views()).codebook, old).description;

    await vscode.commands.executeCommand('qda.codebook.rename', { folder: folderArg(), code: REGULATORY, name: renamed });
    const after = await readCodebook();
    assert.deepEqual(
      after.codes.map((c) => [c.id, c.name]),
      before.codes.map((c) => [c.id, c.id === REGULATORY ? renamed : c.name]),
      'the same codes, ids and order; only the name changed',
    );
    assert.deepEqual(after.codes.find((c) => c.id === REGULATORY), { ...before.codes.find((c) => c.id === REGULATORY), name: renamed });

    const v = await eventually(async () => {
      const s = await views();
      assert.ok(hasCodeItem(s.codebook, renamed), 'the new name is not in the tree');
      return s;
    }, 'the tree to show the new name');
    assert.equal(hasCodeItem(v.codebook, old), false, 'the old name is still in the tree');
    assert.equal(codeItem(v.codebook, renamed).description, counts, 'the same counts');
    assert.ok(unescapeMarkdown(codeItem(v.codebook, renamed).tooltip).includes(`id: ${REGULATORY}`));
    // Coded segments name it anew.
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [REGULATORY] });
    await eventually(async () => {
      const s = await views();
      assert.deepEqual(s.segments.flatMap((d) => d.children.map((c) => c.description)), [renamed, `${renamed}, ${await nameOf(DIVERGENT)}`, renamed]);
    }, 'the Coded segments view to use the new name');
    await (await testApi()).selectCodes({ codes: [] });

    assertSameBytes(await sidecarBytes(), sidecars, 'after renaming a code');
  });

  it('merges one code into another across the workspace, and undoes it byte for byte', async () => {
    const sidecars = await sidecarBytes();
    const codebookText = await readText(codebookUri());
    const codebook = await readCodebook();
    const from = await nameOf(DIVERGENT);
    const into = await nameOf(REGULATORY);
    const tree = (await views()).codebook;
    assert.equal(countsOf(codeItem(tree, from).description), '4 · 3 docs');
    assert.equal(countsOf(codeItem(tree, into).description), '3 · 3 docs');
    const stageOf = (name: string) => codeItem(tree, name).path[0];
    const stageTotal = (t: TreeNode[], stage: string) => Number(/^(\d+)/.exec(t.find((n) => n.label === stage)!.description!)![1]);

    const merged = await vscode.commands.executeCommand<boolean>('qda.codebook.merge', { folder: folderArg(), code: DIVERGENT, into: REGULATORY, confirm: true });
    assert.equal(merged, true, 'the merge was not done');

    // The sidecars: no segment keeps the merged code; the one that had both has the target once.
    for (const path of PANEL_DOCS) {
      const items = await readItems(path);
      assert.deepEqual(items.filter((i) => codesOf(i).includes(DIVERGENT)), [], `${path} still uses ${DIVERGENT}`);
    }
    const regulatoryByQuote = Object.fromEntries(
      (await Promise.all(PANEL_DOCS.map(readItems))).flat().filter((i) => codesOf(i).includes(REGULATORY)).map((i) => [quoteOf(i), codesOf(i)]),
    );
    assert.deepEqual(Object.keys(regulatoryByQuote).sort(), [COMMISSIONER, SURGEONS, NEW_RULES, NOBODY_ASKED, GPS, INSPECTION].sort());
    assert.deepEqual(regulatoryByQuote[NOBODY_ASKED], [REGULATORY]);
    // Only the sidecars that used the code were written.
    const afterMerge = await sidecarBytes();
    assert.deepEqual([...afterMerge.keys()].sort(), [...sidecars.keys()].sort(), 'the same sidecar files');
    const changed = [...afterMerge].filter(([p, b]) => !Buffer.from(b).equals(Buffer.from(sidecars.get(p)!))).map(([p]) => p).sort();
    assert.deepEqual(changed, PANEL_DOCS.map((p) => p + '.annotations.json').sort());
    assert.equal((await readCodebook()).codes.some((c) => c.id === DIVERGENT), false, `${DIVERGENT} is still in codebook.json`);
    assert.equal((await readCodebook()).codes.length, codebook.codes.length - 1);

    const m = await eventually(async () => {
      const s = await views();
      assert.equal(hasCodeItem(s.codebook, from), false, `“${from}” is still in the tree`);
      assert.equal(countsOf(codeItem(s.codebook, into).description), '6 · 3 docs');
      return s;
    }, 'the tree after the merge');
    assert.equal(stageTotal(m.codebook, stageOf(from)), stageTotal(tree, stageOf(from)) - 4);
    assert.equal(stageTotal(m.codebook, stageOf(into)), stageTotal(tree, stageOf(into)) + 3);

    // Undo: every sidecar and the codebook as they were.
    const undone = await vscode.commands.executeCommand<boolean>('qda.codebook.undo');
    assert.equal(undone, true, 'the undo was not done');
    assertSameBytes(await sidecarBytes(), sidecars, 'after undoing the merge');
    assert.equal(await readText(codebookUri()), codebookText, 'codebook.json after undoing the merge');
    await eventually(async () => assert.deepEqual((await views()).codebook, tree), 'the tree as before the merge');
    // Only the merge was undone: it can be redone, and what came before it is still to undo.
    const h = await history();
    assert.equal(h.redo[0], `Merge “${from}” into “${into}”`);
    assert.ok(!h.undo.includes(`Merge “${from}” into “${into}”`), JSON.stringify(h.undo));
  });

  it('undoes every codebook change made from the panel, several levels deep and across files, redoes them, and refuses when a file changed since', async () => {
    const sidecars = await sidecarBytes();
    const texts = [await readText(codebookUri())];
    const regulatory = await nameOf(REGULATORY);
    const labels: string[] = [];
    const step = async (label: string, run: () => Thenable<unknown>) => {
      await run();
      texts.push(await readText(codebookUri()));
      labels.unshift(label);
      assert.notEqual(texts[texts.length - 1], texts[texts.length - 2], `${label} changed codebook.json`);
      assert.deepEqual((await history()).undo.slice(0, labels.length), labels, `the history after ${label}`);
    };
    let id = '';
    await step('New code “Waiting lists”', async () => (id = (await vscode.commands.executeCommand<string>('qda.codebook.newCode', { folder: folderArg(), name: 'Waiting lists' }))!));
    await step('Rename “Waiting lists” to “Waiting-list politics”', () => vscode.commands.executeCommand('qda.codebook.rename', { folder: folderArg(), code: id, name: 'Waiting-list politics' }));
    await step('New sub-code “Lists as evidence” under “Waiting-list politics”', () => vscode.commands.executeCommand('qda.codebook.newSubCode', { folder: folderArg(), code: id, name: 'Lists as evidence' }));
    await step('Change the colour of “Waiting-list politics”', () => vscode.commands.executeCommand('qda.codebook.recolour', { folder: folderArg(), code: id, colour: '#0d9488' }));
    await step('Edit “Definition” of “Waiting-list politics”', () => vscode.commands.executeCommand('qda.codebook.editDefinition', { folder: folderArg(), code: id, field: 'definition', text: 'Waiting lists used as an argument.' }));
    await step('Edit the memo of “Waiting-list politics”', () => vscode.commands.executeCommand('qda.codebook.editMemo', { folder: folderArg(), code: id, memo: 'See the manager.' }));
    await step(`Move “Waiting-list politics” under “${regulatory}”`, () => vscode.commands.executeCommand('qda.codebook.move', { folder: folderArg(), codes: [id], to: { parent: REGULATORY } }));
    const mergeLabel = `Merge “${await nameOf(DIVERGENT)}” into “${regulatory}”`;
    await step(mergeLabel, () => vscode.commands.executeCommand('qda.codebook.merge', { folder: folderArg(), code: DIVERGENT, into: REGULATORY, confirm: true }));
    const merged = await sidecarBytes();
    assert.equal((await readCodebook()).codes.find((c) => c.id === id)?.parent, REGULATORY);

    // The status bar offers to undo the last change, for a while.
    const status = (await history()).status;
    assert.ok(status, 'no Undo in the status bar after the merge');
    assert.equal(status.command, 'qda.codebook.undo');
    assert.match(status.text, /^\$\(discard\) Undo merge “/);

    // Undo, level by level: codebook.json (and, for the merge, every sidecar) exactly as before.
    for (let i = texts.length - 2; i >= 0; i--) {
      assert.equal(await vscode.commands.executeCommand<boolean>('qda.codebook.undo'), true, `undo ${labels[texts.length - 2 - i]}`);
      assert.equal(await readText(codebookUri()), texts[i], `codebook.json after undoing ${labels[texts.length - 2 - i]}`);
      if (i === texts.length - 2) assertSameBytes(await sidecarBytes(), sidecars, 'after undoing the merge');
    }
    await eventually(async () => assert.equal(hasCodeItem((await views()).codebook, 'Waiting lists'), false), 'the new code gone from the tree');
    assert.deepEqual((await history()).redo.slice(0, labels.length), [...labels].reverse());

    // Redo, level by level, back to after the merge.
    for (let i = 1; i < texts.length; i++) {
      assert.equal(await vscode.commands.executeCommand<boolean>('qda.codebook.redo'), true, `redo ${labels[texts.length - 1 - i]}`);
      assert.equal(await readText(codebookUri()), texts[i]);
    }
    assertSameBytes(await sidecarBytes(), merged, 'after redoing the merge');

    // A sidecar edited since the merge: the undo is refused and nothing changes, until it is put back.
    const nurse = fileUri(NURSE + '.annotations.json');
    const nurseBytes = await readText(nurse);
    await writeText(nurse, nurseBytes + '\n');
    assert.equal(await vscode.commands.executeCommand<boolean>('qda.codebook.undo'), false, 'the undo overwrote a hand edit');
    assert.equal(await readText(nurse), nurseBytes + '\n');
    assert.equal(await readText(codebookUri()), texts[texts.length - 1]);
    assert.equal((await history()).undo[0], mergeLabel, 'the merge can still be undone');
    await writeText(nurse, nurseBytes);
    for (let i = texts.length - 2; i >= 0; i--) assert.equal(await vscode.commands.executeCommand<boolean>('qda.codebook.undo'), true);
    assert.equal(await readText(codebookUri()), texts[0]);
    assertSameBytes(await sidecarBytes(), sidecars, 'after undoing everything');
    await eventually(async () => assert.equal(countsOf(codeItem((await views()).codebook, await nameOf(DIVERGENT)).description), '4 · 3 docs'), 'the counts as before');
  });

  it('deletes a code in use by removing it from its segments: a segment left with no code and no memo goes', async () => {
    const sidecars = await sidecarBytes();
    const codebookText = await readText(codebookUri());
    const aligning = await nameOf(ALIGNING);
    await vscode.commands.executeCommand('qda.codebook.showHierarchy');
    const tree = await eventually(async () => {
      const s = await views();
      assert.equal(s.byStage, false);
      return s.codebook;
    }, 'the hierarchy');
    assert.equal(countsOf(codeItem(tree, aligning).description), '3 · 3 docs');
    assert.equal(nodeAt(tree, 'Institutional work', 'Creating institutions').description, '1 · 1 doc · 5 with sub-codes');
    const nurseBefore = await readItems(NURSE);

    const deleted = await vscode.commands.executeCommand<boolean>('qda.codebook.delete', { folder: folderArg(), code: ALIGNING, inUse: 'remove', confirm: true });
    assert.equal(deleted, true, 'the code was not deleted');

    // The segment that had another code keeps it.
    const consultant = await readItems(CONSULTANT);
    assert.deepEqual(consultant.filter((i) => quoteOf(i) === SAME_PATHWAY).map(codesOf), [[CREATING]]);
    // The one with no other code and no memo is gone.
    const nurse = await readItems(NURSE);
    assert.equal(nurse.length, nurseBefore.length - 1);
    assert.deepEqual(nurse.filter((i) => quoteOf(i) === HOME_SOONER), []);
    // The one with a memo stays, as a memo without codes.
    const manager = await readItems(MANAGER);
    const onePage = manager.find((i) => quoteOf(i) === ONE_PAGE);
    assert.ok(onePage, 'the segment with a memo was removed');
    assert.deepEqual(codesOf(onePage), []);
    assert.equal(memoOf(onePage), ONE_PAGE_MEMO);
    assert.equal((await readCodebook()).codes.some((c) => c.id === ALIGNING), false);

    const codebook = await readCodebook();
    const disk = await countsOnDisk(codebook);
    await eventually(async () => {
      const s = await views();
      assert.equal(hasCodeItem(s.codebook, aligning), false, `“${aligning}” is still in the tree`);
      assert.equal(nodeAt(s.codebook, 'Institutional work', 'Creating institutions').description, '1 · 1 doc · 3 with sub-codes');
      assertTreeCounts(s.codebook, codebook, disk);
    }, 'the counts after the deletion');
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [CREATING] });
    await eventually(async () => {
      const s = await views();
      assert.deepEqual(
        s.segments.map((doc) => [doc.label, doc.children.map((c) => c.label)]),
        [
          ['harbour-consultant.md', [`“${AUDIT}”`, `“${SAME_PATHWAY}”`]],
          ['moorside-manager.md', [`“${WAITING_TIMES}”`]],
        ],
      );
    }, 'the Coded segments of “Creating institutions” without the deleted sub-code');

    // Undone, for the tests after this one (and because it can be).
    assert.equal(await vscode.commands.executeCommand<boolean>('qda.codebook.undo'), true);
    assertSameBytes(await sidecarBytes(), sidecars, 'after undoing the deletion');
    assert.equal(await readText(codebookUri()), codebookText);
    await eventually(async () => assert.deepEqual((await views()).codebook, tree), 'the tree as before the deletion');
    await (await testApi()).selectCodes({ codes: [] });
    await vscode.commands.executeCommand('qda.codebook.groupByStage');
  });

  it('reports a broken hand edit of codebook.json on its line, keeps the last good codebook, and reloads once fixed', async () => {
    const good = await readText(codebookUri());
    const evidence = await nameOf(EVIDENCE);
    const tree = (await views()).codebook;
    const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Orchestration QDA');
    assert.deepEqual(ours(codebookUri()), []);

    // A stray comma after the name of a code, as a hand edit might leave.
    const lines = good.split('\n');
    const line = lines.findIndex((l) => l.includes(`"name": ${JSON.stringify(evidence)}`));
    assert.ok(line > 0, 'the code’s name line');
    const broken = [...lines.slice(0, line), lines[line] + ',', ...lines.slice(line + 1)].join('\n');
    await writeText(codebookUri(), broken);
    const problems = await eventually(() => {
      const ds = ours(codebookUri());
      assert.equal(ds.length, 1, JSON.stringify(ds.map((x) => x.message)));
      return ds;
    }, 'a problem on codebook.json');
    assert.equal(problems[0].range.start.line, line, `the problem is on line ${problems[0].range.start.line + 1}, the stray comma on ${line + 1}`);
    assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(problems[0].message, /not valid JSON/);

    // The views keep the last good codebook; editing it is refused and the file left alone.
    assert.deepEqual((await views()).codebook, tree);
    await vscode.commands.executeCommand('qda.codebook.rename', { folder: folderArg(), code: EVIDENCE, name: 'Not now' });
    assert.equal(await readText(codebookUri()), broken);
    assert.deepEqual((await views()).codebook, tree);

    // Fixed by hand (with a new name): the problem goes and the tree reloads.
    const fixed = good.replace(`"name": ${JSON.stringify(evidence)}`, `"name": ${JSON.stringify(evidence + ' (edited)')}`);
    await writeText(codebookUri(), fixed);
    await eventually(async () => {
      assert.deepEqual(ours(codebookUri()), []);
      const s = await views();
      assert.equal(codeItem(s.codebook, evidence + ' (edited)').description, codeItem(tree, evidence).description);
      assert.equal(hasCodeItem(s.codebook, evidence), false);
    }, 'the fixed codebook to load', 15000);

    await writeText(codebookUri(), good);
    await eventually(async () => assert.deepEqual((await views()).codebook, tree), 'the original codebook again', 15000);
  });

  it('lists segment and code memos, and keeps markup in code names and memos as plain text', async () => {
    await (await testApi()).selectCodes({ codes: [] });
    const segment = (await readItems(CONSULTANT)).find((i) => quoteOf(i) === COMMISSIONER)!;
    const segmentMemo = 'The contract, not the argument, settled it. Compare Moorside.';
    await vscode.commands.executeCommand('qda.addMemo', { uri: fileUri(CONSULTANT).toString(), id: segment.id, memo: segmentMemo });
    const codeMemo = 'Figures used to persuade, not to inform: look for who chose them.';
    await vscode.commands.executeCommand('qda.codebook.editMemo', { folder: folderArg(), code: EVIDENCE, memo: codeMemo });
    assert.equal((await readCodebook()).codes.find((c) => c.id === EVIDENCE)!.memo, codeMemo);

    const evidence = await nameOf(EVIDENCE);
    const regulatory = await nameOf(REGULATORY);
    const memos = await eventually(async () => {
      const m = (await views()).memos;
      assert.ok(m.some((x) => x.text === segmentMemo), 'the segment memo is not listed');
      return m;
    }, 'the segment memo in the Memos view');
    assert.deepEqual(
      memos.find((x) => x.kind === 'code' && x.text === codeMemo),
      { kind: 'code', title: `Code: ${evidence}`, text: codeMemo, where: 'codebook' },
    );
    const s = memos.find((x) => x.text === segmentMemo)!;
    assert.equal(s.kind, 'segment');
    assert.equal(s.title, regulatory);
    assert.match(s.where, new RegExp(`^${CONSULTANT} · “${COMMISSIONER}” · `));
    assert.ok(memos.some((x) => x.kind === 'segment' && x.text === WAITING_TIMES_MEMO && x.title === evidence), 'the fixture’s memo');
    // The sidecar has it.
    assert.equal(memoOf((await readItems(CONSULTANT)).find((i) => i.id === segment.id)!), segmentMemo);

    // Selecting a code keeps its memos and those of its segments.
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [EVIDENCE] });
    await eventually(async () => {
      const m = (await views()).memos;
      assert.deepEqual(m.map((x) => [x.kind, x.text]), [
        ['code', codeMemo],
        ['segment', WAITING_TIMES_MEMO],
      ]);
    }, 'the memos of the selected code');
    await (await testApi()).selectCodes({ codes: [] });

    // Markup in a code name and in memos stays text, unchanged, in what the view shows.
    const img = '<img src=x onerror=alert(1)>';
    const script = '<script>alert(2)</script> & <b>not bold</b>';
    await vscode.commands.executeCommand('qda.codebook.rename', { folder: folderArg(), code: EVIDENCE, name: img });
    await vscode.commands.executeCommand('qda.codebook.editMemo', { folder: folderArg(), code: EVIDENCE, memo: script });
    await vscode.commands.executeCommand('qda.addMemo', { uri: fileUri(CONSULTANT).toString(), id: segment.id, memo: script });
    const x = await eventually(async () => {
      const v = await views();
      assert.ok(hasCodeItem(v.codebook, img), 'the tree has the new name');
      assert.ok(v.memos.some((m) => m.kind === 'segment' && m.text === script), 'the segment memo');
      return v;
    }, 'the names and memos with markup');
    assert.deepEqual(
      x.memos.find((m) => m.kind === 'code' && m.title.includes('img')),
      { kind: 'code', title: `Code: ${img}`, text: script, where: 'codebook' },
    );
    assert.ok(x.memos.some((m) => m.kind === 'segment' && m.title === img && m.text === WAITING_TIMES_MEMO), 'the segment memo titled with the code’s name');
    assert.equal(codeItem(x.codebook, img).label, img);
    assert.ok(unescapeMarkdown(codeItem(x.codebook, img).tooltip).includes(img), `the tooltip shows the name:\n${codeItem(x.codebook, img).tooltip}`);

    // Back to plain names for the tests after this one.
    await vscode.commands.executeCommand('qda.codebook.rename', { folder: folderArg(), code: EVIDENCE, name: evidence });
    await vscode.commands.executeCommand('qda.codebook.editMemo', { folder: folderArg(), code: EVIDENCE, memo: '' });
    assert.equal((await readCodebook()).codes.find((c) => c.id === EVIDENCE)!.memo, undefined);
    await eventually(async () => assert.ok(hasCodeItem((await views()).codebook, evidence)), 'the name restored');
  });

  it('says in the Memos view that it follows the Codebook selection, and “Show all” shows every memo without changing the selection', async () => {
    const all = await eventually(async () => {
      const v = await views();
      assert.equal(v.memosFilter.line, undefined, 'a filter line with nothing selected');
      assert.equal(v.memosFilter.description, undefined);
      assert.ok(v.memos.some((m) => m.text === WAITING_TIMES_MEMO));
      return v.memos;
    }, 'every memo, no filter line');
    const evidence = await nameOf(EVIDENCE);
    const aligning = await nameOf(ALIGNING);

    await (await testApi()).selectCodes({ folder: folderArg(), codes: [EVIDENCE, ALIGNING] });
    const filtered = await eventually(async () => {
      const v = await views();
      assert.equal(v.memosFilter.line, `Showing memos of 2 selected codes: ${evidence}, ${aligning}`);
      return v;
    }, 'the filter line');
    assert.equal(filtered.memosFilter.action, 'Show all');
    assert.equal(filtered.memosFilter.description, '2 selected codes');
    assert.deepEqual(filtered.memos.filter((m) => m.kind === 'segment').map((m) => m.text).sort(), [ONE_PAGE_MEMO, WAITING_TIMES_MEMO].sort());

    // "Show all": every memo again; the Codebook selection (and Coded segments) stay as they are.
    await vscode.commands.executeCommand('qda.memos.showAll');
    const shown = await views();
    assert.deepEqual(shown.memos, all);
    assert.deepEqual(shown.selectedCodes, [EVIDENCE, ALIGNING]);
    assert.equal(shown.memosFilter.line, 'Showing all memos, not only those of the 2 codes selected in the Codebook.');
    assert.equal(shown.memosFilter.action, 'Show only theirs');
    assert.equal(shown.memosFilter.description, undefined);
    await vscode.commands.executeCommand('qda.memos.followSelection');
    assert.equal((await views()).memosFilter.line, `Showing memos of 2 selected codes: ${evidence}, ${aligning}`);

    // A new selection is followed again.
    await vscode.commands.executeCommand('qda.memos.showAll');
    await (await testApi()).selectCodes({ folder: folderArg(), codes: [EVIDENCE] });
    const one = await views();
    assert.equal(one.memosFilter.line, `Showing memos of 1 selected code: ${evidence}`);
    assert.equal(one.memosFilter.description, '1 selected code');
    assert.deepEqual(one.memos.filter((m) => m.kind === 'segment').map((m) => m.text), [WAITING_TIMES_MEMO]);

    await (await testApi()).selectCodes({ codes: [] });
    const none = await views();
    assert.equal(none.memosFilter.line, undefined);
    assert.deepEqual(none.memos, all);
  });

  it('hides a code’s highlights in an open document and shows them again', async () => {
    const editor = await open(CONSULTANT);
    const regulatory = await nameOf(REGULATORY);
    const shown = await eventually(async () => {
      const h = (await state(editor.document)).decorations?.highlights;
      assert.ok(h, 'no decorations');
      assert.deepEqual(Object.keys(h).sort(), [ALIGNING, CREATING, DIVERGENT, EVIDENCE, REGULATORY].sort());
      return h;
    }, 'the highlights of every code');
    assert.equal(shown[REGULATORY].length, 1);

    const hidden = await vscode.commands.executeCommand<boolean>('qda.codebook.toggleHighlight', { folder: folderArg(), code: REGULATORY });
    assert.equal(hidden, true);
    await eventually(async () => {
      const h = (await state(editor.document)).decorations!.highlights;
      assert.deepEqual(h[REGULATORY] ?? [], [], 'still highlighted');
      const others = Object.fromEntries(Object.entries(shown).filter(([code]) => code !== REGULATORY));
      assert.deepEqual(Object.fromEntries(Object.entries(h).filter(([, r]) => r.length > 0)), others, 'the other codes unchanged');
    }, 'the highlights of the hidden code to go');
    const v = await views();
    assert.deepEqual(v.hidden, [REGULATORY]);
    const item = codeItem(v.codebook, regulatory);
    assert.equal(item.contextValue, 'code.hidden');
    assert.match(item.description ?? '', / · hidden$/);
    // Hidden means not drawn: the coding itself is unchanged.
    assert.ok((await state(editor.document)).segments.some((s) => s.codes.includes(REGULATORY)));

    const again = await vscode.commands.executeCommand<boolean>('qda.codebook.toggleHighlight', { folder: folderArg(), code: REGULATORY });
    assert.equal(again, false);
    await eventually(async () => assert.deepEqual((await state(editor.document)).decorations!.highlights, shown), 'the highlights to come back');
    const after = await views();
    assert.deepEqual(after.hidden, []);
    assert.equal(codeItem(after.codebook, regulatory).contextValue, 'code');
  });
});
