// A sidecar whose bytes are not UTF-8 is reported and never rewritten, by every reader of the core.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAnnotation } from '../../src/core/annotations';
import { serializeCodebook } from '../../src/core/codebook/codebook';
import { removeCodeEverywhere } from '../../src/core/codebook/edit';
import { loadAll } from '../../src/core/index/workspaceIndex';
import { validateWorkspace } from '../../src/core/project';
import { serializeSidecar } from '../../src/core/sidecar/format';
import { Text } from '../../src/core/text/text';
import { NodeStore } from '../../src/node/nodeStore';

const DOC = 'Chair: The board agrees the bypass protocol, then each spoke signs it.\n';

function workspace(): { dir: string; bytes: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qda-utf8-'));
  fs.writeFileSync(path.join(dir, 'codebook.json'), serializeCodebook({ version: 1, stages: [], codes: [{ id: 'tempo', name: 'Tempo' }] }));
  fs.writeFileSync(path.join(dir, 'board.md'), DOC);
  const ann = createAnnotation(new Text(DOC), { start: 7, end: 16, codes: ['tempo'], creator: 'Ana', memo: 'caf\u00e9', now: new Date('2026-11-01T09:00:00Z') });
  const text = serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d01', annotations: [ann] }, 'board.md');
  // "café" written in Latin-1 (one byte 0xE9), as an old tool might: not UTF-8.
  const bytes = Buffer.from(text.replace('caf\u00e9', 'caf\u0000'), 'utf8');
  bytes[bytes.indexOf(0)] = 0xe9;
  fs.writeFileSync(path.join(dir, 'board.md.annotations.json'), bytes);
  return { dir, bytes };
}

describe('Sidecars that cannot be read as they are', () => {
  it('validate and the index report them with the file, and removing a code everywhere leaves them as they are', async () => {
    const { dir, bytes } = workspace();
    try {
      const store = new NodeStore(dir);
      const report = await validateWorkspace(store);
      assert.ok(report.problems.some((p) => p.file === 'board.md.annotations.json' && /UTF-8/.test(p.message)), JSON.stringify(report.problems));
      const ix = await loadAll(store);
      assert.ok(ix.problems().some((p) => p.file === 'board.md.annotations.json' && /UTF-8/.test(p.message)));
      await assert.rejects(removeCodeEverywhere(store, 'tempo'), /board\.md\.annotations\.json/);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'board.md.annotations.json')), bytes, 'the file is untouched');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sidecar the store refuses (over the size limit) is one problem of that file: validate and the index go on with the others', async () => {
    const { dir } = workspace();
    try {
      // A sparse file: 300 MB long, nothing on disk.
      fs.truncateSync(path.join(dir, 'board.md.annotations.json'), 300 * 1024 * 1024);
      fs.writeFileSync(path.join(dir, 'other.md'), DOC);
      const ann = createAnnotation(new Text(DOC), { start: 7, end: 16, codes: ['tempo'], creator: 'Ana' });
      fs.writeFileSync(path.join(dir, 'other.md.annotations.json'), serializeSidecar({ version: 1, id: 'urn:uuid:5f1e0c4e-8d1b-4a57-9d0e-3b8f6a2c1d03', annotations: [ann] }, 'other.md'));
      const store = new NodeStore(dir);
      const report = await validateWorkspace(store);
      assert.ok(report.problems.some((p) => p.file === 'board.md.annotations.json' && /too large/.test(p.message)), JSON.stringify(report.problems));
      assert.equal(report.annotations, 1, 'the other sidecar is checked');
      const ix = await loadAll(store, { attributes: () => ({}) });
      assert.ok(ix.problems().some((p) => p.file === 'board.md.annotations.json'));
      assert.equal(ix.codeCounts().get('tempo')?.segments, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
