import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * src/host/convert.ts is the one place where offsets become VS Code positions and ranges (one rule
 * for LF and CRLF documents, for the normalised text the core parses, for empty ranges): no other
 * host file builds them by hand.
 */
describe('Host position conversion', () => {
  const root = path.resolve(__dirname, '..', '..');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const sources = [...files(path.join(root, 'src', 'host')), path.join(root, 'src', 'extension.ts')].filter((f) => path.basename(f) !== 'convert.ts');

  it('only convert.ts makes positions or ranges from offsets or lines', () => {
    const found: string[] = [];
    for (const f of sources) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bpositionAt\(|new vscode\.(Range|Position)\(/.test(line)) found.push(`${path.relative(root, f)}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(found, []);
  });
});
