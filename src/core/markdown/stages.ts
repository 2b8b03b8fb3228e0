/**
 * Which stage of the codebook each part of a document belongs to: its sections, its speaker turns
 * and its coded segments. Every assignment says why, in plain words.
 *
 * Precedence, first match wins:
 *
 * 1. Stage marker. A `<!-- stage: id -->` comment applies from where it stands until the next
 *    stage marker, or until the next heading of the same or a higher level than the heading it sits
 *    under, whichever comes first; a marker before any heading applies until the next marker or
 *    the end of the document. The id is a stage id from the codebook ("relationships"); a stage's
 *    name ("Relationships and processes") and other capitalisation are accepted too. A marker
 *    that names no stage of the codebook is reported as a problem on its line and assigns nothing,
 *    but it still ends the reach of the marker before it.
 *    A speaker turn or coded segment takes the marker that applies where it starts. A section
 *    takes the first marker placed directly under its heading (before any sub-heading), or else
 *    the marker that applies at its heading (one placed under a higher-level heading above it).
 * 2. Front matter. `stage: id` in the document's front matter puts everything that no marker
 *    reaches in that stage. An unknown stage is reported on the line of `stage:` and ignored.
 * 3. Codes. Otherwise a passage is placed by the stages of the codes applied to it (a code's
 *    stage is inherited from its nearest ancestor code with one).
 *    - A coded segment goes under every stage its codes belong to: coded both Brokering relations
 *      (Relationships and processes) and Shaping boundaries (Membership and roles), it appears
 *      under both.
 *    - A speaker turn or section goes under one stage: the stage of most of the coded segments
 *      that overlap it (a segment counts once for each stage of its codes); a tie goes to the
 *      stage that comes first in the codebook. The other stages are named in the reason, e.g.
 *      "coded Brokering relations (3 segments); also 1 in Membership and roles". One place per
 *      turn keeps the outline free of duplicates; the segments themselves still show every stage.
 * 4. Otherwise: "No stage".
 *
 * The passage a marker opens (structure.passages: the plain paragraphs of field notes under a
 * marker, with no heading or speaker of their own) is placed as a speaker turn is: by its marker.
 *
 * All offsets are UTF-16 offsets into the normalised text, as in structure.ts.
 */
import type { Annotation } from '../model/annotation';
import type { Stage } from '../model/codebook';
import type { Text } from '../text/text';
import type { DocumentStructure, LineProblem, MarkedPassage, Range } from './structure';

/** A coded segment in UTF-16 offsets, `end` exclusive. */
export interface CodedSegment {
  id: string;
  start: number;
  end: number;
  /** Code ids, as applied. */
  codes: readonly string[];
  /** The quoted text. */
  quote: string;
}

/** The coded segments of the annotations that have a place in the text (orphans are left out), in UTF-16 offsets. */
export function segmentsFromAnnotations(annotations: readonly Annotation[], text: Text): CodedSegment[] {
  const out: CodedSegment[] = [];
  for (const a of annotations) {
    if (a.start === undefined || a.end === undefined) continue;
    out.push({ id: a.id, start: text.toUtf16(a.start), end: text.toUtf16(a.end), codes: a.codes, quote: a.exact });
  }
  return out;
}

export type StageSource = 'marker' | 'front-matter' | 'codes' | 'none';

export interface StageAssignment {
  /** A stage id of the codebook, or undefined for "No stage". */
  stage: string | undefined;
  source: StageSource;
  /** Why, in plain words: "stage marker on line 12", "coded Brokering relations". */
  detail: string;
}

/** Where a stage marker applies. */
export interface MarkerReach {
  /** Index in structure.markers. */
  marker: number;
  /** The stage id it names, or undefined when it names no stage of the codebook. */
  stage: string | undefined;
  range: Range;
  line: number;
}

/** Assignments with the same reason are one shared object: treat them as read-only. */
export interface StageAssignments {
  /** One per structure.headings (the heading's section). */
  sections: StageAssignment[];
  /** One per structure.turns. */
  turns: StageAssignment[];
  /** One per structure.passages (the passage a marker opens: its marker's stage when the codebook has it, else as a turn would be placed). */
  passages: StageAssignment[];
  /** One list per segment given: one assignment, or one per stage of its codes. */
  segments: StageAssignment[][];
  reaches: MarkerReach[];
  /** The front matter's stage id, when it names a stage of the codebook. */
  frontMatterStage?: string;
  /** Markers and front matter that name no stage of the codebook. */
  problems: LineProblem[];
}

/** "A", "A and B", "A, B and C", "A, B, C and 2 more". */
export function listWords(items: readonly string[], max = 3): string {
  if (items.length <= 1) return items[0] ?? '';
  if (items.length <= max) return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Finds a stage by id, or by id or name in any capitalisation and spacing. */
function stageResolver(stages: readonly Stage[]): (s: string) => string | undefined {
  const exact = new Set(stages.map((s) => s.id));
  const loose = new Map<string, string>();
  const key = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  for (const s of stages) if (!loose.has(key(s.name))) loose.set(key(s.name), s.id);
  for (const s of stages) loose.set(key(s.id), s.id);
  return (s) => (exact.has(s) ? s : loose.get(key(s)));
}

/** Segment indices sorted by start, then end (no sorting when they already are, as a sidecar keeps them). */
export function segmentOrder(segments: readonly CodedSegment[]): Int32Array {
  const order = new Int32Array(segments.length);
  let sorted = true;
  for (let i = 0; i < segments.length; i++) {
    order[i] = i;
    if (i > 0 && (segments[i].start < segments[i - 1].start || (segments[i].start === segments[i - 1].start && segments[i].end < segments[i - 1].end))) sorted = false;
  }
  if (!sorted) order.sort((a, b) => segments[a].start - segments[b].start || segments[a].end - segments[b].end || a - b);
  return order;
}

/**
 * Calls `fn` for each item (ranges sorted by start) with the segments that overlap it. Segments
 * that end before an item's start are dropped for good, since later items start later.
 */
function forEachOverlap(items: readonly Range[], segments: readonly CodedSegment[], order: Int32Array, fn: (item: number, overlapping: readonly number[]) => void): void {
  let next = 0;
  const active: number[] = [];
  const hits: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const { start, end } = items[i];
    while (next < order.length && segments[order[next]].start < end) active.push(order[next++]);
    let k = 0;
    hits.length = 0;
    for (let j = 0; j < active.length; j++) {
      const s = active[j];
      const seg = segments[s];
      if (seg.end <= start) continue; // ended before this item: dropped for good
      active[k++] = s;
      if (seg.start < end) hits.push(s);
    }
    active.length = k;
    if (hits.length > 0) fn(i, hits);
  }
}

/**
 * Assigns each section, speaker turn and coded segment to a stage, following the precedence in
 * this file's top comment. `stages` are the codebook's stages in order; `stageOfCode` gives a
 * code's stage id (e.g. `(id) => index.stageOf(id)?.id`); `codeName` a code's name for the
 * reasons (its id when left out).
 */
export function assignStages(
  structure: DocumentStructure,
  stages: readonly Stage[],
  segments: readonly CodedSegment[],
  stageOfCode: (codeId: string) => string | undefined,
  codeName: (codeId: string) => string = (id) => id,
): StageAssignments {
  return assignWithCodeSets(structure, stages, segments, stageOfCode, codeName).assignments;
}

/** A distinct set of codes among the segments, with its stages (indexes into the stages, in order). @internal */
export interface CodeSet {
  codes: readonly string[];
  stages: number[];
  /** Rule 3 for a segment with these codes. */
  assignments: StageAssignment[];
  /** When byCodes last took this set's code names. */
  seen: number;
}

/** assignStages, also giving each segment's set of codes (shared by segments with the same codes), the segments' order by start, and codeName remembered. @internal */
export function assignWithCodeSets(
  structure: DocumentStructure,
  stages: readonly Stage[],
  segments: readonly CodedSegment[],
  stageOfCode: (codeId: string) => string | undefined,
  codeName: (codeId: string) => string,
): { assignments: StageAssignments; codeSets: readonly CodeSet[]; order: Int32Array; codeName: (codeId: string) => string } {
  const givenName = codeName;
  const nameCache = new Map<string, string>();
  codeName = (id) => {
    let name = nameCache.get(id);
    if (name === undefined) nameCache.set(id, (name = givenName(id)));
    return name;
  };
  const resolve = stageResolver(stages);
  const rank = new Map(stages.map((s, i) => [s.id, i]));
  const known = stages.map((s) => s.id).join(', ');
  const problems: LineProblem[] = [];

  // 1. Where each marker reaches.
  const { headings, markers } = structure;
  const reaches: MarkerReach[] = [];
  /** For each reach, the heading it sits under (-1: none). */
  const under: number[] = [];
  let h = -1;
  for (let k = 0; k < markers.length; k++) {
    const m = markers[k];
    while (h + 1 < headings.length && headings[h + 1].range.start < m.range.start) h++;
    let end = k + 1 < markers.length ? markers[k + 1].range.start : structure.length;
    if (h >= 0) {
      const level = headings[h].level;
      for (let j = h + 1; j < headings.length && headings[j].range.start < end; j++) {
        if (headings[j].level <= level) {
          end = headings[j].range.start;
          break;
        }
      }
    }
    const stage = m.id === '' ? undefined : resolve(m.id);
    if (stage === undefined) {
      problems.push({
        line: m.line,
        severity: 'warning',
        message: m.id === ''
          ? `This stage marker names no stage. Write <!-- stage: id --> with one of the codebook's stages: ${known || '(the codebook has none)'}.`
          : `This stage marker names "${m.id}", which is not a stage of the codebook (${known || 'it has none'}); the passage it marks has no stage from it.`,
      });
    }
    reaches.push({ marker: k, stage, range: { start: m.range.start, end }, line: m.line });
    under.push(h);
  }
  /** Index of the reach that applies at p with a known stage, or -1. */
  const reachAt = (p: number): number => {
    let lo = 0;
    let hi = reaches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (reaches[mid].range.start <= p) lo = mid + 1;
      else hi = mid;
    }
    const r = reaches[lo - 1];
    return r && p < r.range.end && r.stage !== undefined ? lo - 1 : -1;
  };
  /** One assignment (and one one-element list, for segments) per marker, shared by what it reaches. */
  const markerAssignments = reaches.map((r): StageAssignment[] => [{ stage: r.stage, source: 'marker', detail: `stage marker on line ${r.line}` }]);

  // 2. The front matter's stage.
  let frontMatterStage: string | undefined;
  let byFrontMatter: StageAssignment[] | undefined;
  const fm = structure.frontMatter;
  if (fm && Object.prototype.hasOwnProperty.call(fm.attributes, 'stage')) {
    const value = fm.attributes.stage;
    const at = /^stage[ \t]*:/m.exec(fm.raw);
    const line = 2 + (at ? fm.raw.slice(0, at.index).split('\n').length - 1 : 0);
    const stage = typeof value === 'string' ? resolve(value) : undefined;
    if (stage !== undefined) {
      frontMatterStage = stage;
      byFrontMatter = [{ stage, source: 'front-matter', detail: `stage "${String(value)}" in the front matter` }];
    } else if (value !== null && value !== '') {
      problems.push({
        line,
        severity: 'warning',
        message: typeof value === 'string'
          ? `The front matter's stage "${value}" is not a stage of the codebook (${known || 'it has none'}); it is ignored.`
          : `The front matter's stage should name one stage of the codebook (${known || 'it has none'}); it is ignored.`,
      });
    }
  }
  /** What precedence rules 1 and 2 say at a position, if anything. */
  const fixedAt = (p: number): StageAssignment[] | undefined => {
    const r = reachAt(p);
    return r >= 0 ? markerAssignments[r] : byFrontMatter;
  };

  // 3. The stages of each segment's codes (indexes into `stages`, in codebook order), worked out
  // once per set of codes.
  const codeStage = new Map<string, number>();
  const stageIndexOf = (code: string): number => {
    let i = codeStage.get(code);
    if (i === undefined) {
      const s = stageOfCode(code);
      i = s === undefined ? -1 : rank.get(s) ?? -1;
      codeStage.set(code, i);
    }
    return i;
  };
  const names = (codes: Iterable<string>): string => listWords([...new Set(Array.from(codes, codeName))]);
  const belong = (codes: readonly string[]): string => `coded ${names(codes)}, which ${new Set(codes).size > 1 ? 'belong' : 'belongs'} to no stage`;
  const NOTHING = 'no stage marker, front-matter stage or staged code applies';
  const codeSets = new Map<string, CodeSet>();
  const segSets: CodeSet[] = new Array(segments.length);
  for (let i = 0; i < segments.length; i++) {
    const codes = segments[i].codes;
    const key = codes.length === 1 ? codes[0] : codes.join('\u0000');
    let set = codeSets.get(key);
    if (!set) {
      const st: number[] = [];
      for (const c of codes) {
        const k = stageIndexOf(c);
        if (k >= 0 && !st.includes(k)) st.push(k);
      }
      st.sort((x, y) => x - y);
      set = {
        codes,
        seen: 0,
        stages: st,
        assignments: st.length === 0
          ? [{ stage: undefined, source: 'none', detail: codes.length > 0 ? belong(codes) : NOTHING }]
          : st.map((k) => ({ stage: stages[k].id, source: 'codes' as const, detail: `coded ${names(codes.filter((c) => stageIndexOf(c) === k))}` })),
      };
      codeSets.set(key, set);
    }
    segSets[i] = set;
  }

  /** Rule 3 for a passage: the stage of most of the segments overlapping it. */
  const counts = new Int32Array(stages.length);
  let rounds = 0;
  const byCodes = (hits: readonly number[] | undefined): StageAssignment => {
    if (!hits || hits.length === 0) return { stage: undefined, source: 'none', detail: NOTHING };
    counts.fill(0);
    let counted = 0;
    for (const s of hits) {
      const st = segSets[s].stages;
      if (st.length > 0) counted++;
      for (const k of st) counts[k]++;
    }
    if (counted === 0) {
      const codes: string[] = [];
      for (const s of hits) codes.push(...segments[s].codes);
      return { stage: undefined, source: 'none', detail: belong(codes) };
    }
    let best = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k] > counts[best]) best = k;
    // The names of the codes behind the winning stage, looking at each distinct set of codes once.
    const codes = new Set<string>();
    const round = ++rounds;
    for (const s of hits) {
      const set = segSets[s];
      if (set.seen === round) continue;
      set.seen = round;
      if (set.stages.includes(best)) for (const c of set.codes) if (stageIndexOf(c) === best) codes.add(c);
    }
    let detail = `coded ${names(codes)}`;
    const others: string[] = [];
    let tied = false;
    for (let k = 0; k < counts.length; k++) {
      if (k === best || counts[k] === 0) continue;
      others.push(`${counts[k]} in ${stages[k].name}`);
      if (counts[k] === counts[best]) tied = true;
    }
    if (others.length > 0) {
      const nb = counts[best];
      detail += ` (${nb} ${nb === 1 ? 'segment' : 'segments'}); also ${others.join(', ')}`;
      if (tied) detail += '; a tie goes to the stage first in the codebook';
    }
    return { stage: stages[best].id, source: 'codes', detail };
  };

  const order = segmentOrder(segments);

  // Sections: the first known marker directly under the heading, else the marker reaching the
  // heading, else the front matter, else the codes.
  const sections: StageAssignment[] = new Array(headings.length);
  const ownReach: (number | undefined)[] = new Array(headings.length);
  for (let k = reaches.length - 1; k >= 0; k--) if (under[k] >= 0 && reaches[k].stage !== undefined) ownReach[under[k]] = k;
  for (let i = 0; i < headings.length; i++) {
    const own = ownReach[i];
    const fixed = own !== undefined ? markerAssignments[own] : fixedAt(headings[i].range.start);
    if (fixed) sections[i] = fixed[0];
  }
  forEachOverlap(headings.map((x) => x.section), segments, order, (i, hits) => {
    if (!sections[i]) sections[i] = byCodes(hits);
  });
  for (let i = 0; i < headings.length; i++) sections[i] ??= byCodes(undefined);

  // Speaker turns.
  const { turns: structureTurns } = structure;
  const turns: StageAssignment[] = new Array(structureTurns.length);
  for (let i = 0; i < structureTurns.length; i++) {
    const fixed = fixedAt(structureTurns[i].range.start);
    if (fixed) turns[i] = fixed[0];
  }
  forEachOverlap(structureTurns.map((t) => t.range), segments, order, (i, hits) => {
    if (!turns[i]) turns[i] = byCodes(hits);
  });
  for (let i = 0; i < structureTurns.length; i++) turns[i] ??= byCodes(undefined);

  // The passages markers open, placed as turns are (their own marker first, as it reaches them).
  const structurePassages = structure.passages;
  const passages: StageAssignment[] = new Array(structurePassages.length);
  for (let i = 0; i < structurePassages.length; i++) {
    const fixed = fixedAt(structurePassages[i].range.start);
    if (fixed) passages[i] = fixed[0];
  }
  forEachOverlap(structurePassages.map((p) => p.range), segments, order, (i, hits) => {
    if (!passages[i]) passages[i] = byCodes(hits);
  });
  for (let i = 0; i < structurePassages.length; i++) passages[i] ??= byCodes(undefined);

  // Coded segments: several assignments when their codes belong to several stages.
  const segmentAssignments: StageAssignment[][] = new Array(segments.length);
  for (let i = 0; i < segments.length; i++) segmentAssignments[i] = fixedAt(segments[i].start) ?? segSets[i].assignments;

  const out: StageAssignments = { sections, turns, passages, segments: segmentAssignments, reaches, problems };
  if (frontMatterStage !== undefined) out.frontMatterStage = frontMatterStage;
  return { assignments: out, codeSets: segSets, order, codeName };
}

/** A passage a stage marker places in its stage, for lists across documents (the Stages view, the stage report). */
export interface PassageInStage {
  /** A stage id of the codebook. */
  stage: string;
  /** Index in structure.passages. */
  index: number;
  passage: MarkedPassage;
  /** The line of the marker that places it. */
  markerLine: number;
  /** The passage's text, as written. */
  text: string;
  /** Where it is, in code points (the sidecar's unit, what qda.openSegment takes). */
  start: number;
  end: number;
}

/**
 * The passages a document's stage markers place, in document order: the same placing the outline
 * shows (assignStages), keeping those placed by their own marker (a passage under a marker that
 * names no stage of the codebook is placed by the front matter or its codes, and listed there
 * only). `text` is the document's normalised text.
 */
export function passagesInStages(structure: DocumentStructure, stages: readonly Stage[], text: Text): PassageInStage[] {
  const { passages } = assignStages(structure, stages, [], () => undefined);
  const out: PassageInStage[] = [];
  for (let i = 0; i < passages.length; i++) {
    const a = passages[i];
    if (a.source !== 'marker' || a.stage === undefined) continue;
    const p = structure.passages[i];
    out.push({ stage: a.stage, index: i, passage: p, markerLine: structure.markers[p.marker].line, text: text.text.slice(p.range.start, p.range.end), start: text.toCodePoint(p.range.start), end: text.toCodePoint(p.range.end) });
  }
  return out;
}
