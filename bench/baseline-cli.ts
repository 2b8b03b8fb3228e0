/**
 * The work of `qda anchor <doc> --json` with the baseline's re-anchoring (Hypothesis's way) in
 * place of ours, as a process of its own for `npm run bench`: read the document and its sidecar,
 * parse and validate the sidecar, re-anchor, print the same JSON. Run from the workspace folder.
 */
import { readFileSync } from 'node:fs';
import { parseSidecar } from '../src/core/sidecar/format';
import { sidecarPathFor } from '../src/core/sidecar/iri';
import { Text } from '../src/core/text/text';
import { hypothesisReanchor } from './naive';

const doc = process.argv[2];
const text = Text.fromRaw(readFileSync(doc, 'utf8'));
const load = parseSidecar(readFileSync(sidecarPathFor(doc), 'utf8'), sidecarPathFor(doc));
const results = load.sidecar ? hypothesisReanchor(text, load.sidecar.annotations) : [];
process.stdout.write(JSON.stringify(results.map((r) => ({ id: r.id, status: r.status, start: r.start ?? null, end: r.end ?? null, confidence: r.confidence, certainty: r.certainty, reason: r.reason })), null, 2) + '\n');
