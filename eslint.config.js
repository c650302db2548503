import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Import zones (architecture §3, §9): renderer ↛ main, shared ↛ renderer/main, and only the Electron
// glue (main/index.ts, main/app/, main/preload/) may load `electron` — everything else must run in plain
// Node, where no Electron runtime can be installed (stack notes).
const noElectron = { name: 'electron', message: 'Only main/index.ts, main/app/ and main/preload/ may import electron.' };

export default tseslint.config(
  { ignores: ['out/**', '.tmp/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [noElectron] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/main/**', '**/renderer/**'], message: 'shared/ imports nothing of ours outside shared/.' },
            { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'os'], message: 'shared/ must run in Node and the browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/main/**'], message: 'The renderer talks to main only through the bridge (window.erx).' },
            { group: ['node:*'], message: 'The renderer is sandboxed: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts', 'main/app/**', 'main/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [{ group: ['**/renderer/**'], message: 'main never imports renderer code.' }],
        },
      ],
    },
  },
  {
    files: ['main/index.ts', 'main/app/**/*.ts', 'main/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'] }] }] },
  },
);
