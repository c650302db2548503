/**
 * Tests read gematik's example data from ../shared/fixtures (beside the project root); it is never copied
 * into the repository and the product never depends on it (a packaged app has no ../shared).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesRoot = resolve(repoRoot, '..', 'shared', 'fixtures');

export const fixturePath = (...parts: string[]): string => join(fixturesRoot, ...parts);
export const readFixture = (...parts: string[]): string => readFileSync(fixturePath(...parts), 'utf8');
export const readFixtureBytes = (...parts: string[]): Uint8Array => new Uint8Array(readFileSync(fixturePath(...parts)));
export const fixturesAvailable = (): boolean => existsSync(fixturesRoot);

/** Every file below a fixtures folder whose name matches, as paths relative to fixturesRoot. */
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

/** The KVNRs with a wrong check digit that ../shared/fixtures/README.md lists under "Known defects". */
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
