/**
 * A stage-based outline of a document: one group per stage of the codebook, in codebook order,
 * then a final "No stage" group. Each group holds the sections and speaker turns placed in that
 * stage (see stages.ts for the rules), nested where one contains the other, then the coded
 * segments placed there, named "<code name>: <first words of the quote>". Plain data with ranges,
 * ready for a DocumentSymbolProvider; offsets are UTF-16 offsets into the normalised text.
 */
import type { Stage } from '../model/codebook';
import { assignWithCodeSets, type CodedSegment, type CodeSet, type StageAssignment, type StageAssignments } from './stages';
import { type DocumentStructure, firstWords, type LineProblem, type Range } from './structure';

export const NO_STAGE = 'No stage';

export interface OutlineItem {
  kind: 'section' | 'turn' | 'segment';
  /** The heading text; "Speaker: first words…"; "Code name: first words of the quote…". */
  name: string;
  /** Why it is in this stage, e.g. "stage marker on line 12". */
  detail: string;
  /** The whole section, turn or segment. */
  range: Range;
  /** The heading line, the speaker label, or the segment. */
  selectionRange: Range;
  assignment: StageAssignment;
  /** Index in structure.headings, structure.turns, or the segments given. */
  index: number;
  /** For segments: the segment's id. */
  segmentId?: string;
  /** Sections and turns: the sections and turns of the same stage inside this one. Absent on segments. */
  children?: OutlineItem[];
}

export interface OutlineGroup {
  /** Stage id; undefined for the "No stage" group. */
  stage: string | undefined;
  name: string;
  /** From the first item's start to the last item's end; absent when the group is empty. */
  range?: Range;
  items: OutlineItem[];
}

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
    if (parent && parent.kind === 'section' && parent.range.start <= it.range.start) parent.children!.push(it);
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

  // Sections and turns, merged in document order (a section before a turn at the same place).
  const { headings, turns } = structure;
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
  for (let i = 0, j = 0; i < headings.length || j < turns.length;) {
    const item = j >= turns.length || (i < headings.length && headings[i].range.start <= turns[j].range.start) ? sectionItem(i++) : turnItem(j++);
    structural[groupOf.get(item.assignment.stage) ?? stages.length].push(item);
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
    if (items.length > 0) {
      let start = Infinity;
      let end = -Infinity;
      for (const it of items) {
        if (it.range.start < start) start = it.range.start;
        if (it.range.end > end) end = it.range.end;
      }
      group.range = { start, end };
    }
    return group;
  });
  return { groups, problems: assignments.problems, assignments };
}
