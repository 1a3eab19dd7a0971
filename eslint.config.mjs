// Lint is part of `npm test`: recommended rules plus the rooms of the architecture.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = {
  'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'engine/, parse/ and webview/ run outside VS Code.' }] }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', '**/*.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  { files: ['src/engine/**', 'src/parse/**', 'src/compute/**', 'webview/**', 'src/protocol.ts', 'src/protocol/**', 'src/cli.ts', 'src/cli/**'], rules: noVscode },
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The engine runs outside VS Code.' }],
        patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'The engine also runs in a Web Worker: no Node built-ins.' }],
      }],
    },
  },
  { files: ['**/*.mjs', 'scripts/**', 'test/harness/**'], languageOptions: { globals: globals.node } },
);
