// Lint: typescript-eslint's recommended rules, no `any`, files of at most ~400 lines, and the layer rules — which
// code may import which. The layers: shared/ (pure: runs everywhere), electron/core (Node, never Electron, never
// the UI), electron/main and preload (Electron wiring), renderer/ (the browser: never Node, never electron/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'util', 'url', 'stream', 'http', 'https', 'net'];

/** no-restricted-imports with a message per group. */
const restrict = (...groups) => ['error', { patterns: groups.map(([group, message]) => ({ group, message })) }];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', '.cache/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': restrict(
        [NODE_BUILTINS, 'shared/ runs everywhere: no Node modules'],
        [['electron', '**/electron/**', '**/renderer/**', '**/test/**', '**/scripts/**'], 'shared/ imports nothing of ours outside shared/'],
        [['react', 'react-*', 'ol', 'ol/*', 'better-sqlite3', 'fastify', '@fastify/*', 'ws'], 'shared/ holds pure code: no UI, database or server library'],
      ),
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'no-restricted-imports': restrict(
        [NODE_BUILTINS, 'the renderer runs in a sandboxed browser: no Node modules'],
        [['electron', '**/electron/**'], 'the renderer reaches the core only through the contract (renderer/api)'],
        [['**/test/**'], 'the app does not import tests'],
      ),
    },
  },
  {
    files: ['electron/core/**'],
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], 'the core never imports Electron: it runs under plain Node too (cityops serve, tests)'],
        [
          ['**/renderer/**', '**/main/**', '**/preload/**', '**/cli/**', '**/test/**'],
          'the core imports neither the UI, the Electron wiring, the CLI nor tests',
        ],
      ),
    },
  },
  {
    files: ['electron/main/**', 'electron/preload/**'],
    rules: {
      'no-restricted-imports': restrict([['**/renderer/**', '**/test/**'], 'the main process and preload are wiring: no UI code, no tests']),
    },
  },
  {
    // Tests drive browsers: code inside page.evaluate runs there.
    files: ['test/**', 'scripts/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
