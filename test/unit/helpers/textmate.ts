/**
 * Tokenises Markdown with the transcript injection grammar the way VS Code does: vscode-textmate +
 * vscode-oniguruma, the injection registered for text.html.markdown. VS Code's own Markdown grammar is
 * not published on npm, so the base is a fixture that keeps its block structure (paragraph begin/while,
 * HTML comment block, fenced and indented code, block quotes, front matter) and a few inline rules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const INJECTION_PATH = path.join(ROOT, 'syntaxes', 'transcript.injection.tmLanguage.json');
export const MARKDOWN_PATH = path.join(ROOT, 'test', 'fixtures', 'grammars', 'markdown-min.tmLanguage.json');
const WASM_PATH = path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm');

export const MARKDOWN = 'text.html.markdown';
export const INJECTION = 'text.transcript.injection.qda';

/** The Markdown fixture with the injection grammar at `injectionPath` (default: the shipped one). */
export async function loadGrammar(injectionPath = INJECTION_PATH): Promise<vsctm.IGrammar> {
  await oniguruma.loadWASM(fs.readFileSync(WASM_PATH));
  const files: Record<string, string> = { [MARKDOWN]: MARKDOWN_PATH, [INJECTION]: injectionPath };
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = files[scopeName];
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName: string) => (scopeName === MARKDOWN ? [INJECTION] : undefined),
  });
  const loaded = await registry.loadGrammar(MARKDOWN);
  if (!loaded) throw new Error('the Markdown fixture grammar does not load');
  return loaded;
}

/** One token: its text followed by its scopes below the root scope. */
export type Rendered = string[];

/** Tokenises a document line by line, carrying the rule stack, and renders every token. */
export function tokenizeWith(grammar: vsctm.IGrammar, source: string): Rendered[][] {
  let stack = vsctm.INITIAL;
  return source.split('\n').map((text) => {
    const result = grammar.tokenizeLine(text, stack);
    stack = result.ruleStack;
    return result.tokens.map((token) => {
      if (token.scopes[0] !== MARKDOWN) throw new Error(`token outside ${MARKDOWN}: ${token.scopes.join(' ')}`);
      return [text.slice(token.startIndex, token.endIndex), ...token.scopes.slice(1)];
    });
  });
}

/**
 * Milliseconds of CPU the tokeniser takes for one line (as a document's first line), best of `runs`.
 * CPU time rather than wall-clock time, so other processes on a busy machine do not count.
 */
export function lineTime(grammar: vsctm.IGrammar, text: string, runs = 3): number {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.cpuUsage();
    grammar.tokenizeLine(text, vsctm.INITIAL);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}
