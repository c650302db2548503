/**
 * Hostile input from the server side: whatever the E-Rezept-Fachdienst — or something
 * pretending to be it — answers, the readers of its bodies end in a typed result, never a throw. Covers the
 * $accept / GET ?ac answer (spec §3.2, §3.3), the GET ?secret answer (spec §3.6), the receipt (spec §7) and the
 * error mapping of a non-2xx answer (spec §8, A_25460). Secrets (AccessCode, Secret: 64 hex, spec §1.3) that a
 * hostile body carries never come back in an error text (architecture §9.4).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAcceptBundle, readEgkTaskList, readReceipt, readTaskBundle } from '../../../shared/fhir/fachdienst-responses';
import {
  fachdienstErrorFromResponse,
  retryClassForStatus,
  type FachdienstOperation,
} from '../../../shared/fhir/operation-outcome';
import { fhirXmlToJson } from '../../../shared/fhir/xml';
import { appErrorSchema } from '../../../shared/ipc/contract';
import { readFixture } from '../../fixtures';
import { withCpuTime } from '../support/cpu-time';

const seed = process.env.CI === 'true' ? 20260606 : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** Hang guard for one call on a 5 MB input, in CPU time (support/cpu-time.ts). */
const HANG_LIMIT_MS = 2_000;
const HEX64 = /[0-9a-fA-F]{64}/;
const AT = new Date('2026-06-01T10:00:00Z');

const WF16 = 'gematik/workflow-1.6';
const API = 'gematik/api-examples-2025-01-15';
function xmlFixture(path: string): unknown {
  const json = fhirXmlToJson(readFixture(path));
  if (!json.ok) throw new Error(json.error);
  return json.data;
}
const ACCEPT = JSON.parse(readFixture(`${WF16}/Bundle-Bundle-AcceptOperation.json`)) as unknown;
const TASK_GET = xmlFixture(`${API}/10_response_taskGet.xml`);
const RECEIPT = xmlFixture(`${API}/09_response_taskClose.xml`);
/** the eGK list (spec §3.9) as a searchset of the recorded Task */
const EGK_LIST = { ...(TASK_GET as Record<string, unknown>), type: 'searchset', total: 1 };
const OUTCOME = JSON.parse(readFixture(`${WF16}/OperationOutcome-ExampleOperationCloseError.json`)) as unknown;

const operations: readonly FachdienstOperation[] = ['accept', 'dispense', 'close', 'reject', 'abort', 'getBySecret', 'getByAc', 'listByEgk'];

// ------------------------------------------------------------------------------------------------------------
// Structural mutations of a valid body: replace, delete or retype one node anywhere in the tree
// ------------------------------------------------------------------------------------------------------------

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) pathsOf(child, [...prefix, key], out);
  }
  return out;
}

interface NodeMutation {
  at: number;
  kind: 'replace' | 'delete' | 'duplicate-array' | 'stringify';
  value: unknown;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.stringMatching(/^[0-9a-f]{64}$/),
  fc.constantFrom('', 'Bundle', 'Task', 'Binary', 'Composition', 'completed', 'in-progress', 'application/pkcs7-mime',
    '!!not base64!!', '====', 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId', '__proto__',
    null, 0, -1, 1e308, true, [], {}),
);
const nodeMutations = fc.array(
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('replace' as const, 'delete' as const, 'duplicate-array' as const, 'stringify' as const),
    value: hostileValue,
  }),
  { minLength: 1, maxLength: 4 },
);

function mutateJson(original: unknown, steps: readonly NodeMutation[]): unknown {
  let root: unknown = structuredClone(original);
  for (const step of steps) {
    const paths = pathsOf(root);
    const path = paths[step.at % paths.length] ?? [];
    if (path.length === 0) {
      root = step.kind === 'replace' ? step.value : root;
      continue;
    }
    const parentPath = path.slice(0, -1);
    const key = path[path.length - 1]!;
    const parent = parentPath.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as
      | Record<string | number, unknown>
      | unknown[];
    const target = (parent as Record<string | number, unknown>)[key];
    switch (step.kind) {
      case 'replace':
        (parent as Record<string | number, unknown>)[key] = step.value;
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete (parent as Record<string | number, unknown>)[key];
        break;
      case 'duplicate-array':
        if (Array.isArray(target)) target.push(...structuredClone(target));
        else (parent as Record<string | number, unknown>)[key] = [target, target];
        break;
      case 'stringify':
        (parent as Record<string | number, unknown>)[key] = JSON.stringify(target) ?? 'undefined';
        break;
    }
  }
  return root;
}

// ------------------------------------------------------------------------------------------------------------
// What a well-behaved answer looks like
// ------------------------------------------------------------------------------------------------------------

function hexValuesIn(value: unknown, depth = 0): string[] {
  if (depth > 40) return [];
  if (typeof value === 'string') return value.match(new RegExp(HEX64.source, 'g')) ?? [];
  if (Array.isArray(value)) return value.flatMap((v) => hexValuesIn(v, depth + 1));
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap((v) => hexValuesIn(v, depth + 1));
  return [];
}

type StringResult = { ok: true } | { ok: false; error: string };

function expectTypedStringResult(result: StringResult, body: unknown): void {
  expect(typeof result.ok).toBe('boolean');
  if (result.ok) return;
  expect(typeof result.error).toBe('string');
  expect(result.error.length).toBeGreaterThan(0);
  expect(result.error.length).toBeLessThan(500);
  for (const hex of hexValuesIn(body)) expect(result.error).not.toContain(hex);
}

function readAll(body: unknown): void {
  expectTypedStringResult(readAcceptBundle(body), body);
  expectTypedStringResult(readTaskBundle(body), body);
  expectTypedStringResult(readReceipt(body), body);
  const egk = readEgkTaskList(body);
  expectTypedStringResult(egk, body);
  // an entry it cannot use is named, never with an AccessCode or Secret
  if (egk.ok) for (const text of egk.data.unreadable) for (const hex of hexValuesIn(body)) expect(text).not.toContain(hex);
}

const anyBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
  fc.jsonValue(),
  fc.record({ resourceType: fc.constantFrom('Bundle', 'Task', 'OperationOutcome'), entry: fc.anything(), identifier: fc.anything(), id: fc.anything() }),
  fc.record({
    resourceType: fc.constant('Bundle'),
    entry: fc.array(fc.record({ resource: fc.record({ resourceType: fc.constantFrom('Task', 'Binary', 'Bundle', 'Composition', 'Device'), id: fc.anything(), status: fc.anything(), data: fc.anything(), contentType: fc.anything() }) }), { maxLength: 4 }),
  }),
);

// ------------------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------------------

describe('Fachdienst answer readers under hostile bodies', () => {
  it('the starting points are readable', () => {
    expect(readAcceptBundle(ACCEPT).ok).toBe(true);
    expect(readTaskBundle(TASK_GET).ok).toBe(true);
    expect(readReceipt(RECEIPT).ok).toBe(true);
    expect(readEgkTaskList(EGK_LIST).ok).toBe(true);
  });

  it('arbitrary values: a typed result, never a throw', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        readAll(body);
      }),
      runs(1_000),
    );
  });

  it('mutated valid answers: a typed result, never a throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(ACCEPT, TASK_GET, RECEIPT, EGK_LIST), nodeMutations, (valid, steps) => {
        const body = mutateJson(valid, steps);
        readAll(body);
        // The receipt embedded in GET ?secret is read the same way (spec §3.6).
        const task = readTaskBundle(body);
        if (task.ok && task.data.receipt) expectTypedStringResult(readReceipt(task.data.receipt), body);
      }),
      runs(800),
    );
  });

  it('objects with throwing getters or a hostile prototype end in a typed result', () => {
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('hostile getter');
        },
      },
    );
    const bodies: unknown[] = [
      Object.create(null) as unknown,
      JSON.parse('{"resourceType":"Bundle","__proto__":{"entry":[{"resource":{"resourceType":"Task"}}]}}') as unknown,
      { resourceType: 'Bundle', entry: [throwing] },
    ];
    for (const body of bodies) {
      for (const read of [readAcceptBundle, readTaskBundle, readReceipt]) {
        let result: StringResult | undefined;
        try {
          result = read(body);
        } catch (error) {
          // A Proxy with throwing getters cannot come out of JSON.parse: tolerated for it, not for the others.
          if (body === bodies[2]) continue;
          throw error;
        }
        expectTypedStringResult(result, body);
      }
    }
  });

  it('oversized answers (100 000 entries, a 5 MB Binary) end in a typed result, quickly', () => {
    const accept = ACCEPT as { entry?: unknown[] };
    const manyEntries = { ...accept, entry: [...(accept.entry ?? []), ...Array.from({ length: 100_000 }, () => ({ resource: { resourceType: 'Device' } }))] };
    const hugeBinary = mutateJson(ACCEPT, []) as { entry: { resource: { resourceType: string; data?: string } }[] };
    for (const e of hugeBinary.entry) if (e.resource.resourceType === 'Binary') e.resource.data = 'A'.repeat(5 * 1024 * 1024);
    const garbageBinary = structuredClone(hugeBinary);
    for (const e of garbageBinary.entry) if (e.resource.resourceType === 'Binary') e.resource.data = '!'.repeat(5 * 1024 * 1024);
    const deep = Array.from({ length: 10_000 }).reduce<unknown>((inner) => ({ resourceType: 'Bundle', entry: [{ resource: inner }] }), ACCEPT);
    for (const body of [manyEntries, hugeBinary, garbageBinary, deep]) {
      for (const read of [readAcceptBundle, readTaskBundle, readReceipt, readEgkTaskList]) {
        const { result, cpuMs } = withCpuTime(() => read(body));
        expect(cpuMs).toBeLessThan(HANG_LIMIT_MS);
        expectTypedStringResult(result, {});
      }
    }
  });
});

describe('fachdienstErrorFromResponse under hostile bodies and statuses (spec §8, A_25460)', () => {
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
  const outcomeBody = fc.record({
    resourceType: fc.constant('OperationOutcome'),
    issue: fc.oneof(
      fc.anything(),
      fc.array(
        fc.record({
          severity: fc.oneof(fc.constantFrom('error', 'fatal'), fc.anything()),
          code: fc.oneof(fc.constantFrom('invalid', 'conflict', 'processing', '__proto__'), fc.anything()),
          details: fc.oneof(fc.record({ text: fc.oneof(fc.string(), fc.tuple(fc.string({ maxLength: 10 }), hex64, fc.string({ maxLength: 10 })).map(([a, hex, b]) => `${a} ${hex} ${b}`), fc.anything()) }), fc.anything()),
          diagnostics: fc.oneof(fc.string(), hex64.map((hex) => `secret=${hex}`), fc.anything()),
        }),
        { maxLength: 5 },
      ),
    ),
  });

  it('always a complete AppError with the retry class of the status, never a secret from the body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...operations),
        fc.oneof(fc.integer({ min: 400, max: 599 }), fc.integer(), fc.constantFrom(NaN, Infinity, -0, 0, 200, 429, 512)),
        fc.oneof(anyBody, outcomeBody, fc.constant(OUTCOME), nodeMutations.map((steps) => mutateJson(OUTCOME, steps))),
        (operation, status, body) => {
          const error = fachdienstErrorFromResponse(operation, status, body, AT);
          expect(error.system).toBe('fachdienst');
          expect(error.retry).toBe(retryClassForStatus(status));
          expect(error.message.length).toBeGreaterThan(0);
          expect(error.at).toBe(AT.toISOString());
          if (Number.isInteger(status)) expect(appErrorSchema.safeParse(error).success).toBe(true);
          expect(() => JSON.stringify(error)).not.toThrow();
          const texts = [error.message, error.detail ?? '', ...(error.findings ?? []).map((f) => f.message)];
          for (const text of texts) expect(text).not.toMatch(HEX64);
        },
      ),
      runs(1_000),
    );
  });

  it('a 5 MB OperationOutcome text is handled quickly and quoted only in part', () => {
    const big = 'Fehler '.repeat(750_000);
    const body = { resourceType: 'OperationOutcome', issue: Array.from({ length: 3 }, () => ({ code: 'invalid', details: { text: big }, diagnostics: big })) };
    for (const operation of operations) {
      const { result: error, cpuMs } = withCpuTime(() => fachdienstErrorFromResponse(operation, 400, body, AT));
      expect(cpuMs).toBeLessThan(HANG_LIMIT_MS);
      expect(error.retry).toBe('never');
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.message.length).toBeLessThan(2_000);
      for (const finding of error.findings ?? []) expect(finding.message.length).toBeLessThan(2_000);
    }
  });

  it.each([
    ['glued to a word character', (hex: string) => `x${hex}`],
    ['followed by another hex digit', (hex: string) => `${hex}0`],
    ['in an expiry text on $accept', (hex: string) => `Rezept nicht mehr einlösbar ${hex}`],
  ])('masks a secret-like value %s', (_label, wrap) => {
    const hex = 'ab'.repeat(32);
    const body = { resourceType: 'OperationOutcome', issue: [{ code: 'forbidden', details: { text: wrap(hex) } }] };
    for (const status of [400, 403, 409]) {
      const error = fachdienstErrorFromResponse('accept', status, body, AT);
      const texts = [error.message, error.detail ?? '', ...(error.findings ?? []).map((f) => f.message)];
      for (const text of texts) expect(text).not.toContain(hex);
    }
  });
});
