/**
 * `node --import tsx bench/anchor-quality.ts [RUNS]` (default 700): how often re-anchoring puts a segment on the wrong
 * text, over many random outside-edit sequences on the real transcripts (../shared/corpus, when
 * present) and on generated ones. Every character is tagged with its origin, so each placement is
 * judged against where the segment's own text went (see test/unit/helpers/outside-edits.ts).
 * Prints counts, examples, and how confident right and wrong placements were.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAnnotation } from '../src/core/annotations';
import { reanchor } from '../src/core/anchoring/reanchor';
import { Text } from '../src/core/text/text';
import { applyEdit, emptyVerdict, judge, originals, spanAt, tag, vocabulary, type EditKind, type EditSpec, type Verdict } from '../test/unit/helpers/outside-edits';
import { generateTranscript, Rng } from './data';

const RUNS = Number(process.argv[2] ?? 700);
const NOW = new Date('2026-01-01T00:00:00Z');
const KINDS: EditKind[] = ['insert', 'delete', 'reword', 'deleteSegment', 'deleteSegment', 'duplicate', 'move'];

function corpus(): { name: string; text: string; segments: { start: number; end: number }[] }[] {
  const dir = path.resolve(import.meta.dirname ?? 'bench', '../../shared/corpus/pdpilot-interviews');
  if (!fs.existsSync(dir)) return [];
  type Seg = { document: string; start: number | null; end: number | null; exactInMd: string | null };
  const segs = (JSON.parse(fs.readFileSync(path.join(dir, 'coded-segments.json'), 'utf8')) as { segments: Seg[] }).segments;
  return ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'].map((name) => {
    const t = Text.fromRaw(fs.readFileSync(path.join(dir, `${name}.md`), 'utf8'));
    const segments = segs
      .filter((s) => s.document === name && s.start !== null && s.end !== null && s.exactInMd)
      .map((s) => ({ start: t.toCodePoint(s.start!), end: t.toCodePoint(s.end!) }));
    return { name, text: t.text, segments };
  });
}

function simulate(label: string, source: (i: number) => { text: string; segments: { start: number; end: number }[] }, seed: number): Verdict {
  const rng = new Rng(seed);
  const v = emptyVerdict();
  let annotations = 0;
  let ms = 0;
  for (let i = 0; i < RUNS; i++) {
    const { text: src, segments } = source(i);
    const text = new Text(src);
    const chars = Array.from(src);
    const ranges = [...segments];
    const n = rng.int(100, 180);
    for (let k = 0; k < n; k++) {
      const r = spanAt(chars, rng.int(0, chars.length - 1), rng.chance(0.5) ? rng.int(4, 31) : rng.int(32, 400));
      if (r) ranges.push(r);
    }
    const anns = ranges.map((r, k) => createAnnotation(text, { ...r, codes: ['c'], creator: 't', id: `urn:uuid:${k}`, now: NOW }));
    const before = originals(anns);
    const words = vocabulary(src);
    let doc = tag(src);
    const edits = rng.int(1, 30);
    for (let k = 0; k < edits; k++) {
      const e: EditSpec = { kind: rng.pick(KINDS), a: rng.int(0, 2 ** 30), b: rng.int(0, 2 ** 30), c: rng.int(0, 2 ** 30) };
      doc = applyEdit(doc, e, words, before);
    }
    const edited = new Text(doc.map((d) => d.c).join(''));
    const t0 = performance.now();
    const results = reanchor(edited, anns);
    ms += performance.now() - t0;
    annotations += anns.length;
    judge(doc, before, results, v);
  }
  const short = (xs: string[]) => xs.filter((x) => /\((\d+) characters\)/.test(x) && Number(/\((\d+) characters\)/.exec(x)![1]) < 32).length;
  console.log(`${label}: ${RUNS} edit sequences, ${annotations} annotations, re-anchoring ${ms.toFixed(0)} ms in all`);
  console.log(`  untouched ${v.untouched}: not exactly on their text ${v.untouchedMisplaced.length}; on another passage with the same words and context that fits as well ${v.untouchedOnCopy}`);
  console.log(`  wholly deleted ${v.deleted}: placed on other, non-identical text ${v.deletedPlaced.length}; on an identical copy of the quote ${v.deletedOnIdentical}`);
  console.log(`  approximate placements ${v.fuzzy}: on text the segment never covered ${v.fuzzyWrong.length} (${short(v.fuzzyWrong)} of them quotes under 32 characters)`);
  for (const x of [...v.untouchedMisplaced.slice(0, 3), ...v.deletedPlaced.slice(0, 3), ...v.fuzzyWrong.slice(0, 4)]) console.log(`    e.g. ${x.replace(/\n/g, '⏎')}`);
  const conf = (right: boolean) => v.placements.filter((p) => p.status === 'fuzzy' && p.right === right && p.confidence !== undefined).map((p) => p.confidence!).sort((a, b) => a - b);
  const q = (xs: number[], f: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(f * xs.length))].toFixed(2) : '—');
  const r = conf(true);
  const w = conf(false);
  if (r.length + w.length > 0) console.log(`  confidence of approximate placements: right min ${q(r, 0)} / p10 ${q(r, 0.1)} / median ${q(r, 0.5)}; wrong max ${w.length ? w[w.length - 1].toFixed(2) : '—'} (n=${w.length})`);
  return v;
}

const docs = corpus();
if (docs.length === 0) console.log('Real transcripts not found (../shared/corpus/pdpilot-interviews): generated text only.');
else simulate('Real transcripts (MAXQDA-coded segments plus random ones)', (i) => docs[i % docs.length], 1);
simulate('Generated transcripts', (i) => ({ text: generateTranscript(1000 + i, 20_000), segments: [] }), 2);
