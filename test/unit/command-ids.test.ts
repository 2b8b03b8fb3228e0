import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/host/commandIds';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]>; keybindings: { command: string }[] };
};

describe('Command ids', () => {
  it('package.json contributes exactly the commands the extension registers', () => {
    assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
  });

  it('every menu item and keybinding names a registered command', () => {
    const ids = new Set<string>(COMMAND_IDS);
    const used = [...Object.values(pkg.contributes.menus).flat(), ...pkg.contributes.keybindings].map((m) => m.command);
    assert.deepEqual(used.filter((c) => !ids.has(c)), []);
  });

  it('the features register every command, each once, and only through their FeatureContext', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const sources = [...files(path.join(root, 'src', 'host')), path.join(root, 'src', 'extension.ts')].map((f) => ({ f, text: readFileSync(f, 'utf8') }));
    const registered = sources.flatMap(({ text }) => [...text.matchAll(/\bcommand\('([^']+)'/g)].map((m) => m[1]));
    assert.deepEqual([...registered].sort(), [...COMMAND_IDS].sort());
    // Any other registration would escape this check (and the one list of features).
    const direct = sources.filter(({ f, text }) => /registerCommand\(/.test(text) && !f.endsWith(path.join('features', 'feature.ts'))).map(({ f }) => path.relative(root, f));
    assert.deepEqual(direct, []);
  });

  it('no test-only command is contributed (tests reach the test API `activate` returns)', () => {
    const titled = pkg.contributes.commands as { command: string; title: string }[];
    assert.deepEqual(titled.filter((c) => c.command.startsWith('qda.test.') || /\bfor (tests|benchmarks)\b/.test(c.title)).map((c) => c.command), []);
  });
});
