/**
 * The structure of a Markdown transcript or field-notes document, read once per document version
 * with unified + remark-parse + remark-gfm + remark-frontmatter: front matter, headings and the
 * sections they span, speaker turns, stage markers and the top-level blocks.
 *
 * Everything is plain data. Every offset is a UTF-16 offset (a JavaScript string index) into the
 * normalised text (BOM removed, LF line ends; see text/text.ts), `end` exclusive; lines are
 * 1-based. The editor converts offsets to its positions, and to code points where the sidecar
 * needs them.
 *
 * Only the top level of the Markdown tree is read (and the inline content of top-level paragraphs
 * and headings): a speaker label or stage marker inside a list or a block quote does not count.
 * The reading works block by block, so that incremental.ts can re-read only the blocks an edit
 * touches and give the same result as reading the whole text again.
 */
import type { Heading as MdHeading, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Problem } from '../problems';
import { readFrontMatterYaml } from './frontMatter';

/** A span of the normalised text in UTF-16 offsets, `end` exclusive. */
export interface Range {
  start: number;
  end: number;
}

/** A problem found in the document itself, at a 1-based line (the caller adds the file). */
export type LineProblem = Omit<Problem, 'file'> & { line: number };

export interface FrontMatter {
  /** The whole block, from the opening `---` to the closing `---`. */
  range: Range;
  /** The YAML between the fences, as written. */
  raw: string;
  /** The YAML as a plain object (dates as text: see frontMatter.ts); empty when it is malformed or not a mapping. */
  attributes: Record<string, unknown>;
}

export interface Heading {
  /** 1–6. */
  level: number;
  /** The heading's words, without the `#` marks or inline Markdown. */
  text: string;
  /** The heading line itself. */
  range: Range;
  /** The heading and everything under it, up to the end of the last block before the next heading of the same or a higher level (a lower number). */
  section: Range;
  line: number;
}

/**
 * A paragraph that begins with a speaker label (`Name:`, `**Name:**` or `**Name**:`), with the
 * unlabelled paragraphs, lists, quotes, code and tables that follow it: the turn goes on until the
 * next labelled paragraph, heading, thematic break, HTML block (a stage marker, say) or the end.
 */
export interface SpeakerTurn {
  /** The name as written in the label, e.g. "Interviewer", "ND", "Dr Smith", "P12". */
  speaker: string;
  range: Range;
  /** The label, including any `**` and the colon. */
  label: Range;
  /** Up to eight words after the label (a leading timestamp such as `[00:04:52]` left out). */
  firstWords: string;
  line: number;
}

/** A `<!-- stage: id -->` comment ("stage" in any case). The id is as written, trimmed; it may be empty. */
export interface StageMarker {
  id: string;
  range: Range;
  line: number;
}

/**
 * The passage a stage marker opens: the run of top-level paragraphs, lists, quotes, code and
 * tables that follows the block holding the marker, up to the next heading, speaker label,
 * thematic break or HTML block (another marker, say). Field notes are mostly made of these: plain
 * paragraphs under a marker, with no heading or speaker of their own. A marker followed directly
 * by a heading or a speaker turn opens no passage (the section or turn shows where it applies).
 */
export interface MarkedPassage {
  /** Index in `markers` of the marker that opens it. */
  marker: number;
  /** From the start of its first block to the end of its last. */
  range: Range;
  /** Its first block. */
  first: Range;
  line: number;
  /** Up to eight words from its start, without list, quote or emphasis marks. */
  firstWords: string;
}

/** A top-level Markdown block: its mdast type ("paragraph", "heading", "list", "code", "html", "yaml", …). */
export interface Block {
  type: string;
  range: Range;
  line: number;
}

/** The structure of one version of a document. Offsets are UTF-16 offsets into the normalised LF text. */
export interface DocumentStructure {
  /** Length of the text in UTF-16 units. */
  length: number;
  frontMatter?: FrontMatter;
  headings: Heading[];
  turns: SpeakerTurn[];
  markers: StageMarker[];
  /** The passages of plain blocks that markers open, in document order. */
  passages: MarkedPassage[];
  blocks: Block[];
  /** Malformed front matter, with its line. */
  problems: LineProblem[];
}

// ---------------------------------------------------------------------------------------------
// Reading blocks

/** The processor: built and frozen once. */
const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).freeze();

/**
 * Turns off the inline constructs whose results the structure never reads: emphasis, links and
 * images, character references, hard breaks, autolinks, GFM autolink literals, strikethrough and
 * footnote calls. Blocks come out exactly as with everything on (the same nodes at the same
 * offsets), and a third of the parse time goes. Code spans, escapes and inline HTML stay on, so a
 * stage marker in a paragraph is still found where a full parse finds it; headings, and the rare
 * paragraph with a marker in it, are parsed again on their own with everything on (and should one
 * not come out the same on its own, the whole text is parsed with everything on). Only used when
 * the text has no `]:`: without link or footnote definitions, a block reads the same on its own as
 * in its document.
 */
function skipUnreadInline(this: ReturnType<typeof unified>): void {
  const data = this.data() as { micromarkExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push({
    disable: {
      null: [
        'attention', 'labelStartImage', 'labelStartLink', 'labelEnd', 'characterReference', 'hardBreakEscape', 'autolink',
        'wwwAutolink', 'protocolAutolink', 'emailAutolink', 'strikethrough', 'gfmFootnoteCall', 'gfmPotentialFootnoteCall',
      ],
    },
  });
}
const blockProcessor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).use(skipUnreadInline).freeze();

/** Parses Markdown into mdast with the same plugins as everywhere else in the extension. */
export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}

/**
 * One top-level block as read, with every position relative to the block (offsets from its start,
 * lines from its line), so that moving the block after an edit touches three numbers only.
 * @internal shared with incremental.ts.
 */
export interface BlockRecord {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  /** Headings. */
  readonly level?: number;
  readonly text?: string;
  /** Labelled paragraphs: the speaker, the label's end relative to the start, the first words. */
  readonly speaker?: string;
  readonly labelEnd?: number;
  readonly firstWords?: string;
  /** Stage markers in the block. */
  readonly markers?: readonly MarkerRecord[];
}

/** @internal */
export interface MarkerRecord {
  readonly id: string;
  /** Relative to the block's start and line. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

// A capitalised word ("Participant", "Dr", "Dr.", "O'Neill", "AV-TNC") or an id ("P12", "ND");
// after the first word a bare number is allowed too ("Speaker 2").
const WORD = String.raw`\p{Lu}[\p{L}\p{M}\p{N}'’.\-]*`;
const NAME = String.raw`${WORD}(?: (?:${WORD}|\d{1,3})){0,3}`;
/** At a paragraph's start: `**Name:**`, `__Name:__`, `**Name**:`, `__Name__:` or `Name:`, then a space or the line's end. */
const LABEL = new RegExp(String.raw`(?:(\*\*|__)(${NAME}):\1|(\*\*|__)(${NAME})\3:|(${NAME}):)(?=[ \t\n]|$)`, 'uy');

/** Words that end in a colon at the start of a paragraph without naming a speaker. */
const NOT_SPEAKERS = new Set([
  'note', 'notes', 'nb', 'ps', 'see', 'see also', 'also', 'tip', 'warning', 'important', 'caution', 'example', 'summary',
  'date', 'time', 'duration', 'location', 'place', 'site', 'setting', 'present', 'attendees', 'apologies', 'agenda',
  'action', 'actions', 'agreed', 'decision', 'source', 'update', 'edit', 'edited', 'subject', 're', 'to', 'from', 'cc',
  // The headings of field notes: an observation is a passage, not a speaker's turn.
  'observation', 'observations', 'reflection', 'reflections', 'field note', 'field notes', 'memo', 'context', 'description',
  'comment', 'observer comment', 'analytic note', 'analytical note', 'theoretical note', 'methodological note',
]);

const MARKER_SCAN = /<!--\s*stage\s*:([\s\S]*?)-->/gi;
const TIMESTAMP = /^\s*(?:\[\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\]|\(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)|\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?)\s*/;

/**
 * The first `max` words of a passage, on one line, without a leading timestamp or Markdown
 * emphasis marks; "…" when words were left out.
 */
export function firstWords(s: string, max = 8): string {
  // One pass over the beginning only: this runs for every turn and every coded segment.
  let i = 0;
  const n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  const c0 = s.charCodeAt(i);
  if (c0 === 91 || c0 === 40 || (c0 >= 48 && c0 <= 57)) {
    const ts = TIMESTAMP.exec(s.slice(i, i + 40));
    if (ts) i += ts[0].length;
  }
  // Fast path, for plain words between single spaces: one slice.
  {
    let words = 0;
    let inWord = false;
    let lastEnd = i;
    let j = i;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 32) {
        if (!inWord) break;
        inWord = false;
        lastEnd = j;
      } else if (c === 42 || c === 95 || c === 96 || isSpace(c)) {
        break;
      } else if (!inWord) {
        if (words === max) return s.slice(i, lastEnd) + '…';
        words++;
        inWord = true;
      }
    }
    if (j === n) return s.slice(i, inWord ? n : lastEnd);
  }
  let out = '';
  let words = 0;
  while (i < n) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i === n) break;
    // A word: up to the next space, leaving out `**`, `__` and backticks.
    let word = '';
    let from = i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (isSpace(c)) break;
      if (c === 96 || ((c === 42 || c === 95) && s.charCodeAt(i + 1) === c)) {
        word += s.slice(from, i);
        if (c !== 96) i++;
        from = i + 1;
      }
    }
    word += s.slice(from, i);
    if (word === '') continue;
    if (words === max) return out + '…';
    out = words === 0 ? word : out + ' ' + word;
    words++;
  }
  return out;
}

/** The characters `\s` matches. */
function isSpace(c: number): boolean {
  if (c > 32 && c < 0xa0) return false;
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
}

/** The speaker label at `at`, if the text there begins with one. */
export function matchSpeakerLabel(text: string, at: number): { speaker: string; end: number } | undefined {
  const c = text.charCodeAt(at);
  // Fast exit: a label starts with `*`, `_` or a capital letter.
  if (c !== 42 && c !== 95 && !(c >= 65 && c <= 90) && c < 128) return undefined;
  LABEL.lastIndex = at;
  const m = LABEL.exec(text);
  if (!m) return undefined;
  const speaker = m[2] ?? m[4] ?? m[5];
  if (NOT_SPEAKERS.has(speaker.toLowerCase())) return undefined;
  return { speaker, end: at + m[0].length };
}

function plainText(nodes: readonly PhrasingContent[]): string {
  let s = '';
  for (const n of nodes) {
    if (n.type === 'text' || n.type === 'inlineCode') s += n.value;
    else if (n.type === 'break') s += ' ';
    else if ('children' in n) s += plainText(n.children as PhrasingContent[]);
  }
  return s;
}

/** Markers in a run of HTML (a block, or an inline comment), at `offset` and `line`, relative to the block. */
function markersIn(value: string, offset: number, line: number, out: MarkerRecord[]): void {
  MARKER_SCAN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = MARKER_SCAN.exec(value)) !== null) {
    let l = line;
    for (let i = value.indexOf('\n'); i !== -1 && i < m.index; i = value.indexOf('\n', i + 1)) l++;
    out.push({ id: m[1].trim(), start: offset + m.index, end: offset + m.index + m[0].length, line: l });
  }
}

function inlineMarkers(children: readonly PhrasingContent[], blockStart: number, blockLine: number, out: MarkerRecord[]): void {
  for (const c of children) {
    if (c.type === 'html') {
      if (c.value.length > 8 && c.position) markersIn(c.value, c.position.start.offset! - blockStart, c.position.start.line - blockLine, out);
    } else if ('children' in c) {
      inlineMarkers(c.children as PhrasingContent[], blockStart, blockLine, out);
    }
  }
}

/** A heading's words and markers, from a parse with every inline construct on. */
function headingContent(h: MdHeading, blockStart: number, blockLine: number): { text: string; markers: MarkerRecord[] } {
  const markers: MarkerRecord[] = [];
  inlineMarkers(h.children, blockStart, blockLine, markers);
  return { text: plainText(h.children).replace(/\s+/g, ' ').trim(), markers };
}

/** Markers among a paragraph's inline content, or undefined when there are none. */
function paragraphMarkers(children: readonly PhrasingContent[], blockStart: number, blockLine: number): MarkerRecord[] | undefined {
  let markers: MarkerRecord[] | undefined;
  for (let k = 0; k < children.length; k++) {
    const c = children[k];
    if (c.type === 'html' || (c.type !== 'text' && 'children' in c)) {
      markers ??= [];
      inlineMarkers([c], blockStart, blockLine, markers);
    }
  }
  return markers && markers.length > 0 ? markers : undefined;
}

/**
 * A block parsed again on its own with every inline construct on, or undefined when on its own it
 * does not come out as the same single block (then the caller reads the whole source that way).
 */
function parseAlone(source: string, node: RootContent): RootContent | undefined {
  const slice = source.slice(node.position!.start.offset!, node.position!.end.offset!);
  const root = processor.parse(slice);
  const alone = root.children[0];
  return root.children.length === 1 && alone.type === node.type && alone.position!.start.offset === 0 && alone.position!.end.offset === slice.length ? alone : undefined;
}

/**
 * Reads the top-level blocks of `source`, which sits at `offset` and `line` of `text` (the whole
 * text; `source` is `text` or a slice of it). `lite`: parse with skipUnreadInline (the caller
 * makes sure the text has no `]:`).
 * @internal shared with incremental.ts.
 */
export function readBlocks(text: string, offset: number, line: number, source: string, lite: boolean): { records: BlockRecord[]; yaml?: { start: number; end: number; value: string } } {
  const tree = (lite ? blockProcessor : processor).parse(source);
  const children: RootContent[] = tree.children;
  const records: BlockRecord[] = new Array(children.length);
  let yaml: { start: number; end: number; value: string } | undefined;
  const lineBase = line - 1;
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    const pos = node.position!;
    const start = pos.start.offset! + offset;
    const end = pos.end.offset! + offset;
    const nodeLine = pos.start.line + lineBase;
    switch (node.type) {
      case 'paragraph': {
        let markers = paragraphMarkers(node.children, pos.start.offset!, pos.start.line);
        if (markers && lite) {
          // Inline HTML the full parse might read otherwise (say, inside a link): read the paragraph on its own.
          const alone = parseAlone(source, node);
          if (!alone) return readBlocks(text, offset, line, source, false);
          markers = paragraphMarkers((alone as Paragraph).children, 0, 1);
        }
        const label = matchSpeakerLabel(text, start);
        if (label) {
          const fw = firstWords(text.slice(label.end, Math.min(end, label.end + 400)));
          records[i] = markers
            ? { type: 'paragraph', start, end, line: nodeLine, speaker: label.speaker, labelEnd: label.end - start, firstWords: fw, markers }
            : { type: 'paragraph', start, end, line: nodeLine, speaker: label.speaker, labelEnd: label.end - start, firstWords: fw };
        } else {
          records[i] = markers ? { type: 'paragraph', start, end, line: nodeLine, markers } : { type: 'paragraph', start, end, line: nodeLine };
        }
        break;
      }
      case 'heading': {
        const h = node as MdHeading;
        let c: { text: string; markers: MarkerRecord[] };
        if (lite) {
          // The heading's words need emphasis and links read: parse the heading on its own.
          const alone = parseAlone(source, node);
          if (!alone || (alone as MdHeading).depth !== h.depth) return readBlocks(text, offset, line, source, false);
          c = headingContent(alone as MdHeading, 0, 1);
        } else {
          c = headingContent(h, pos.start.offset!, pos.start.line);
        }
        records[i] = c.markers.length > 0
          ? { type: 'heading', start, end, line: nodeLine, level: h.depth, text: c.text, markers: c.markers }
          : { type: 'heading', start, end, line: nodeLine, level: h.depth, text: c.text };
        break;
      }
      case 'html': {
        const markers: MarkerRecord[] = [];
        if (node.value.length > 8) markersIn(node.value, 0, 0, markers);
        records[i] = markers.length > 0 ? { type: 'html', start, end, line: nodeLine, markers } : { type: 'html', start, end, line: nodeLine };
        break;
      }
      case 'yaml':
        yaml = { start, end, value: node.value };
        records[i] = { type: 'yaml', start, end, line: nodeLine };
        break;
      default:
        records[i] = { type: node.type, start, end, line: nodeLine };
    }
  }
  return yaml ? { records, yaml } : { records };
}

// ---------------------------------------------------------------------------------------------
// Front matter

/** Reads front matter YAML into a plain object (with the one reader of markdown/frontMatter.ts). Never throws: malformed YAML becomes a problem with its line. */
export function readFrontMatter(yaml: { start: number; end: number; value: string }): { frontMatter: FrontMatter; problems: LineProblem[] } {
  const { attributes, problems } = readFrontMatterYaml(yaml.value);
  return { frontMatter: { range: { start: yaml.start, end: yaml.end }, raw: yaml.value, attributes }, problems };
}

// ---------------------------------------------------------------------------------------------
// From blocks to structure

/** Block types that carry a speaker turn on past themselves. */
const TURN_CONTINUES = new Set(['paragraph', 'list', 'blockquote', 'code', 'table']);
/** Block types that end a marker's passage (as a speaker label does). */
const PASSAGE_ENDS = new Set(['heading', 'html', 'thematicBreak', 'yaml']);

/** The first words of a passage's first block, without the marks of a list item, quote or code fence. */
function passageWords(text: string, first: Range): string {
  let s = text.slice(first.start, Math.min(first.end, first.start + 400));
  if (s.startsWith('```') || s.startsWith('~~~')) s = s.slice(s.indexOf('\n') + 1 || s.length).replace(/\n?(```|~~~)\s*$/, '');
  else s = s.replace(/^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])|\[[ xX]\](?=[ \t]))[ \t]*)+/, '').replace(/^\|/, '');
  return firstWords(s);
}

/**
 * Builds the public structure from the block records, in one pass: headings and their sections,
 * speaker turns, markers, the passages markers open, and blocks. `text` is the whole text (for
 * the passages' first words).
 * @internal shared with incremental.ts.
 */
export function assemble(records: readonly BlockRecord[], text: string, frontMatter: FrontMatter | undefined, problems: readonly LineProblem[]): DocumentStructure {
  const n = records.length;
  const blocks: Block[] = new Array(n);
  const headings: Heading[] = [];
  const turns: SpeakerTurn[] = [];
  const markers: StageMarker[] = [];
  const passages: MarkedPassage[] = [];
  /** Headings whose section is still open, by increasing level. */
  const open: Heading[] = [];
  let turn: SpeakerTurn | undefined;
  /** The marker whose passage the next plain block opens or carries on (-1: none). */
  let opener = -1;
  let passage: MarkedPassage | undefined;
  let lastEnd = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const start = r.start;
    const end = r.end;
    blocks[i] = { type: r.type, range: { start, end }, line: r.line };
    if (r.speaker !== undefined) {
      if (turn) turn.range.end = lastEnd;
      turn = { speaker: r.speaker, range: { start, end }, label: { start, end: start + r.labelEnd! }, firstWords: r.firstWords!, line: r.line };
      turns.push(turn);
    } else if (turn && TURN_CONTINUES.has(r.type)) {
      // Carried on below.
    } else if (turn) {
      turn.range.end = lastEnd;
      turn = undefined;
    }
    if (turn || PASSAGE_ENDS.has(r.type)) {
      opener = -1;
      passage = undefined;
    } else if (passage) {
      passage.range.end = end;
    } else if (opener >= 0) {
      const first = { start, end };
      passage = { marker: opener, range: { start, end }, first, line: r.line, firstWords: passageWords(text, first) };
      passages.push(passage);
    }
    if (r.level !== undefined) {
      const level = r.level;
      while (open.length > 0 && open[open.length - 1].level >= level) open.pop()!.section.end = lastEnd;
      const h: Heading = { level, text: r.text!, range: { start, end }, section: { start, end }, line: r.line };
      headings.push(h);
      open.push(h);
    }
    if (r.markers) {
      for (const m of r.markers) markers.push({ id: m.id, range: { start: start + m.start, end: start + m.end }, line: r.line + m.line });
      // A marker in a speaker turn's paragraph opens nothing: the turn carries on.
      if (!turn) {
        opener = markers.length - 1;
        passage = undefined;
      }
    }
    lastEnd = end;
  }
  if (turn) turn.range.end = lastEnd;
  for (const h of open) h.section.end = lastEnd;
  const s: DocumentStructure = { length: text.length, headings, turns, markers, passages, blocks, problems: [...problems] };
  if (frontMatter) s.frontMatter = frontMatter;
  return s;
}

// ---------------------------------------------------------------------------------------------
// What incremental.ts keeps beside a structure

/** @internal */
export interface StructureState {
  records: readonly BlockRecord[];
  frontMatter?: FrontMatter;
  frontMatterProblems: readonly LineProblem[];
  /** Whether the text has `]:`, the mark of a link or footnote definition, which changes how other blocks read. */
  mayHaveDefinitions: boolean;
}

const states = new WeakMap<DocumentStructure, StructureState>();

/** @internal */
export function stateOf(s: DocumentStructure): StructureState | undefined {
  return states.get(s);
}

/** @internal */
export function remember(s: DocumentStructure, state: StructureState): DocumentStructure {
  states.set(s, state);
  return s;
}

/** How often the text was parsed, for tests and the benchmark: full parses, partial ones, and UTF-16 units parsed. */
export const parseStats = { full: 0, partial: 0, units: 0 };

/**
 * Reads the structure of a document. `text` must be normalised (no BOM, LF line ends): the
 * structure's offsets are UTF-16 offsets into it. Never throws on any text. `fullInline` parses
 * every inline construct of every block instead of only those the structure reads (the result is
 * the same; tests use it to prove so).
 */
export function parseStructure(text: string, options?: { fullInline?: boolean }): DocumentStructure {
  parseStats.full++;
  parseStats.units += text.length;
  const mayHaveDefinitions = text.includes(']:');
  const { records, yaml } = readBlocks(text, 0, 1, text, !mayHaveDefinitions && !options?.fullInline);
  let frontMatter: FrontMatter | undefined;
  let problems: LineProblem[] = [];
  if (yaml) ({ frontMatter, problems } = readFrontMatter(yaml));
  const s = assemble(records, text, frontMatter, problems);
  return remember(s, { records, frontMatter, frontMatterProblems: problems, mayHaveDefinitions });
}
