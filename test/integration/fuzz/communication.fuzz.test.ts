/**
 * Hostile messages (spec erezept-pharmacy §3.11): whatever `GET /Communication` answers — or something pretending to
 * be the Fachdienst, or any insurant through it — `readCommunications` and `readDispReqPayload` end in a typed result,
 * never a throw. A message that is read carries only strictly parsed identifiers (never an absolute URL, A_22078),
 * the caps of `wishLimits` hold, and no problem text repeats an AccessCode or a KVNR.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { supplyOptions, wishLimits, type DispReqWish } from '../../../shared/erezept/communication';
import { readCommunications, readDispReqPayload, type CommunicationList } from '../../../shared/fhir/communication';
import { MAX_COMMUNICATION_ENTRIES } from '../../../shared/fhir/communication/read-communications';
import { readFixture } from '../../fixtures';
import { withCpuTime } from '../support/cpu-time';

const seed = process.env.CI === 'true' ? 20260617 : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** Hang guard for one call on a huge input, in CPU time (support/cpu-time.ts). */
const HANG_LIMIT_MS = 2_000;
const HEX64 = /[0-9a-fA-F]{64}/;
const KVNR = /[A-Z][0-9]{9}/;

const WF16 = 'gematik/workflow-1.6';
const fixture = (name: string): unknown => JSON.parse(readFixture(WF16, name)) as unknown;
const COMMUNICATIONS = [
  fixture('Communication-a218a36e-f2fd-4603-ba67-c827acfef01b.json'),
  fixture('Communication-7977a4ab-97a9-4d95-afb3-6c4c1e2ac596.json'),
  fixture('Communication-2be1c6ac-5d10-47f6-84ee-8318b2c22c76.json'),
  fixture('Communication-140f716f-f649-44fe-9a4e-157eb3c8adf3.json'),
];
const searchset = (resources: unknown[], link?: unknown) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ resource })),
  ...(link === undefined ? {} : { link }),
});
const LIST = searchset(COMMUNICATIONS, [{ relation: 'next', url: 'https://erp.example/Communication?_count=50&__offset=50' }]);
const DISPREQ = COMMUNICATIONS[0] as Record<string, unknown>;
const AC = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';

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

const hostileToken = fc.constantFrom(
  `https://evil.example/Task/160.000.033.491.280.78/$accept?ac=${AC}`,
  `//evil.example/Task/160.000.033.491.280.78/$accept?ac=${AC}`,
  `javascript:alert(1)//Task/160.000.033.491.280.78/$accept?ac=${AC}`,
  `Task/160.000.033.491.280.78/$accept?ac=${AC}#https://evil.example`,
  `Task/160.000.033.491.280.78/../../evil/$accept?ac=${AC}`,
  `Task/160.000.033.491.280.78/$accept?ac=${AC}&redirect=https://evil.example`,
  `{"urls":["https://evil.example/Task/160.000.033.491.280.78/$accept?ac=${AC}"]}`,
  'https://evil.example/Task/160.000.033.491.280.78',
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  hostileToken,
  fc.string({ maxLength: 20_000 }).filter((s) => s.length > 10_000 || s.length < 50),
  fc.constantFrom('', 'Communication', 'Bundle', 'searchset', '__proto__', 'X234567890', 'http://fhir.de/sid/gkv/kvid-10',
    'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_Reply|1.6',
    '{"version":3,"communicationType":"order"}', '{"version":1,"supplyOptionsType":"onPremise","name":' + '"x",'.repeat(10) + '"hint":1}',
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

function mutateJson(original: unknown, steps: readonly { at: number; kind: 'replace' | 'delete' | 'duplicate-array' | 'stringify'; value: unknown }[]): unknown {
  let root: unknown = structuredClone(original);
  for (const step of steps) {
    const paths = pathsOf(root);
    const path = paths[step.at % paths.length] ?? [];
    if (path.length === 0) {
      root = step.kind === 'replace' ? step.value : root;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    const target = parent[key];
    switch (step.kind) {
      case 'replace':
        parent[key] = step.value;
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete parent[key];
        break;
      case 'duplicate-array':
        if (Array.isArray(target)) target.push(...structuredClone(target));
        else parent[key] = [target, target];
        break;
      case 'stringify':
        parent[key] = JSON.stringify(target) ?? 'undefined';
        break;
    }
  }
  return root;
}

// ------------------------------------------------------------------------------------------------------------
// What a well-behaved result looks like
// ------------------------------------------------------------------------------------------------------------

function expectWishWithinCaps(wish: DispReqWish): void {
  expect([1, 3]).toContain(wish.version);
  if (wish.supplyOption !== undefined) expect(supplyOptions).toContain(wish.supplyOption);
  const caps: Array<[string | undefined, number]> = [
    [wish.name, wishLimits.name * 2 + 1],
    [wish.postcode, wishLimits.postcode],
    [wish.city, wishLimits.city],
    [wish.country, wishLimits.country],
    [wish.hint, wishLimits.hint],
    [wish.text, wishLimits.text],
    [wish.phone, wishLimits.phone],
    [wish.email, wishLimits.email],
    [wish.transactionId, wishLimits.transactionId],
  ];
  for (const [value, max] of caps) if (value !== undefined) expect(value.length).toBeLessThanOrEqual(max);
  expect(wish.addressLines?.length ?? 0).toBeLessThanOrEqual(wishLimits.addressLines);
  for (const line of wish.addressLines ?? []) expect(line.length).toBeLessThanOrEqual(wishLimits.addressLine);
}

/** Every identifier of a message that was read is strict; nothing in it is an address the app could follow. */
function expectWellFormed(list: CommunicationList, entries: number): void {
  expect(list.messages.length + list.unreadable.length).toBeLessThanOrEqual(Math.max(entries, 1));
  for (const message of list.messages) {
    expect(message.communicationId).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
    expect(message.communicationId).not.toMatch(/^\.+$/);
    expect(message.prescriptionId).toMatch(/^[0-9]{3}(\.[0-9]{3}){4}\.[0-9]{2}$/);
    expect(message.sent).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    if (message.kind === 'dispreq') {
      expect(message.accessCode).toMatch(/^[0-9a-f]{64}$/);
      expect(message.senderKvnr).toMatch(/^[A-Z][0-9]{9}$/);
      if (message.wish) expectWishWithinCaps(message.wish);
      if (message.wishProblem !== undefined) expect(message.wishProblem.length).toBeLessThan(500);
    } else {
      expect(message.recipientKvnr).toMatch(/^[A-Z][0-9]{9}$/);
      if (message.content?.url !== undefined) expect(message.content.url.length).toBeLessThanOrEqual(10_240);
    }
  }
  for (const { problem, communicationId } of list.unreadable) {
    expect(problem.length).toBeGreaterThan(0);
    expect(problem.length).toBeLessThan(500);
    expect(problem).not.toMatch(HEX64);
    expect(problem).not.toMatch(KVNR);
    expect(problem).not.toContain('evil');
    if (communicationId !== undefined) expect(communicationId).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
  }
  if (list.nextPage !== undefined) {
    expect(list.nextPage).not.toMatch(/^[A-Za-z][A-Za-z0-9+.-]*:/);
    expect(list.nextPage.startsWith('/')).toBe(false);
  }
}

function readAndCheck(body: unknown): void {
  const result = readCommunications(body);
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(result.error.length).toBeGreaterThan(0);
    expect(result.error.length).toBeLessThan(500);
    return;
  }
  const entries = Array.isArray((body as { entry?: unknown })?.entry) ? (body as { entry: unknown[] }).entry.length : 1;
  expect(entries).toBeLessThanOrEqual(MAX_COMMUNICATION_ENTRIES);
  expectWellFormed(result.data, entries);
}

const anyBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }),
  fc.jsonValue(),
  fc.record({ resourceType: fc.constantFrom('Bundle', 'Communication', 'OperationOutcome'), type: fc.constantFrom('searchset', 'collection', 7), entry: fc.anything(), link: fc.anything() }),
  fc.record({
    resourceType: fc.constant('Bundle'),
    type: fc.constant('searchset'),
    entry: fc.array(
      fc.record({
        resource: fc.record({
          resourceType: fc.constantFrom('Communication', 'Task'),
          id: fc.oneof(fc.uuid(), fc.string(), fc.constantFrom('..', '.', 'a/b')),
          meta: fc.record({ profile: fc.array(fc.constantFrom('https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_DispReq|1.6', 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_Reply|1.6', 'x'), { maxLength: 2 }) }),
          basedOn: fc.array(fc.record({ reference: fc.oneof(hostileToken, fc.string()) }), { maxLength: 2 }),
          sender: fc.record({ identifier: fc.record({ system: fc.constant('http://fhir.de/sid/gkv/kvid-10'), value: fc.oneof(fc.constant('X234567890'), fc.string()) }) }),
          recipient: fc.array(fc.record({ identifier: fc.record({ system: fc.constant('http://fhir.de/sid/gkv/kvid-10'), value: fc.string() }) }), { maxLength: 2 }),
          sent: fc.oneof(fc.constant('2026-07-01T15:29:00.434+00:00'), fc.string()),
          payload: fc.array(fc.record({ contentString: fc.oneof(fc.string(), fc.json()) }), { maxLength: 2 }),
        }),
      }),
      { maxLength: 5 },
    ),
    link: fc.array(fc.record({ relation: fc.constant('next'), url: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string(), hostileToken) }), { maxLength: 2 }),
  }),
);

// ------------------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------------------

describe('readCommunications under hostile answers', () => {
  it('the starting point is readable', () => {
    const list = readCommunications(LIST);
    expect(list.ok && list.data.messages.map((m) => m.kind)).toEqual(['dispreq', 'reply']);
    expect(list.ok && list.data.nextPage).toBe('_count=50&__offset=50');
  });

  it('arbitrary values: a typed result, never a throw, never a loose identifier', () => {
    fc.assert(fc.property(anyBody, (body) => readAndCheck(body)), runs(1_000));
  });

  it('mutated gematik examples: a typed result, never a throw, never a loose identifier', () => {
    fc.assert(
      fc.property(fc.constantFrom<unknown>(LIST, DISPREQ, COMMUNICATIONS[1]), nodeMutations, (valid, steps) => readAndCheck(mutateJson(valid, steps))),
      runs(1_000),
    );
  });

  it('a Zuweisung with any hostile token is never read as one', () => {
    fc.assert(
      fc.property(fc.oneof(hostileToken, fc.tuple(hostileToken, fc.string({ maxLength: 5 })).map(([t, s]) => t + s)), (reference) => {
        const result = readCommunications({ ...DISPREQ, basedOn: [{ reference }] });
        expect(result.ok && result.data.messages).toEqual([]);
      }),
      runs(200),
    );
  });

  it('huge answers end in a typed result, quickly: 100 000 entries, a 5 MB payload, 10 000 basedOn, deep nesting', () => {
    const manyEntries = searchset(Array.from({ length: 100_000 }, () => DISPREQ));
    const hugePayload = searchset([{ ...DISPREQ, payload: [{ contentString: 'x'.repeat(5 * 1024 * 1024) }] }]);
    const manyReferences = searchset([{ ...DISPREQ, basedOn: Array.from({ length: 10_000 }, () => ({ reference: 'Task/x' })) }]);
    const longLink = searchset([DISPREQ], [{ relation: 'next', url: `https://erp.example/Communication?${'a'.repeat(5 * 1024 * 1024)}` }]);
    const deep = Array.from({ length: 10_000 }).reduce<unknown>((inner) => ({ resourceType: 'Bundle', type: 'searchset', entry: [{ resource: inner }] }), DISPREQ);
    for (const body of [manyEntries, hugePayload, manyReferences, longLink, deep]) {
      const { result, cpuMs } = withCpuTime(() => readCommunications(body));
      expect(cpuMs).toBeLessThan(HANG_LIMIT_MS);
      if (result.ok) expectWellFormed(result.data, 1);
    }
    expect(readCommunications(manyEntries).ok).toBe(false);
  });
});

describe('readDispReqPayload under hostile payloads', () => {
  const field = fc.oneof(fc.string({ maxLength: 700 }), fc.anything({ maxDepth: 1 }), fc.array(fc.string({ maxLength: 600 }), { maxLength: 12 }));
  const payloadObject = fc.record(
    {
      version: fc.oneof(fc.constantFrom(1, 3, '1', '3', 2, 0, null), fc.anything({ maxDepth: 0 })),
      supplyOptionsType: fc.oneof(fc.constantFrom(...supplyOptions), field),
      communicationType: fc.oneof(fc.constantFrom('order', 'text'), field),
      name: field,
      firstname: field,
      lastname: field,
      address: field,
      postcode: field,
      city: field,
      country: field,
      hint: field,
      text: fc.oneof(fc.string({ maxLength: 900 }), field),
      phone: field,
      email: field,
      transactionID: field,
      // a computed key is an own property (a literal `__proto__:` would set the prototype instead)
      ['__proto__']: field,
    },
    { requiredKeys: [] },
  );

  it('arbitrary strings, JSON and payload-like objects: a typed result, never a throw; a wish keeps the caps', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), payloadObject.map((p) => JSON.stringify(p))), (text) => {
        const result = readDispReqPayload(text);
        if (result.ok) expectWishWithinCaps(result.data);
        else {
          expect(result.error).toMatch(/^Die Angaben der Zuweisung sind nicht lesbar: /);
          expect(result.error.length).toBeLessThan(300);
        }
      }),
      runs(2_000),
    );
  });

  it('a 5 MB payload and deeply nested JSON end in a problem, quickly', () => {
    for (const text of ['{"version":1,"hint":"' + 'x'.repeat(5 * 1024 * 1024) + '"}', '['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000)]) {
      const { result, cpuMs } = withCpuTime(() => readDispReqPayload(text));
      expect(cpuMs).toBeLessThan(HANG_LIMIT_MS);
      expect(result.ok).toBe(false);
    }
  });
});
