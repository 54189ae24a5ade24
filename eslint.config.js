import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import svelteConfig from './svelte.config.js';

/** The layer rule of docs/ARCHITECTURE: a layer imports only the layers above it. */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
});

export default ts.config(
  {
    ignores: [
      'dist/',
      'dev-dist/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      'svelte/no-at-html-tags': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  layer(
    ['src/core/**'],
    [
      '**/store/**',
      '**/compute/**',
      '**/sdk/**',
      '**/ui/**',
      '**/cli/**',
      'idb',
      'svelte',
      'svelte/*',
    ],
    'core is pure: it never imports store, compute, sdk, ui, IndexedDB or Svelte.',
  ),
  layer(
    ['src/store/**'],
    ['**/compute/**', '**/sdk/**', '**/ui/**', '**/cli/**', 'svelte', 'svelte/*'],
    'store imports only core and idb.',
  ),
  layer(
    ['src/compute/**', 'workers/**'],
    ['**/sdk/**', '**/ui/**', '**/cli/**', 'svelte', 'svelte/*'],
    'compute imports only core, store and comlink.',
  ),
  layer(
    ['src/sdk/**'],
    ['**/ui/**', '**/cli/**', 'svelte', 'svelte/*'],
    'the SDK never imports the UI.',
  ),
  layer(
    ['src/embed/**'],
    [
      '@tensorflow/*',
      'onnxruntime-web',
      'svelte',
      'svelte/*',
      '**/ui/**',
      '**/store/**',
      '**/compute/**',
    ],
    'the embed bundle stays tiny: no tfjs, no Svelte.',
  ),
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'indexedDB', message: 'core never touches IndexedDB.' },
        { name: 'document', message: 'core never touches the DOM.' },
        { name: 'window', message: 'core never touches the DOM.' },
        { name: 'fetch', message: 'core never fetches: pass data in.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass a clock in.' },
        { object: 'Math', property: 'random', message: 'Pass a seeded RNG in.' },
      ],
    },
  },
);
