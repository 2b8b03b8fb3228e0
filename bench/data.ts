/**
 * Deterministic synthetic data for the benchmark: an interview transcript of about 1 MB, 10,000
 * annotations over it, and scattered external edits. Everything comes from a seeded PRNG, so two
 * runs on any machine see the same text, the same annotations and the same edits.
 */
import { createAnnotation } from '../src/core/annotations';
import type { Annotation } from '../src/core/model/annotation';
import type { Text } from '../src/core/text/text';

/** mulberry32: a tiny 32-bit PRNG, good enough for test data. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over a PRNG. */
export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const WORDS = (
  'the a an and but or so because if when then that this those these it its I you we they he she me us them my our your their ' +
  'is was were are be been being have has had do does did can could would should will might must ' +
  'not just really actually basically kind of sort like maybe probably always never sometimes often usually ' +
  'about with from into over under after before during between through around without within across against ' +
  'work team manager shift ward patient nurse doctor colleague family week day morning evening night time year month ' +
  'system software screen form record note handover rota schedule email phone meeting training policy process ' +
  'problem issue change decision support pressure workload stress trust respect feedback help advice experience ' +
  'think know feel say said told asked mean guess remember try tried want needed need get got make made take took ' +
  'go went come came see saw look looked find found give gave keep kept start started stop stopped use used ' +
  'good bad hard easy difficult different same new old big small long short whole important honest tired busy ' +
  'people person everyone someone nobody anything everything nothing something one two three four five first last ' +
  'hospital clinic office room desk computer laptop tablet printer paperwork spreadsheet dashboard login password ' +
  'management leadership budget staffing agency cover sickness overtime break lunch coffee car parking commute ' +
  'honestly obviously definitely literally frankly apparently eventually suddenly finally quickly slowly ' +
  'understand explain expect happen happened worry worried manage managed cope coped handle handled deal dealt ' +
  'question answer reason example point part side way thing things place case fact idea story situation ' +
  'older younger senior junior new-starter locum student supervisor director consultant receptionist porter ' +
  'café naïve résumé coöperate façade déjà-vu'
).split(/\s+/);

const FILLERS = ['um', 'uh', 'you know', 'I mean', 'like', 'well', 'right', 'okay', 'yeah'];
const EMOJI = ['😅', '👍', '🙂', '😬', '🤷', '📱', '💬', '🏥'];
const HEADINGS = [
  'Background and role', 'A typical shift', 'Handover', 'Tools and systems', 'Workload', 'Working with managers',
  'Training', 'Trust in the team', 'Things that went wrong', 'What would help', 'Closing questions',
];
const INTERVIEWER_OPENERS = [
  'Can you tell me a bit more about', 'How did you feel about', 'What happened with', 'Could you walk me through',
  'When you say that, do you mean', 'Why do you think', 'How often does', 'Who decides',
];

function sentence(rng: Rng, minWords: number, maxWords: number, question = false): string {
  const n = rng.int(minWords, maxWords);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = rng.chance(0.04) ? rng.pick(FILLERS) : rng.pick(WORDS);
    if (i > 2 && i < n - 1 && rng.chance(0.06)) w += ',';
    words.push(w);
  }
  let s = words.join(' ');
  s = s.charAt(0).toUpperCase() + s.slice(1);
  s += question ? '?' : rng.chance(0.08) ? '…' : '.';
  if (rng.chance(0.012)) s += ' ' + rng.pick(EMOJI);
  return s;
}

function timestamp(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds / 60) % 60;
  const s = seconds % 60;
  return [h, m, s].map((x) => String(x).padStart(2, '0')).join(':');
}

/**
 * A Markdown interview transcript of at least `targetLength` UTF-16 units (LF line ends): a title,
 * session headings, timestamped speaker turns for the interviewer and participant P07, an
 * occasional emoji (astral characters) and accented words.
 */
export function generateTranscript(seed: number, targetLength = 1_000_000): string {
  const rng = new Rng(seed);
  const out: string[] = [
    '# Interview with P07 — ward nurse, night shifts',
    '',
    '> Transcribed from the audio recording. Names of colleagues and places have been removed. 🎙️',
    '',
  ];
  let length = out.reduce((n, s) => n + s.length + 1, 0);
  let seconds = 0;
  let section = 0;
  let turnsInSection = Infinity;
  while (length < targetLength) {
    const lines: string[] = [];
    if (turnsInSection > 40 && rng.chance(0.15)) {
      section++;
      turnsInSection = 0;
      lines.push(`## ${section}. ${HEADINGS[(section - 1) % HEADINGS.length]}${section > HEADINGS.length ? ` (part ${Math.ceil(section / HEADINGS.length)})` : ''}`, '');
    }
    turnsInSection++;
    seconds += rng.int(5, 90);
    const q = `${rng.pick(INTERVIEWER_OPENERS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.pick(WORDS)}?`;
    lines.push(`**Interviewer:** [${timestamp(seconds)}] ${rng.chance(0.3) ? sentence(rng, 4, 12) + ' ' : ''}${q}`, '');
    seconds += rng.int(10, 240);
    const paragraphs = rng.int(1, 3);
    for (let p = 0; p < paragraphs; p++) {
      const sentences: string[] = [];
      const ns = rng.int(2, 9);
      for (let i = 0; i < ns; i++) sentences.push(sentence(rng, 4, 24));
      if (rng.chance(0.05)) sentences.push('[laughs]');
      if (rng.chance(0.03)) sentences.push('[inaudible 00:0' + rng.int(1, 9) + ']');
      lines.push((p === 0 ? `**P07:** [${timestamp(seconds)}] ` : '') + sentences.join(' '), '');
    }
    for (const l of lines) length += l.length + 1;
    out.push(...lines);
  }
  return out.join('\n');
}

export const CODES = [
  'workload', 'time-pressure', 'handover', 'tools', 'workarounds', 'trust', 'management', 'training', 'peer-support',
  'patient-safety', 'stress', 'coping', 'autonomy', 'communication', 'staffing', 'night-shift', 'errors', 'learning',
  'identity', 'change',
];

/** A fixed, schema-valid "urn:uuid:" id for the i-th annotation. */
export function annotationId(i: number): string {
  return `urn:uuid:00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

export const SIDECAR_ID = 'urn:uuid:5eed0000-0000-4000-8000-000000000007';
export const FIXED_DATE = new Date('2025-01-15T10:30:00Z');

/** Moves a start forward to the beginning of a word (at most 12 code points), when one is near. */
function snapStart(cps: Int32Array, s: number): number {
  for (let i = s; i < Math.min(cps.length, s + 12); i++) if (i === 0 || cps[i - 1] === 32 || cps[i - 1] === 10) return i;
  return s;
}
/** Moves an end back to the end of a word (at most 12 code points), when one is near. */
function snapEnd(cps: Int32Array, e: number): number {
  for (let i = e; i > Math.max(0, e - 12); i--) if (i === cps.length || cps[i] === 32 || cps[i] === 10) return i;
  return e;
}

export const MIN_LEN = 20;
export const MAX_LEN = 400;

/**
 * `count` annotations over the text, lengths MIN_LEN–MAX_LEN code points, mostly word-aligned:
 * most placed independently (so they overlap by chance), some nested inside an earlier one and
 * some overlapping an earlier one on purpose. Codes come from CODES; ids and dates are fixed.
 */
export function generateAnnotations(text: Text, count: number, seed: number): Annotation[] {
  const rng = new Rng(seed);
  const cps = Int32Array.from(Array.from(text.text, (c) => c.codePointAt(0)!));
  const len = text.length;
  const out: Annotation[] = [];
  const creators = ['Ana', 'Ben', 'Chidi'];
  for (let i = 0; i < count; i++) {
    let start: number;
    let end: number;
    const parent = out.length > 0 ? out[rng.int(Math.max(0, out.length - 50), out.length - 1)] : undefined;
    const kind = rng.float();
    if (parent && kind < 0.15 && parent.end! - parent.start! >= MIN_LEN + 10) {
      // Nested inside an earlier segment.
      const pl = parent.end! - parent.start!;
      const l = rng.int(MIN_LEN, pl - 5);
      start = parent.start! + rng.int(0, pl - l);
      end = start + l;
    } else if (parent && kind < 0.3) {
      // Overlapping an earlier segment's end.
      const pl = parent.end! - parent.start!;
      start = parent.start! + rng.int(1, Math.max(1, pl - 1));
      end = Math.min(len, start + rng.int(MIN_LEN, MAX_LEN));
    } else {
      const l = rng.int(MIN_LEN, MAX_LEN);
      start = rng.int(0, len - l);
      end = start + l;
    }
    const s2 = snapStart(cps, start);
    const e2 = snapEnd(cps, end);
    if (e2 - s2 >= MIN_LEN && e2 - s2 <= MAX_LEN) {
      start = s2;
      end = e2;
    }
    if (end - start < MIN_LEN) end = Math.min(len, start + MIN_LEN);
    if (end - start < MIN_LEN) start = end - MIN_LEN;
    const nCodes = rng.chance(0.7) ? 1 : rng.chance(0.7) ? 2 : 3;
    const codes: string[] = [];
    for (let c = 0; c < nCodes; c++) codes.push(rng.pick(CODES));
    out.push(createAnnotation(text, {
      start,
      end,
      codes,
      creator: rng.pick(creators),
      memo: rng.chance(0.1) ? `Compare with P03 on ${rng.pick(CODES)}; ${rng.pick(WORDS)} ${rng.pick(WORDS)}.` : undefined,
      id: annotationId(i),
      now: FIXED_DATE,
    }));
  }
  return out;
}

/** One external edit in code points over the original text: `removed` code points at `offset` replaced by `inserted`. */
export interface Edit {
  offset: number;
  removed: number;
  inserted: string;
  /** Length of `inserted` in code points (it is all BMP, so also its UTF-16 length). */
  insertedLength: number;
}

function words(rng: Rng, n: number): string {
  let s = '';
  while (s.length < n) s += (s ? ' ' : '') + rng.pick(WORDS);
  return s.slice(0, n);
}

/**
 * `count` non-overlapping edits scattered over the text, sorted by offset: a third insertions, a
 * third deletions, a third replacements, each of 1–200 code points. Edits keep at least one code
 * point between them so each one is distinct.
 */
export function generateEdits(text: Text, count: number, seed: number): Edit[] {
  const rng = new Rng(seed);
  const edits: Edit[] = [];
  while (edits.length < count) {
    const kind = rng.int(0, 2);
    const removed = kind === 0 ? 0 : rng.int(1, 200);
    const insertedLength = kind === 1 ? 0 : rng.int(1, 200);
    const offset = rng.int(0, text.length - removed);
    const clash = edits.some((e) => offset <= e.offset + e.removed && e.offset <= offset + removed);
    if (clash) continue;
    // Inserted text of letters and spaces: BMP only, so UTF-16 and code-point lengths agree.
    edits.push({ offset, removed, inserted: words(rng, insertedLength), insertedLength });
  }
  return edits.sort((a, b) => a.offset - b.offset);
}

/** The text with the edits applied (edits in original code-point offsets, non-overlapping). */
export function applyEdits(text: Text, edits: readonly Edit[]): string {
  const parts: string[] = [];
  let at = 0; // UTF-16 offset in the original text
  for (const e of edits) {
    const a = text.toUtf16(e.offset);
    parts.push(text.text.slice(at, a), e.inserted);
    at = text.toUtf16(e.offset + e.removed);
  }
  parts.push(text.text.slice(at));
  return parts.join('');
}

/**
 * Where an untouched segment [start, end) (original code points) is after the edits, or undefined
 * when an edit touched its text: a deletion or replacement overlapping it, or an insertion strictly
 * inside it. Insertions at its very start or end leave its text whole.
 */
export function mapThroughEdits(edits: readonly Edit[], start: number, end: number): { start: number; end: number } | undefined {
  let shift = 0;
  for (const e of edits) {
    const eEnd = e.offset + e.removed;
    if (e.removed > 0 ? e.offset < end && eEnd > start : e.offset > start && e.offset < end) return undefined;
    if (eEnd <= start) shift += e.insertedLength - e.removed;
  }
  return { start: start + shift, end: end + shift };
}

/**
 * Where each original code point is after the edits (its new code-point offset), or -1 when an
 * edit removed it: to judge a placement by the characters it covers, not by its words alone.
 */
export function originPositions(length: number, edits: readonly Edit[]): Int32Array {
  const out = new Int32Array(length);
  let shift = 0;
  let k = 0;
  for (let i = 0; i < length; i++) {
    while (k < edits.length && edits[k].offset + edits[k].removed <= i && !(edits[k].removed === 0 && edits[k].offset === i)) {
      shift += edits[k].insertedLength - edits[k].removed;
      k++;
    }
    const e = edits[k];
    if (e && e.removed === 0 && e.offset === i) {
      shift += e.insertedLength;
      k++;
    }
    out[i] = e && e.removed > 0 && i >= e.offset && i < e.offset + e.removed ? -1 : i + shift;
  }
  return out;
}
