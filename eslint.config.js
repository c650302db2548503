import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { readdirSync } from 'node:fs';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Import zones (architecture §3, §9): renderer ↛ main, shared ↛ renderer/main, and only the Electron
// glue (main/index.ts, main/app/, main/preload/) may load `electron` — everything else must run in plain
// Node, where no Electron runtime can be installed (stack notes).
const noElectron = { name: 'electron', message: 'Only main/index.ts, main/app/ and main/preload/ may import electron.' };

// The renderer's one direction (docs/architecture.md §3, §5; renderer/README.md): app → features → api →
// components/lib → shared, and no feature imports another feature. Tests and the test kit may reach anywhere.
const R = './renderer/src';
const rendererFeatures = readdirSync(new URL('./renderer/src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const rendererZones = [
  { target: `${R}/features`, from: `${R}/app`, message: 'features never import the app shell; context hooks live in lib/.' },
  ...[`${R}/api`, `${R}/components`, `${R}/lib`, `${R}/locales`].map((target) => ({
    target,
    from: [`${R}/app`, `${R}/features`],
    message: 'api/, components/, lib/ sit below the features and the app shell.',
  })),
  ...[`${R}/components`, `${R}/lib`, `${R}/locales`].map((target) => ({
    target,
    from: `${R}/api`,
    message: 'components/ and lib/ sit below the server-state layer api/.',
  })),
  ...rendererFeatures.map((feature) => ({
    target: `${R}/features/${feature}`,
    from: `${R}/features`,
    except: [`./${feature}`],
    message: 'no feature imports another feature: compose them in app/, share server state through api/.',
  })),
];

// main/'s folders, as their READMEs say (docs/architecture.md §3).
const mainZones = [
  { target: './main/services', from: ['./main/simulator', './main/training', './main/app', './main/browser-bridge', './main/ipc', './main/core.ts', './main/web.ts', './main/index.ts', './main/entries'], message: 'services run on any backend: no simulator, training, app, bridge or composition code.' },
  { target: './main/fachdienst', from: './main', except: ['./fachdienst', './errors.ts'], message: 'the Fachdienst client knows only shared/ and main/errors.ts.' },
  { target: './main/store', from: './main', except: ['./store', './errors.ts'], message: 'the store knows nothing else of main/.' },
  { target: './main/backend', from: './main', except: ['./backend', './errors.ts'], message: 'the backend rule knows only shared/ and main/errors.ts.' },
  { target: './main/security', from: './main', except: ['./security'], message: 'the CSP module stands alone.' },
  { target: './main/simulator-client', from: './main', except: ['./simulator-client', './fachdienst/transport.ts', './errors.ts'], message: 'the control client talks HTTP to the simulator; it never loads the simulator itself.' },
  { target: './main/browser-bridge', from: './main', except: ['./browser-bridge', './ipc', './services/events.ts', './security', './backend', './cli-options.ts'], message: 'browser mode is a transport: it never loads the Electron glue, the store, the Fachdienst chain or the simulator.' },
  { target: './main/ti-crypto', from: './main', except: ['./ti-crypto'], message: 'the TI crypto primitives stand alone: node:crypto only.' },
  { target: './main/egk', from: './main', except: ['./egk'], message: 'the eGK readers know only shared/, Node and xmldom.' },
  { target: './main/ti', from: './main', except: ['./ti', './ti-crypto', './fachdienst/transport.ts', './fachdienst/access-token.ts', './errors.ts'], message: 'the TI client shares only main/ti-crypto with the simulated TI (spec ti-transport §4.4).' },
  { target: './main/simulator', from: './main/ti', message: 'the simulated TI never uses the TI client: both are held to gematik\'s vectors on their own (spec ti-transport §4.4).' },
  { target: './main', from: './tools', message: 'app code never imports the tools (bench).' },
];

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
    // one direction inside each process and no import cycles
    files: ['main/**/*.ts', 'renderer/**/*.{ts,tsx}', 'shared/**/*.ts', 'tools/**/*.ts'],
    // tests and their support modules (fakes, harnesses, the simulator's test kit) may set up any layer they need
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'renderer/src/test/**', 'main/**/testing.ts', 'main/**/*-harness.ts', 'main/simulator/test-kit.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads only the extensions named here; without them no-cycle cannot see a TypeScript module
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['shared/tsconfig.json', 'main/tsconfig.json', 'renderer/tsconfig.json', 'tools/tsconfig.json'] }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: [...rendererZones, ...mainZones] }],
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
    // main/ and the Node tools next to it (tools/bench): plain Node, no Electron, no renderer code
    files: ['main/**/*.ts', 'tools/**/*.ts'],
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
