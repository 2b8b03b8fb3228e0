import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { loadDocument } from '../../src/core/project';
import { FileRefusedError, isTemporaryOf, MAX_FILE_BYTES, STALE_TEMPORARY_MS, temporaryName, walk } from '../../src/core/store';
import { loadAll } from '../../src/core/index/workspaceIndex';
import { isDocumentPath, isSidecarPath } from '../../src/core/project';
import { NodeStore } from '../../src/node/nodeStore';
import { qdaSync } from './helpers/cli';

const DOC = '# Visit\n\nThe nurse said: we trust the hub now.\nThe consultant said: the hub slows us down.\n';

let base: string;
let ws: string;
let outside: string;

/** Every file below a folder with its bytes, to see that nothing there changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const visit = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) out[path.relative(dir, p)] = await fs.readFile(p, 'utf8');
    }
  };
  await visit(dir);
  return out;
}

const rejectsPlainly = (p: Promise<unknown>, re: RegExp) =>
  assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof FileRefusedError, `a FileRefusedError, got ${e.constructor.name}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });

describe('files: the workspace boundary, special files and temporary files', function () {
  this.timeout(120_000);

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'qda-files-')));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    await fs.mkdir(ws);
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'private.md'), 'My private diary: the hub slows us down.\n');
    await fs.writeFile(path.join(outside, 'secret.txt'), 'password=hunter2\n');
    await fs.writeFile(path.join(ws, 'visit.md'), DOC);
  });

  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  describe('symbolic links', () => {
    it('refuses a document in a linked folder that leads outside, writing nothing there', async () => {
      await fs.symlink(outside, path.join(ws, 'linked'));
      const store = new NodeStore(ws);
      assert.equal(store.relative(path.join(ws, 'linked/private.md')), 'linked/private.md');
      await rejectsPlainly(loadDocument(store, 'linked/private.md'), /leads outside the workspace/);
      await rejectsPlainly(store.writeAtomic('linked/private.md.annotations.json', '{}'), /leads outside the workspace/);
      await rejectsPlainly(store.writeAtomic('linked/new/deeper.json', '{}'), /leads outside the workspace/);
      assert.deepEqual(await fs.readdir(outside), ['private.md', 'secret.txt']);
    });

    it('refuses a linked document and a linked sidecar that lead to private files', async () => {
      await fs.symlink(path.join(outside, 'private.md'), path.join(ws, 'diary.md'));
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(ws, 'visit.md.annotations.json'));
      const store = new NodeStore(ws);
      await rejectsPlainly(store.readText('diary.md'), /diary\.md leads outside the workspace/);
      await rejectsPlainly(store.readText('visit.md.annotations.json'), /leads outside the workspace/);
      await rejectsPlainly(store.stat('diary.md'), /leads outside/);
    });

    it('follows links that stay inside, and writes through them to the real file', async () => {
      await fs.mkdir(path.join(ws, 'real'));
      await fs.writeFile(path.join(ws, 'real/a.md'), DOC);
      await fs.symlink(path.join(ws, 'real'), path.join(ws, 'alias'));
      await fs.symlink(path.join(ws, 'real/a.md'), path.join(ws, 'b.md'));
      const store = new NodeStore(ws);
      assert.equal(await store.readText('alias/a.md'), DOC);
      assert.equal(await store.readText('b.md'), DOC);
      await store.writeAtomic('b.md', 'new');
      assert.ok((await fs.lstat(path.join(ws, 'b.md'))).isSymbolicLink(), 'the link is kept');
      assert.equal(await fs.readFile(path.join(ws, 'real/a.md'), 'utf8'), 'new');
    });

    it('refuses a link that leads nowhere instead of creating its target', async () => {
      await fs.symlink(path.join(outside, 'not-yet.json'), path.join(ws, 'dangling.json'));
      const store = new NodeStore(ws);
      await rejectsPlainly(store.writeAtomic('dangling.json', '{}'), /symbolic link to something that does not exist/);
      assert.ok(!existsSync(path.join(outside, 'not-yet.json')));
    });

    it('accepts names that start with two dots inside the workspace, and a workspace reached through a link', async () => {
      await fs.writeFile(path.join(ws, '..notes.md'), DOC);
      const store = new NodeStore(ws);
      assert.equal(store.relative(path.join(ws, '..notes.md')), '..notes.md');
      assert.equal(store.relative(path.join(ws, '..')), undefined);
      assert.equal(store.relative(path.join(ws, '../outside/private.md')), undefined);
      await fs.symlink(ws, path.join(base, 'ws-link'));
      const viaLink = new NodeStore(path.join(base, 'ws-link'));
      assert.equal(viaLink.relative(path.join(ws, 'visit.md')), 'visit.md');
      assert.equal(await viaLink.readText('visit.md'), DOC);
    });

    it('never reads or writes outside, whatever path and links (property)', async () => {
      await fs.symlink(outside, path.join(ws, 'out'));
      await fs.mkdir(path.join(ws, 'in'));
      await fs.symlink(path.join(ws, 'in'), path.join(ws, 'in-link'));
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(ws, 'in/secret-link'));
      const before = await snapshot(outside);
      const store = new NodeStore(ws);
      const segment = fc.constantFrom('out', 'in', 'in-link', 'secret-link', '..', '.', '..notes.md', 'x.json', 'sub');
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (segments) => {
          const p = segments.join('/');
          for (const op of [() => store.writeAtomic(p, 'written'), () => store.readText(p), () => store.stat(p)]) {
            try {
              await op();
            } catch (e) {
              // Refused plainly, or a path through a file (not a folder): never anything else.
              if (!(e instanceof FileRefusedError)) throw e;
            }
          }
        }),
        { numRuns: 300 },
      );
      assert.deepEqual(await snapshot(outside), before);
      const secret = await store.readText('in/secret-link').then(
        () => 'read',
        (e: Error) => e.message,
      );
      assert.match(secret, /outside/);
    });

    it('qda refuses a linked document leading outside and a codebook outside, and takes ..notes.md', async () => {
      await fs.symlink(outside, path.join(ws, 'linked'));
      assert.equal(qdaSync(['init', '--template', 'network-orchestration'], ws).code, 0);
      const linked = qdaSync(['add', 'linked/private.md', '--code', 'brokering-relations', '--quote', 'the hub slows us down'], ws);
      assert.equal(linked.code, 1, linked.stderr);
      assert.match(linked.stderr, /linked\/private\.md(\.annotations\.json)? leads outside the workspace/);
      assert.doesNotMatch(linked.stderr, /at .*\.js:\d+/, 'no stack trace');
      await fs.mkdir(path.join(base, 'elsewhere'));
      const init = qdaSync(['init', '--force', '--codebook', '../elsewhere/codebook.json'], ws);
      assert.equal(init.code, 2);
      assert.match(init.stderr, /--codebook \.\.\/elsewhere\/codebook\.json is outside the workspace/);
      await fs.symlink(path.join(base, 'elsewhere'), path.join(ws, 'books'));
      const viaLink = qdaSync(['init', '--force', '--codebook', 'books/codebook.json'], ws);
      assert.equal(viaLink.code, 1, viaLink.stderr);
      assert.match(viaLink.stderr, /books\/codebook\.json leads outside the workspace/);
      assert.deepEqual(await fs.readdir(path.join(base, 'elsewhere')), []);
      assert.deepEqual(await fs.readdir(outside), ['private.md', 'secret.txt']);
      await fs.writeFile(path.join(ws, '..notes.md'), DOC);
      const dots = qdaSync(['add', '..notes.md', '--code', 'brokering-relations', '--quote', 'we trust the hub'], ws);
      assert.equal(dots.code, 0, dots.stderr);
      assert.ok(existsSync(path.join(ws, '..notes.md.annotations.json')));
    });
  });

  describe('special and large files', () => {
    it('qda anchor refuses a sidecar that is a named pipe at once, instead of waiting forever', async () => {
      execFileSync('mkfifo', [path.join(ws, 'visit.md.annotations.json')]);
      const r = qdaSync(['anchor', 'visit.md'], ws, 20_000);
      assert.equal(r.signal, null, 'it did not hang');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /visit\.md\.annotations\.json is not an ordinary file \(it is a named pipe \(FIFO\)\)/);
    });

    it('refuses a device, directly or through a link, with a plain message', async () => {
      await fs.symlink('/dev/zero', path.join(ws, 'visit.md.annotations.json'));
      const r = qdaSync(['anchor', 'visit.md'], ws, 20_000);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /leads outside the workspace/);
      assert.doesNotMatch(r.stderr, /Invalid string length/);
      // A device inside the workspace (made where the file system allows it).
      await fs.rm(path.join(ws, 'visit.md.annotations.json'));
      try {
        execFileSync('mknod', [path.join(ws, 'visit.md.annotations.json'), 'c', '1', '5'], { stdio: 'ignore' });
      } catch {
        return;
      }
      const dev = qdaSync(['anchor', 'visit.md'], ws, 20_000);
      assert.equal(dev.code, 1);
      assert.match(dev.stderr, /is not an ordinary file \(it is a device\)/);
    });

    it('refuses a file over the size limit, saying the limit', async () => {
      const big = path.join(ws, 'big.md');
      await fs.writeFile(big, '');
      await fs.truncate(big, MAX_FILE_BYTES + 1); // sparse: takes no room
      const store = new NodeStore(ws);
      await rejectsPlainly(store.readText('big.md'), /big\.md is too large to open \(256 MB; the limit is 256 MB\)/);
      await rejectsPlainly(store.readText('.'), /not an ordinary file \(it is a folder\)/);
    });
  });

  describe('temporary files', () => {
    it('keeps temporary names within 255 bytes and gives a plain message for names that cannot be', async () => {
      const store = new NodeStore(ws);
      const long = 'é'.repeat(100) + 'x'.repeat(30) + '.md'; // 233 bytes
      assert.equal(Buffer.byteLength(long), 233);
      await fs.writeFile(path.join(ws, long), DOC);
      assert.equal(qdaSync(['init', '--template', 'network-orchestration'], ws).code, 0);
      const r = qdaSync(['add', long, '--code', 'brokering-relations', '--quote', 'we trust the hub'], ws);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(existsSync(path.join(ws, long + '.annotations.json')));
      assert.ok(Buffer.byteLength(temporaryName(long + '.annotations.json', 'a'.repeat(12))) <= 255);
      const tooLong = 'y'.repeat(240) + '.md';
      await fs.writeFile(path.join(ws, tooLong), DOC);
      const r2 = qdaSync(['add', tooLong, '--code', 'brokering-relations', '--quote', 'we trust the hub'], ws);
      assert.equal(r2.code, 1);
      assert.match(r2.stderr, /its name is longer than the file system allows \(255 bytes per name\)/);
      assert.doesNotMatch(r2.stderr, /ENAMETOOLONG/);
      await rejectsPlainly(store.writeAtomic('z'.repeat(300), 'x'), /longer than the file system allows/);
    });

    it('are never taken for documents or sidecars by the walk and the index', async () => {
      const tmp = temporaryName('visit.md.annotations.json', 'abc123abc123');
      assert.equal(tmp, '.visit.md.annotations.json.abc123abc123.tmp');
      await fs.writeFile(path.join(ws, tmp), '{"truncated');
      await fs.writeFile(path.join(ws, temporaryName('visit.md', '0123456789ab')), DOC);
      const store = new NodeStore(ws);
      assert.deepEqual(await walk(store, '', (p) => isSidecarPath(p) || isDocumentPath(p)), ['visit.md']);
      const read: string[] = [];
      const index = await loadAll(store, { attributes: (p) => (read.push(p), undefined) });
      assert.deepEqual(read, ['visit.md']);
      assert.deepEqual(index.problems(), []);
    });

    it('a writer killed mid-write leaves the old or the new file, never a torn one; the next write removes its stale temporary files', async () => {
      const target = path.join(ws, 'visit.md.annotations.json');
      const old = JSON.stringify({ v: 'old', pad: 'o'.repeat(10 * 1024 * 1024) });
      const next = JSON.stringify({ v: 'new', pad: 'n'.repeat(10 * 1024 * 1024) });
      await fs.writeFile(target, old);
      // A child that writes the new 10 MB file again and again until it is killed.
      const script = `
        const { NodeStore } = require(${JSON.stringify(path.resolve(__dirname, '../../src/node/nodeStore.ts'))});
        const store = new NodeStore(${JSON.stringify(ws)});
        const data = JSON.stringify({ v: 'new', pad: 'n'.repeat(10 * 1024 * 1024) });
        (async () => { process.stdout.write('ready\\n'); for (;;) await store.writeAtomic('visit.md.annotations.json', data); })();`;
      const trials = 12;
      for (let t = 0; t < trials; t++) {
        const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('close', r));
        const now = await fs.readFile(target, 'utf8');
        assert.ok(now === old || now === next, `trial ${t}: the file is whole (${now.length} characters)`);
      }
      // What the killed writers left: pretend they are old, and add one a live writer is writing now.
      const leftover = (await fs.readdir(ws)).filter((e) => isTemporaryOf('visit.md.annotations.json', e));
      const past = new Date(Date.now() - STALE_TEMPORARY_MS - 5000);
      for (const e of leftover) await fs.utimes(path.join(ws, e), past, past);
      const live = temporaryName('visit.md.annotations.json', 'feedfeedfeed');
      await fs.writeFile(path.join(ws, live), 'being written');
      await fs.writeFile(path.join(ws, '.visit.md.annotations.json.not-ours.tmp'), 'someone else');
      await fs.utimes(path.join(ws, '.visit.md.annotations.json.not-ours.tmp'), past, past);
      await new NodeStore(ws).writeAtomic('visit.md.annotations.json', old);
      const after = (await fs.readdir(ws)).filter((e) => e.endsWith('.tmp')).sort();
      assert.deepEqual(after, ['.visit.md.annotations.json.feedfeedfeed.tmp', '.visit.md.annotations.json.not-ours.tmp']);
    });
  });
});

describe('Writing keeps a file’s permissions', () => {
  it('a sidecar readable by its owner only stays so after a save', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qda-mode-'));
    try {
      const file = path.join(dir, 'a.md.annotations.json');
      await fs.writeFile(file, '{}');
      await fs.chmod(file, 0o600);
      await new NodeStore(dir).writeAtomic('a.md.annotations.json', '{"new": true}');
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      assert.equal(await fs.readFile(file, 'utf8'), '{"new": true}');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
