/**
 * Writes the workspace the in-editor benchmark opens (never committed: the transcripts are 1 MB
 * each): several copies of the same synthetic 1 MB transcript, each with its own sidecar of 10,000
 * annotations (so every measured open is a document the editor has never seen), as many plain
 * copies without a sidecar (the baseline), a small coded warm-up document, and a codebook with
 * every code the annotations use.
 *
 * The codebook sits in a subfolder (`qda.codebookPath` points to it) so that the extension does
 * not activate at start-up (`workspaceContains:codebook.json` looks at the folder's root only):
 * the benchmark activates it itself, right after subscribing its first timing listener.
 *
 * In the copies opened for timing, one annotation also carries a code missing from the codebook, so
 * that each gets exactly one "not in the codebook" diagnostic when its coding has been loaded and
 * drawn: without a hook in the extension, that is the signal the benchmark waits for. One more copy
 * (`clean`) has no such problem: typing is measured there, since a document that shows any
 * problem takes another path on every keystroke.
 *
 * Bundled by bench/extension/build.mjs; run by bench/extension/run.mjs before code-server starts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Codebook } from '../../src/core/model/codebook';
import type { Annotation } from '../../src/core/model/annotation';
import { parseCodebook, serializeCodebook } from '../../src/core/codebook/codebook';
import { openDocument, sidecarText } from '../../src/core/project';
import { SIDECAR_VERSION } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { CODES, generateAnnotations, generateTranscript, SIDECAR_ID } from '../data';

export const SENTINEL_CODE = 'not-in-the-codebook';
export const CODEBOOK_PATH = 'codebook/codebook.json';

export interface Manifest {
  /** Workspace-relative paths of the coded 1 MB transcripts, one per measured open. */
  coded: string[];
  /** The same transcript without a sidecar, as many copies as `coded`. */
  plain: string[];
  /** A copy coded with the same annotations minus the sentinel code: no problem to show. */
  clean: string;
  cleanExpectedHighlights: number;
  /** A small coded document, opened first. */
  warmup: string;
  annotations: number;
  /** Highlight ranges one document should get: one per code of each annotation. */
  expectedHighlights: number;
  warmupAnnotations: number;
  sentinelCode: string;
  transcript: { bytes: number; utf16: number; codePoints: number; lines: number };
  sidecarBytes: number;
}

const STAGE_COLOURS = ['#4f46e5', '#14b8a6', '#f59e0b', '#e11d48'];
const CODE_COLOURS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4d7c0f', '#7c3aed'];

function codebook(): Codebook {
  return {
    version: 1,
    name: 'Benchmark codebook',
    stages: STAGE_COLOURS.map((colour, i) => ({ id: `stage-${i + 1}`, name: `Stage ${i + 1}`, colour })),
    codes: CODES.map((id, i) => ({
      id,
      name: id.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      stage: `stage-${(i % STAGE_COLOURS.length) + 1}`,
      // Half the codes have their own colour, half take their stage's.
      ...(i % 2 === 0 ? { colour: CODE_COLOURS[(i / 2) % CODE_COLOURS.length] } : {}),
    })),
  };
}

const clone = (anns: readonly Annotation[]): Annotation[] => anns.map((a) => ({ ...a, codes: [...a.codes] }));

function sidecarFor(docPath: string, text: Text, annotations: readonly Annotation[]): string {
  return sidecarText({ path: docPath, text, sidecar: { version: SIDECAR_VERSION, id: SIDECAR_ID, annotations: clone(annotations) } });
}

function write(root: string, rel: string, contents: string): void {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, contents);
}

/** Writes the workspace into `root` (created if needed) and returns what the benchmark needs to know. */
export function generateWorkspace(root: string, o: { copies: number; annotations: number; seed?: number; settings?: Record<string, unknown> }): Manifest {
  const raw = generateTranscript(o.seed ?? 7);
  const text = new Text(raw);
  const cleanAnnotations = generateAnnotations(text, o.annotations, 11);
  const annotations = clone(cleanAnnotations);
  annotations[0].codes.push(SENTINEL_CODE);

  const cb = codebook();
  const cbText = serializeCodebook(cb);
  const cbCheck = parseCodebook(cbText, CODEBOOK_PATH);
  if (cbCheck.problems.length > 0) throw new Error(`The generated codebook is invalid: ${cbCheck.problems[0].message}`);
  write(root, CODEBOOK_PATH, cbText);
  write(root, '.vscode/settings.json', JSON.stringify({ 'qda.codebookPath': CODEBOOK_PATH, ...o.settings }, null, 2) + '\n');

  const coded: string[] = [];
  let sidecarBytes = 0;
  for (let i = 0; i < o.copies; i++) {
    const docPath = `interviews/p07-copy${String(i + 1).padStart(2, '0')}.md`;
    const sidecar = sidecarFor(docPath, text, annotations);
    if (i === 0) {
      // The sidecar must load as the extension will load it: every annotation exact, no problem.
      const loaded = openDocument(docPath, raw, sidecar);
      const notExact = loaded.results.filter((r) => r.status !== 'exact').length;
      if (loaded.problems.length > 0 || loaded.readOnly || loaded.results.length !== o.annotations || notExact > 0) {
        throw new Error(`The generated sidecar does not load cleanly: ${loaded.problems[0]?.message ?? `${notExact} annotations not exact`}`);
      }
      sidecarBytes = Buffer.byteLength(sidecar);
    }
    write(root, docPath, raw);
    write(root, docPath + '.annotations.json', sidecar);
    coded.push(docPath);
  }

  const clean = 'interviews/p07-clean.md';
  write(root, clean, raw);
  write(root, clean + '.annotations.json', sidecarFor(clean, text, cleanAnnotations));

  const plain: string[] = [];
  for (let i = 0; i < o.copies; i++) {
    const docPath = `interviews/p07-plain${String(i + 1).padStart(2, '0')}.md`;
    write(root, docPath, raw);
    plain.push(docPath);
  }

  // The warm-up document: the transcript's first 20,000 or so characters (cut at a line end) with
  // the annotations inside them.
  const warmRaw = raw.slice(0, raw.lastIndexOf('\n', 20_000) + 1);
  const warmText = new Text(warmRaw);
  const warmAnns = clone(annotations.filter((a) => a.end! <= warmText.length));
  if (warmAnns.length === 0) throw new Error('The warm-up document has no annotation.');
  if (!warmAnns.some((a) => a.codes.includes(SENTINEL_CODE))) warmAnns[0].codes.push(SENTINEL_CODE);
  const warmup = 'interviews/warmup.md';
  write(root, warmup, warmRaw);
  write(root, warmup + '.annotations.json', sidecarFor(warmup, warmText, warmAnns));

  return {
    coded,
    plain,
    clean,
    cleanExpectedHighlights: cleanAnnotations.reduce((n, a) => n + a.codes.length, 0),
    warmup,
    annotations: annotations.length,
    expectedHighlights: annotations.reduce((n, a) => n + a.codes.length, 0),
    warmupAnnotations: warmAnns.length,
    sentinelCode: SENTINEL_CODE,
    transcript: { bytes: Buffer.byteLength(raw), utf16: raw.length, codePoints: text.length, lines: raw.split('\n').length },
    sidecarBytes,
  };
}
