/**
 * `qda anchor` the way a user runs it: the built command as a child process, its output through a
 * pipe (as into `jq` or a script), on a document whose coding no longer fits its text.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits, generateAnnotations, generateEdits, generateTranscript, SIDECAR_ID } from '../../bench/data';
import { createAnnotation } from '../../src/core/annotations';
import { serializeSidecar, SIDECAR_VERSION } from '../../src/core/sidecar/format';
import { hashText, Text } from '../../src/core/text/text';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

describe('qda anchor as a process, output through a pipe', function () {
  this.timeout(120_000);
  let ws: string;
  before(() => {
    const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    ws = mkdtempSync(path.join(os.tmpdir(), 'qda-anchor-process-'));
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--workspace', ws], { cwd: ws, encoding: 'utf8', maxBuffer: 1 << 28 });

  /** Runs qda with its output read through a pipe by a reader that starts late, as a busy `jq` may. */
  function runSlowReader(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args, '--workspace', ws], { cwd: ws, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.pause();
      child.stdout.on('data', (b: Buffer) => out.push(b));
      setTimeout(() => child.stdout.resume(), 500);
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    });
  }

  function write(doc: string, original: string, edited: string, annotations: ReturnType<typeof createAnnotation>[]): void {
    mkdirSync(path.dirname(path.join(ws, doc)), { recursive: true });
    writeFileSync(path.join(ws, doc), edited);
    writeFileSync(path.join(ws, doc + '.annotations.json'), serializeSidecar({ version: SIDECAR_VERSION, id: SIDECAR_ID, textHash: hashText(original), annotations }, doc));
  }

  it('--json prints every result, whole, with how sure it is (more than a pipe holds at once)', async () => {
    const raw = generateTranscript(3, 150_000);
    const text = new Text(raw);
    const annotations = generateAnnotations(text, 1500, 5);
    write('a/long.md', raw, applyEdits(text, generateEdits(text, 40, 9)), annotations);
    const r = await runSlowReader('anchor', 'a/long.md', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 200_000, `${r.stdout.length} characters`);
    const results = JSON.parse(r.stdout) as { id: string; status: string; confidence: number; certainty: string; reason: string }[];
    assert.equal(results.length, annotations.length);
    assert.deepEqual(new Set(results.map((x) => x.id)), new Set(annotations.map((a) => a.id)));
    for (const x of results) {
      assert.ok(x.confidence >= 0 && x.confidence <= 1);
      assert.ok(['high', 'medium', 'low'].includes(x.certainty));
      assert.ok(x.reason.length > 0);
    }
    const statuses = new Set(results.map((x) => x.status));
    assert.ok(statuses.has('moved') && statuses.has('fuzzy') && statuses.has('orphan'), [...statuses].join());
  });

  it('the text output mentions placements it is unsure of', () => {
    const original = 'Alpha beta gamma. We said yes. Delta epsilon zeta eta theta iota kappa lambda mu.\n\nOther words here. We said yes. And more.\n';
    const t = new Text(original);
    const i = original.indexOf('We said yes.');
    const a = createAnnotation(t, { start: i, end: i + 12, codes: ['c'], creator: 't', id: 'urn:uuid:00000000-0000-4000-8000-000000000001', now: new Date('2026-01-01T00:00:00Z') });
    write('short.md', original, original.replace('Alpha beta gamma. We said yes. Delta epsilon zeta eta theta iota kappa lambda mu.', 'Something else.'), [a]);
    const r = run('anchor', 'short.md');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /was placed elsewhere, on its unchanged quote, with (low|medium) confidence \(\d+%\) \("We said yes\."\)/);
    assert.match(r.stdout, /1 segments: 0 exact, 1 moved, 0 fuzzy, 0 orphaned; 1 placed with less than high confidence \(check it\)\./);
  });
});
