/**
 * Hostile input at the IPC boundary: every channel of the contract, fed malformed payloads,
 * answers with a typed error — never a throw, never a call into a handler with data its schema refuses
 * (architecture §4, §9.3; Electron security checklist #17 for the sender check). A payload's secrets
 * (AccessCode/Secret are 64 hex characters, spec §1.3) never come back in a message (architecture §9.4).
 *
 * The oracle for "invalid" is the channel's own request schema; the hand-written cases below pin down payloads
 * that must be refused no matter how the schemas evolve (wrong types, oversized strings and lists).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDispatcher, type CallerCheck } from '../../../main/ipc/handle';
import type { HandlerTable } from '../../../main/ipc/types';
import { appErrorSchema, channels, contract, type Channel, type IpcResult } from '../../../shared/ipc/contract';
import { withCpuTimeAsync } from '../support/cpu-time';

const seed = process.env.CI === 'true' ? 20260606 : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

const trusted: CallerCheck = { trusted: true, description: 'fuzz test' };
const untrusted: CallerCheck = { trusted: false, description: 'file:///tmp/evil.html' };

// A real PrescriptionID (spec §2 example) and a well-formed AccessCode, to build payloads that are almost valid.
const VALID_ID = '160.000.000.000.123.76';
const HEX64 = /[0-9a-fA-F]{64}/g;

interface Recorder {
  table: HandlerTable;
  calls: { channel: Channel; request: unknown }[];
}

/** Handlers that only record what reached them; the answer is irrelevant to the boundary under test. */
function recordingHandlers(): Recorder {
  const calls: Recorder['calls'] = [];
  const entries = channels.map((channel) => [
    channel,
    (request: unknown): Promise<unknown> => {
      calls.push({ channel, request });
      return Promise.resolve({});
    },
  ]);
  return { table: Object.fromEntries(entries) as unknown as HandlerTable, calls };
}

/** C0 and C1 control characters (and DEL): never in a message built from caller text. */
const hasControlCharacter = (text: string): boolean =>
  Array.from(text).some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

function errorOf(result: IpcResult<Channel>): NonNullable<Extract<IpcResult<Channel>, { ok: false }>['error']> {
  if (result.ok) throw new Error('expected an error result');
  return result.error;
}

/** Every text of an error that could reach the pharmacist, the log or support. */
function errorTexts(result: IpcResult<Channel>): string[] {
  if (result.ok) return [];
  const { message, detail, findings } = result.error;
  return [message, detail ?? '', ...(findings ?? []).flatMap((f) => [f.message, f.path ?? '', f.code])];
}

/** 64-hex runs that appear somewhere in the payload (values or keys). */
function hexValuesIn(payload: unknown, depth = 0): string[] {
  if (depth > 50) return [];
  if (typeof payload === 'string') return payload.match(HEX64) ?? [];
  if (Array.isArray(payload)) return payload.flatMap((item) => hexValuesIn(item, depth + 1));
  if (typeof payload === 'object' && payload !== null) {
    return Object.entries(payload).flatMap(([key, value]) => [
      ...(key.match(HEX64) ?? []),
      ...hexValuesIn(value, depth + 1),
    ]);
  }
  return [];
}

/**
 * The core property for one channel and one payload: the dispatcher resolves, a refused payload is a
 * German `validation` error that never reached the handler, an accepted payload reached it exactly once.
 */
async function checkDispatch(channel: Channel, payload: unknown): Promise<void> {
  const recorder = recordingHandlers();
  const dispatcher = createDispatcher(recorder.table, { now: () => new Date('2026-06-01T10:00:00Z') });
  const result = await dispatcher.dispatch(channel, payload, trusted);
  const accepted = contract[channel].request.safeParse(payload);

  // The HTTP bridge answers with JSON and Electron structured-clones the result: it must serialise.
  expect(() => JSON.stringify(result)).not.toThrow();

  if (accepted.success) {
    expect(result.ok).toBe(true);
    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]?.channel).toBe(channel);
    expect(recorder.calls[0]?.request).toEqual(accepted.data);
    return;
  }
  expect(recorder.calls).toHaveLength(0);
  const error = errorOf(result);
  expect(appErrorSchema.safeParse(error).success).toBe(true);
  expect(error.code).toBe('validation');
  expect(error.retry).toBe('never');
  expect(error.message).toMatch(/^Die Anfrage enthält ungültige Angaben — /);
  for (const finding of error.findings ?? []) expect(finding.message).toMatch(/[A-Za-zäöüÄÖÜß]/);
  for (const hex of hexValuesIn(payload)) {
    for (const text of errorTexts(result)) expect(text).not.toContain(hex);
  }
}

// ------------------------------------------------------------------------------------------------------------
// Hostile payload generators
// ------------------------------------------------------------------------------------------------------------

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf');
/** Keys the schemas know, so generated objects hit real fields with wrong values. */
const knownKey = fc.constantFrom('prescriptionId', 'entries', 'confirmed', 'text', 'query', 'filter', 'kuerzel');
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  hex64,
  fc.integer(),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, null, undefined, true, false, '', VALID_ID),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.array(fc.anything(), { maxLength: 5 }),
);
/** Objects whose keys are the schemas' own, pollution keys or 64-hex values; values of any type. */
const hostileObject: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.oneof(knownKey, pollutionKey, hex64, fc.string()), wrongValue), { maxLength: 6 })
  .map((pairs) => {
    // JSON.parse creates an own `__proto__` key the way a hostile HTTP body would, instead of setting the prototype.
    const text = `{${pairs
      .filter(([, v]) => v !== undefined && typeof v !== 'bigint' && typeof v !== 'symbol')
      .map(([k, v]) => `${JSON.stringify(k)}:${safeJson(v)}`)
      .join(',')}}`;
    return JSON.parse(text) as unknown;
  });

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
}

const nestedObject: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'large', withCrossShrink: true },
    fc.anything({ maxDepth: 1 }),
    fc.dictionary(fc.oneof(knownKey, pollutionKey, fc.string()), tie('node'), { maxKeys: 3 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;

const anyPayload: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
  hostileObject,
  nestedObject,
  fc.record({ prescriptionId: fc.oneof(hex64, fc.constant(VALID_ID), wrongValue), entries: fc.array(fc.anything(), { maxLength: 4 }) }),
  fc.record({ prescriptionId: fc.constant(VALID_ID), confirmed: wrongValue }),
);

// ------------------------------------------------------------------------------------------------------------
// Properties
// ------------------------------------------------------------------------------------------------------------

describe('IPC dispatcher under malformed payloads', () => {
  it.each(channels)('%s: never throws, refuses what its schema refuses, hands over only validated data', async (channel) => {
    await fc.assert(
      fc.asyncProperty(anyPayload, async (payload) => {
        await checkDispatch(channel, payload);
      }),
      runs(150),
    );
  });

  it('refuses non-objects on every channel with a German validation error', async () => {
    const nonObjects: unknown[] = [null, undefined, 0, 1, -1, NaN, '', 'x', VALID_ID, true, [], [{}], () => 1, Symbol('s'), 10n];
    for (const channel of channels) {
      for (const payload of nonObjects) {
        const recorder = recordingHandlers();
        const result = await createDispatcher(recorder.table).dispatch(channel, payload, trusted);
        expect(recorder.calls, `${channel} ${String(payload)}`).toHaveLength(0);
        expect(errorOf(result).code).toBe('validation');
        expect(errorOf(result).message).toContain('ungültige Angaben');
      }
    }
  });

  it('refuses numbers where strings belong, oversized strings and 10 000-item lists', async () => {
    const huge = 'x'.repeat(1_000_000);
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}` }));
    const cases: [Channel, unknown][] = [
      ['erx:setStaff', { kuerzel: 12345678 }],
      ['erx:setStaff', { kuerzel: huge }],
      ['erx:scanCode', { text: 42 }],
      ['erx:scanCode', { text: huge }],
      ['erx:scanCode', { text: ['Task/160.000.000.000.123.76/$accept?ac=00'] }],
      ['erx:listCases', { query: huge }],
      ['erx:listCases', { filter: 'drop table' }],
      ['erx:getCase', { prescriptionId: 160_000_000_000_123 }],
      ['erx:getCase', { prescriptionId: huge }],
      ['erx:saveDraft', { prescriptionId: VALID_ID, entries: tenThousand }],
      ['erx:submitDispense', { prescriptionId: VALID_ID, entries: tenThousand }],
      ['erx:submitDispense', { prescriptionId: VALID_ID, entries: [] }],
      ['erx:closeCase', { prescriptionId: VALID_ID, entries: tenThousand }],
      ['erx:previewPatientView', { prescriptionId: VALID_ID, entries: tenThousand }],
      ['erx:rejectCase', { prescriptionId: VALID_ID, confirmed: 'true' }],
      ['erx:abortCase', { prescriptionId: VALID_ID, confirmed: 1 }],
      ['erx:abortCase', { prescriptionId: VALID_ID }],
    ];
    for (const [channel, payload] of cases) {
      const recorder = recordingHandlers();
      const { result, cpuMs } = await withCpuTimeAsync(() => createDispatcher(recorder.table).dispatch(channel, payload, trusted));
      // Hang guard in CPU time, not a performance target: a refused payload must not take the app down with it.
      expect(cpuMs).toBeLessThan(2_000);
      expect(recorder.calls, channel).toHaveLength(0);
      const error = errorOf(result);
      expect(error.code).toBe('validation');
      // The one-line summary stays short even for 10 000 broken items.
      expect(error.message.length).toBeLessThan(2_000);
      expect(error.message).not.toContain('x'.repeat(100));
    }
  });

  it('refuses payloads nested 5 000 levels deep without a stack overflow', async () => {
    let deep: unknown = VALID_ID;
    for (let i = 0; i < 5_000; i++) deep = i % 2 === 0 ? { prescriptionId: deep, entries: [deep] } : [deep];
    for (const channel of channels) {
      const recorder = recordingHandlers();
      await expect(createDispatcher(recorder.table).dispatch(channel, deep, trusted)).resolves.toBeDefined();
      await expect(
        createDispatcher(recorder.table).dispatch(channel, { prescriptionId: VALID_ID, entries: [deep], text: deep }, trusted),
      ).resolves.toBeDefined();
      // Whatever passed validation passed the schema: nothing else reached a handler.
      for (const call of recorder.calls) expect(contract[call.channel].request.safeParse(call.request).success).toBe(true);
    }
  });

  it('does not let __proto__ or constructor keys pollute prototypes or smuggle fields in', async () => {
    const payload = JSON.parse(
      `{"prescriptionId":"${VALID_ID}","__proto__":{"polluted":true,"confirmed":true},"constructor":{"prototype":{"polluted":true}}}`,
    ) as unknown;
    for (const channel of channels) {
      const recorder = recordingHandlers();
      await createDispatcher(recorder.table).dispatch(channel, payload, trusted);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      // $reject/$abort need an own `confirmed: true` (A_19241/A_19242); one inherited via __proto__ must not count.
      if (channel === 'erx:rejectCase' || channel === 'erx:abortCase') expect(recorder.calls).toHaveLength(0);
      for (const call of recorder.calls) {
        expect(Object.getPrototypeOf(call.request)).toBe(Object.prototype);
        expect(call.request).not.toHaveProperty('polluted');
      }
    }
  });

  it('never echoes a 64-hex value (AccessCode, Secret) from an invalid payload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...channels), hex64, fc.string({ maxLength: 8 }), async (channel, hex, noise) => {
        const payloads: unknown[] = [
          { prescriptionId: hex },
          { prescriptionId: `${noise}${hex}` },
          { prescriptionId: `Task/${VALID_ID}/$accept?ac=${hex}` },
          { kuerzel: hex, text: 1, query: `${hex}${'q'.repeat(100)}`, filter: hex },
          { prescriptionId: VALID_ID, confirmed: hex, entries: [{ key: hex, batch: { lot: hex }, serials: [hex] }] },
        ];
        for (const payload of payloads) await checkDispatch(channel, payload);
      }),
      runs(60),
    );
  });

  it('refuses unknown channels, including prototype names, without calling any handler', async () => {
    const named = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'erx:', 'erx:getappinfo', 'erx:getCase ', ''];
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...named), fc.string({ unit: 'binary' })), fc.anything(), async (channel, payload) => {
        fc.pre(!Object.prototype.hasOwnProperty.call(contract, channel));
        const recorder = recordingHandlers();
        const result = await createDispatcher(recorder.table).dispatch(channel, payload, trusted);
        expect(recorder.calls).toHaveLength(0);
        const error = errorOf(result);
        expect(error.code).toBe('unknown-channel');
        expect(error.message).toMatch(/^Unbekannte Funktion/);
        // Caller-controlled channel text is cut and made printable before it lands in a message.
        expect(hasControlCharacter(error.message)).toBe(false);
      }),
      runs(200),
    );
  });

  it('refuses untrusted callers before looking at channel or payload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...channels), fc.string()), anyPayload, async (channel, payload) => {
        const recorder = recordingHandlers();
        const result = await createDispatcher(recorder.table).dispatch(channel, payload, untrusted);
        expect(recorder.calls).toHaveLength(0);
        const error = errorOf(result);
        expect(error.code).toBe('forbidden');
        expect(error.message).toContain('abgelehnt');
      }),
      runs(200),
    );
  });
});
