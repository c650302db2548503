/**
 * Tests read gematik's example data from test/fixtures/ in this repository (the folder beside this file; what
 * it holds, where it comes from and its known defects: test/fixtures/README.md, licence: LICENSE and NOTICE
 * there). Every test reaches it through these helpers; a missing file fails the test that needs it — no test
 * skips itself. The product never depends on it (a packaged app has no fixtures: only out/ is packaged).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..');
export const fixturesRoot = resolve(here, 'fixtures');

export const fixturePath = (...parts: string[]): string => join(fixturesRoot, ...parts);
export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');
export const readFixtureBytes = (...parts: string[]): Uint8Array => new Uint8Array(readFileSync(fixturePath(...parts)));

/**
 * Every file below a fixtures folder whose name matches, as paths relative to fixturesRoot (sorted). Throws if
 * the folder is missing; a test that loops over the result must also expect it to be non-empty.
 */
export function listFixtures(folder: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(fixturePath(rel)).sort()) {
      const child = join(rel, name);
      if (statSync(fixturePath(child)).isDirectory()) walk(child);
      else if (pattern.test(name)) out.push(child);
    }
  };
  walk(folder);
  return out;
}

/** The KVNRs with a wrong check digit that test/fixtures/README.md lists under "Known defects in the examples". */
export const FIXTURE_DEFECTIVE_KVNRS: ReadonlySet<string> = new Set([
  'X123456789',
  'X234567890',
  'P987654321',
  'H030170227',
  'K220645120',
  'K220645129',
  'M310119800',
  'M310119819',
  'P123464113',
  'P123464233',
  'P123464315',
  'P123464532',
  'P223331975',
]);
