// `npm test`: the whole gate that can run on this machine (README "Test it") — typecheck (the five tsc projects)
// and the static checks eslint (which also guards the layer boundaries) and knip (dead code: unused files,
// exports, dependencies) as counted steps, then vitest (unit, integration, conformance; once) and Playwright
// (e2e in browser mode; the Electron smoke spec skips itself where no runtime exists). CI reads only the last
// line: `N passed, N failed, N skipped` — a type or lint error or a knip finding is counted as a failure there,
// too. Exits non-zero on any failure, when a runner crashed, or when no test ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.tmp/test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const bin = (name) => join(root, 'node_modules/.bin', name);

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let runnerProblems = 0;

// 0. Build once: the e2e layer runs the built app.
if (run(process.execPath, [join(root, 'scripts/ensure-build.mjs')]) !== 0) {
  console.error('test: build failed');
  runnerProblems++;
}

// 1. The static gate: each tsc project, eslint and knip count as one test each. They run before the test layers but
// never stop them, so one closing line still reports everything.
const staticSteps = [
  ['typecheck shared', bin('tsc'), ['-p', 'shared/tsconfig.json']],
  ['typecheck main', bin('tsc'), ['-p', 'main/tsconfig.json']],
  ['typecheck renderer', bin('tsc'), ['-p', 'renderer/tsconfig.json']],
  ['typecheck test', bin('tsc'), ['-p', 'test/tsconfig.json']],
  ['typecheck tools', bin('tsc'), ['-p', 'tools/tsconfig.json']],
  ['lint', bin('eslint'), ['.']],
  ['dead code', bin('knip'), ['--no-progress']],
];
for (const [name, command, args] of staticSteps) {
  console.log(`test: ${name}`);
  if (run(command, args) === 0) {
    totals.passed++;
    console.log(`test: ${name} passed`);
  } else {
    totals.failed++;
    console.error(`test: ${name} FAILED`);
  }
}

// 2. vitest
const vitestJson = join(reports, 'vitest.json');
const vitestStatus = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const vitest = readJson(vitestJson);
if (vitest) {
  totals.passed += vitest.numPassedTests ?? 0;
  totals.failed += vitest.numFailedTests ?? 0;
  totals.skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  // a suite that failed to load counts as a failure even if no test inside it ran
  const brokenSuites = (vitest.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0);
  totals.failed += brokenSuites.length;
} else {
  console.error(`test: vitest produced no report (exit ${vitestStatus})`);
  runnerProblems++;
}

// 3. Playwright (browser mode e2e + Electron smoke)
const playwrightJson = join(reports, 'playwright.json');
const playwrightStatus = run(bin('playwright'), ['test', '--reporter=list,json'], {
  PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
});
const playwright = existsSync(playwrightJson) ? readJson(playwrightJson) : undefined;
if (playwright?.stats) {
  totals.passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
  totals.failed += playwright.stats.unexpected ?? 0;
  totals.skipped += playwright.stats.skipped ?? 0;
  if ((playwright.errors ?? []).length > 0) totals.failed += playwright.errors.length;
} else {
  console.error(`test: playwright produced no report (exit ${playwrightStatus})`);
  runnerProblems++;
}

const failed = totals.failed + runnerProblems;
console.log('');
console.log(`${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(failed > 0 || totals.passed === 0 ? 1 : 0);
