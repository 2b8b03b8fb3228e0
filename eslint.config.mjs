// The core must stay free of VS Code so it runs in plain Node (tests, CLI) and in the browser.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'media/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not import vscode: put VS Code code in src/host.' }],
        patterns: [{ group: ['**/host/**', '**/host'], message: 'src/core must not depend on src/host.' },
                   { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process'], message: 'src/core runs in the browser too: use the FileStore interface.' }],
      }],
    },
  },
);
