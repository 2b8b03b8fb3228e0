/**
 * A stage-based outline of a document: one group per stage of the codebook, in codebook order,
 * then a final "No stage" group. Each group holds the sections, speaker turns and marked passages
 * (the plain paragraphs a stage marker opens, named by their first words) placed in that stage
 * (see stages.ts for the rules), nested where one contains the other, then the coded segments
 * placed there, named "<code name>: <first words of the quote>". Plain data with ranges, ready for
 * a DocumentSymbolProvider; offsets are UTF-16 offsets into the normalised text.
 *
 * "No stage" is what is left: in an interview, every uncoded question and answer. Listing them all
 * would bury the outline, so when the document has headings it lists its sections only (with the
 * sub-sections of no stage inside them), and its speaker turns only when it has none; its name
 * counts everything in it ("No stage (2 sections, 214 speaker turns)"), coded segments always
 * listed.
 */
import type { Stage } from '../model/codebook';
import { assignWithCodeSets, type CodedSegment, type CodeSet, type StageAssignment, type StageAssignments } from './stages';
import { type DocumentStructure, firstWords, type LineProblem, type Range } from './structure';

export const NO_STAGE = 'No stage';

export interface OutlineItem {
  kind: 'section' | 'turn' | 'passage' | 'segment';
  /** The heading text; "Speaker: first words…"; the passage's first words; "Code name: first words of the quote…". */
  name: string;
  /** Why it is in this stage, e.g. "stage marker on line 12". */
  detail: string;
  /** The whole section, turn, passage or segment. */
  range: Range;
  /** The heading line, the speaker label, the passage's first block, or the segment. */
  selectionRange: Range;
  assignment: StageAssignment;
  /** Index in structure.headings, structure.turns, structure.passages, or the segments given. */
  index: number;
  /** For segments: the segment's id. */
  segmentId?: string;
  /** Sections, turns and passages: the sections, turns and passages of the same stage inside this one. Absent on segments. */
  children?: OutlineItem[];
}

export interface OutlineGroup {
  /** Stage id; undefined for the "No stage" group. */
  stage: string | undefined;
  /** The stage's name; for "No stage", with what it holds when it holds anything: "No stage (2 sections, 214 speaker turns)". */
  name: string;
  /** From the first item's start to the last item's end (unlisted items included); absent when the group is empty. */
  range?: Range;
  items: OutlineItem[];
  /** "No stage" in a document with headings: the speaker turns and passages of no stage it does not list. */
  unlisted?: { turns: number; passages: number };
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export interface Outline {
  /** Every stage of the codebook in order, then "No stage"; groups may be empty. */
  groups: OutlineGroup[];
  /** Stage markers and front matter that name no stage of the codebook. */
  problems: LineProblem[];
  assignments: StageAssignments;
}

/** First words of quotes, kept between outlines: a quote stays the same string while its segment lives. */
const quoteCache = new Map<string, string>();
function quoteWords(quote: string): string {
  let words = quoteCache.get(quote);
  if (words === undefined) {
    if (quoteCache.size >= 100_000) quoteCache.clear();
    words = firstWords(quote);
    quoteCache.set(quote, words);
  }
  return words;
}

/** Puts items (sorted by start, longer first on ties) into a tree by containment. */
function nest(items: OutlineItem[]): OutlineItem[] {
  const roots: OutlineItem[] = [];
  const stack: OutlineItem[] = [];
  for (const it of items) {
    while (stack.length > 0 && stack[stack.length - 1].range.end < it.range.end) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && parent.range.start <= it.range.start) parent.children!.push(it);
    else roots.push(it);
    if (it.kind === 'section') stack.push(it);
  }
  return roots;
}

/**
 * Builds the outline. `segments` are the document's coded segments in UTF-16 offsets
 * (segmentsFromAnnotations converts annotations); `codeName` and `stageOfCode` look codes up in
 * the codebook (e.g. `(id) => index.codes.get(id)?.name ?? id` and `(id) => index.stageOf(id)?.id`).
 */
export function buildOutline(
  structure: DocumentStructure,
  stages: readonly Stage[],
  segments: readonly CodedSegment[],
  codeName: (codeId: string) => string,
  stageOfCode: (codeId: string) => string | undefined,
): Outline {
  const assigned = assignWithCodeSets(structure, stages, segments, stageOfCode, codeName);
  const { assignments, codeSets, order } = assigned;
  codeName = assigned.codeName;
  const groupOf = new Map<string | undefined, number>();
  stages.forEach((s, i) => groupOf.set(s.id, i));
  groupOf.set(undefined, stages.length);
  const structural: OutlineItem[][] = Array.from({ length: stages.length + 1 }, () => []);
  const coded: OutlineItem[][] = Array.from({ length: stages.length + 1 }, () => []);

  // Sections, turns and passages, merged in document order (a section first at the same place).
  const { headings, turns, passages } = structure;
  const sectionItem = (i: number): OutlineItem => {
    const h = headings[i];
    const a = assignments.sections[i];
    return { kind: 'section', name: h.text || `Heading on line ${h.line}`, detail: a.detail, range: h.section, selectionRange: h.range, assignment: a, index: i, children: [] };
  };
  const turnItem = (i: number): OutlineItem => {
    const t = turns[i];
    const a = assignments.turns[i];
    return { kind: 'turn', name: t.firstWords ? `${t.speaker}: ${t.firstWords}` : t.speaker, detail: a.detail, range: t.range, selectionRange: t.label, assignment: a, index: i, children: [] };
  };
  const passageItem = (i: number): OutlineItem => {
    const p = passages[i];
    const a = assignments.passages[i];
    return { kind: 'passage', name: p.firstWords || `Passage on line ${p.line}`, detail: a.detail, range: p.range, selectionRange: p.first, assignment: a, index: i, children: [] };
  };
  const none = stages.length;
  // "No stage" in a document with headings: sections only (the rest is counted).
  const sectionsOnly = headings.length > 0;
  const unlisted = { turns: 0, passages: 0, start: Infinity, end: -Infinity };
  const place = (item: OutlineItem) => {
    const g = groupOf.get(item.assignment.stage) ?? none;
    if (g === none && sectionsOnly && item.kind !== 'section') {
      if (item.kind === 'turn') unlisted.turns++;
      else unlisted.passages++;
      if (item.range.start < unlisted.start) unlisted.start = item.range.start;
      if (item.range.end > unlisted.end) unlisted.end = item.range.end;
      return;
    }
    structural[g].push(item);
  };
  for (let i = 0, j = 0, k = 0; i < headings.length || j < turns.length || k < passages.length;) {
    const h = i < headings.length ? headings[i].range.start : Infinity;
    const t = j < turns.length ? turns[j].range.start : Infinity;
    const p = k < passages.length ? passages[k].range.start : Infinity;
    place(h <= t && h <= p ? sectionItem(i++) : t <= p ? turnItem(j++) : passageItem(k++));
  }

  // Coded segments in document order, named after the codes that place them in each group.
  // A label per set of codes and stage: the names of the set's codes in that stage, or of all its codes.
  const labels = new Map<CodeSet, Map<StageAssignment, string>>();
  const labelOf = (set: CodeSet, a: StageAssignment): string => {
    let bySet = labels.get(set);
    if (!bySet) labels.set(set, (bySet = new Map()));
    let label = bySet.get(a);
    if (label === undefined) {
      const own = a.source === 'codes' ? set.codes.filter((c) => stageOfCode(c) === a.stage) : set.codes;
      label = [...new Set((own.length > 0 ? own : set.codes).map(codeName))].join(', ');
      bySet.set(a, label);
    }
    return label;
  };
  for (const i of order) {
    const seg = segments[i];
    const words = quoteWords(seg.quote);
    const range = { start: seg.start, end: seg.end };
    for (const a of assignments.segments[i]) {
      const label = labelOf(codeSets[i], a);
      coded[groupOf.get(a.stage) ?? stages.length].push({
        kind: 'segment',
        name: words ? `${label}: ${words}` : label,
        detail: a.detail,
        range,
        selectionRange: range,
        assignment: a,
        index: i,
        segmentId: seg.id,
      });
    }
  }

  const groups: OutlineGroup[] = [...stages.map((s) => ({ id: s.id as string | undefined, name: s.name })), { id: undefined, name: NO_STAGE }].map((g, k) => {
    const items = [...nest(structural[k]), ...coded[k]];
    const group: OutlineGroup = { stage: g.id, name: g.name, items };
    let start = Infinity;
    let end = -Infinity;
    for (const it of items) {
      if (it.range.start < start) start = it.range.start;
      if (it.range.end > end) end = it.range.end;
    }
    if (k === none) {
      let sections = 0;
      let listedTurns = 0;
      let listedPassages = 0;
      for (const it of structural[k]) {
        if (it.kind === 'section') sections++;
        else if (it.kind === 'turn') listedTurns++;
        else listedPassages++;
      }
      const parts: string[] = [];
      if (sections > 0) parts.push(count(sections, 'section', 'sections'));
      const t = listedTurns + unlisted.turns;
      if (t > 0) parts.push(count(t, 'speaker turn', 'speaker turns'));
      const p = listedPassages + unlisted.passages;
      if (p > 0) parts.push(count(p, 'marked passage', 'marked passages'));
      if (coded[k].length > 0) parts.push(count(coded[k].length, 'coded segment', 'coded segments'));
      if (parts.length > 0) group.name = `${NO_STAGE} (${parts.join(', ')})`;
      if (unlisted.turns + unlisted.passages > 0) {
        group.unlisted = { turns: unlisted.turns, passages: unlisted.passages };
        start = Math.min(start, unlisted.start);
        end = Math.max(end, unlisted.end);
      }
    }
    if (start <= end) group.range = { start, end };
    return group;
  });
  return { groups, problems: assignments.problems, assignments };
}
