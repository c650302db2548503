/**
 * One owner per case across counters (issue 18 item 4, docs/multi-counter.md §4) on a real PostgreSQL: two counters'
 * lease services on one store — who holds a case, read-only elsewhere, take-over only while nobody is sending, never
 * two senders at once, a dead counter's lease running out — and the keys every counter gets from the store (§5).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { AppFailure } from '../../main/errors';
import { CaseLeaseService } from '../../main/services/case-leases';
import { EnrolmentCodeService } from '../../main/services/enrolment-codes';
import { AesGcmCipher } from '../../main/store/aes-gcm-cipher';
import type { LeaseCounter } from '../../main/store/case-leases';
import { enrolCounter } from '../../main/store/pharmacy-enrolment';
import type { PharmacyKeys } from '../../main/store/pharmacy-keys';
import { ChangeListener } from '../../main/store/postgres/change-listener';
import { openPostgresStore, type PostgresStore } from '../../main/store/postgres/open';
import { pollUntil } from './support/poll';
import { storeEngines } from './support/store-engines';

const engine = storeEngines().find((e) => e.name === 'postgres')!;
const id = '160.000.100.000.001.07' as PrescriptionId;
const kasse1: LeaseCounter = { counterId: 'c1', counterName: 'Kasse 1', staff: 'AB' };
const kasse2: LeaseCounter = { counterId: 'c2', counterName: 'Kasse 2', staff: 'CD' };
let store: PostgresStore;
/** each counter's listening session — while it exists, the counter is alive (its leases count) */
let alive: Map<string, ChangeListener>;

async function comesUp(me: LeaseCounter): Promise<void> {
  const listener = new ChangeListener({ connection: engine.connection!(), counterId: me.counterId, onChange: () => undefined });
  await listener.start();
  alive.set(me.counterId, listener);
}

/** The counter's process ends: its sessions end with it. */
async function dies(me: LeaseCounter): Promise<void> {
  await alive.get(me.counterId)?.stop();
  alive.delete(me.counterId);
}

function counter(me: LeaseCounter): CaseLeaseService {
  return new CaseLeaseService({ store: store.leases, me: () => me, now: () => new Date() });
}

/** A sending operation that waits until the test lets it finish. */
function heldOpen(): { work: () => Promise<string>; finish: () => void; started: Promise<void> } {
  let finish!: () => void;
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      started();
      await done;
      return 'sent';
    },
    finish: () => finish(),
    started: startedPromise,
  };
}

const refusal = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (e) {
    if (e instanceof AppFailure) return `${e.appError.code}: ${e.appError.message}`;
    throw e;
  }
  throw new Error('not refused');
};

beforeAll(() => engine.start());
afterAll(() => engine.stop());
beforeEach(async () => {
  await engine.fresh();
  store = (await engine.open({ cipher: new AesGcmCipher(Buffer.alloc(32, 1)) })) as PostgresStore;
  alive = new Map();
  await comesUp(kasse1);
  await comesUp(kasse2);
});
afterEach(async () => {
  for (const listener of alive.values()) await listener.stop();
  await engine.closeAll();
});

describe('case leases across two counters', () => {
  it('the counter that opens a case holds it; the other sees who, read-only, and may not send', async () => {
    const one = counter(kasse1);
    const two = counter(kasse2);
    expect(await one.hold(id)).toEqual({ mine: true, counter: 'Kasse 1', staff: 'AB', busy: false });
    expect(await two.hold(id)).toEqual({ mine: false, counter: 'Kasse 1', staff: 'AB', busy: false });
    expect(await refusal(two.sending(id, async () => 'sent'))).toMatch(/^case-leased: Kasse 1 \(AB\) bearbeitet dieses Rezept/);
    expect(await one.sending(id, async () => 'sent')).toBe('sent');
    // the draft is not overwritten from the other counter either
    expect(await refusal(two.requireHolder(id))).toMatch(/^case-leased: Kasse 1 \(AB\) bearbeitet dieses Rezept\. Der Entwurf wurde hier nicht gespeichert/);
    await one.requireHolder(id);
    // renewing keeps it
    expect((await one.hold(id)).mine).toBe(true);
  });

  it('take-over: refused while the holder is sending, granted afterwards; the former holder is then read-only', async () => {
    const one = counter(kasse1);
    const two = counter(kasse2);
    await one.hold(id);
    const call = heldOpen();
    const sending = one.sending(id, call.work);
    await call.started;
    expect(await two.hold(id)).toMatchObject({ mine: false, busy: true });
    expect(await refusal(two.takeOver(id))).toMatch(/^case-leased: Kasse 1 \(AB\) sendet gerade/);
    call.finish();
    expect(await sending).toBe('sent');
    expect(await two.takeOver(id)).toEqual({ mine: true, counter: 'Kasse 2', staff: 'CD', busy: false });
    expect(await one.hold(id)).toMatchObject({ mine: false, counter: 'Kasse 2', staff: 'CD' });
    expect(await refusal(one.sending(id, async () => 'sent'))).toMatch(/^case-leased: Kasse 2 \(CD\)/);
  });

  it('two counters sending for a free case at once: exactly one sends', async () => {
    const one = counter(kasse1);
    const two = counter(kasse2);
    const a = heldOpen();
    const b = heldOpen();
    const results = await Promise.allSettled([one.sending(id, a.work), two.sending(id, b.work)].map(async (p, i) => {
      // let whichever got the permit finish
      void (i === 0 ? a : b).started.then(() => (i === 0 ? a : b).finish());
      return p;
    }));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('the background owner may resume an owed operation of a case another counter holds — not while it is sending', async () => {
    const one = counter(kasse1);
    const owner = counter(kasse2);
    await one.hold(id);
    expect(await owner.sending(id, async () => 'resumed', { background: true })).toBe('resumed');
    expect((await one.hold(id)).mine).toBe(true); // the lease stayed with Kasse 1
    const call = heldOpen();
    const sending = one.sending(id, call.work);
    await call.started;
    expect(await refusal(owner.sending(id, async () => 'resumed', { background: true }))).toMatch(/sendet gerade/);
    call.finish();
    await sending;
  });

  it('a counter that dies while sending holds nothing any more: the other takes over and sends at once', async () => {
    const one = counter(kasse1);
    const two = counter(kasse2);
    await one.hold(id);
    const call = heldOpen();
    void one.sending(id, call.work).catch(() => undefined);
    await call.started;
    expect(await two.hold(id)).toMatchObject({ mine: false, busy: true });
    await dies(kasse1);
    expect(await two.hold(id)).toEqual({ mine: true, counter: 'Kasse 2', staff: 'CD', busy: false });
    expect(await two.sending(id, async () => 'sent')).toBe('sent');
    call.finish();
  });

  it('a released case is free at once; a lease nobody renews runs out', async () => {
    const one = counter(kasse1);
    const two = counter(kasse2);
    await one.hold(id);
    expect(await one.release(id)).toEqual({ released: true });
    expect((await two.hold(id)).mine).toBe(true);
    // Kasse 2 "dies" holding a short lease; Kasse 1 gets the case once it has run out (server time)
    await store.leases.hold(id, kasse2, { ttlMs: 200 });
    await pollUntil(() => one.hold(id), (lease) => lease.mine, { what: 'the lease of the dead counter to run out', timeoutMs: 5000 });
  });

  it('a change of holder notifies the other counters (erx_case_changed); a renewal does not', async () => {
    const listener = await engine.client!();
    const seen: string[] = [];
    listener.on('notification', (n) => seen.push(`${n.channel}:${n.payload ?? ''}`));
    await listener.query('LISTEN erx_case_changed');
    const one = counter(kasse1);
    await one.hold(id);
    await one.hold(id);
    await counter(kasse2).hold(id); // refused: no change
    await one.release(id);
    await pollUntil(() => seen.length, (n) => n >= 2, { what: 'two notifications' });
    expect(seen).toEqual([`erx_case_changed:${id}`, `erx_case_changed:${id}`]);
  });
});

describe('the pharmacy keys from the shared store (§5)', () => {
  it('two counters enrolled with the same passphrase read each other’s data; the store holds no key in clear', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'erx-enrol-pg-'));
    try {
      const kdf = { N: 2 ** 10, r: 8, p: 1 };
      const open = (name: string) =>
        openPostgresStore({
          connection: engine.connection!(),
          enrol: async (table) => {
            const enrolled = await enrolCounter({ keyDir: join(dir, name), table, secret: () => 'gemeinsame Passphrase 2026', kdf });
            return { cipher: enrolled.protection.cipher, hmacKey: enrolled.hmacKey };
          },
        });
      const one = await open('kasse1');
      const two = await open('kasse2');
      try {
        await one.settings.setSecret('probe', { name: 'Erika Mustermann' });
        await two.settings.reload();
        expect(two.settings.getSecret('probe')).toEqual({ name: 'Erika Mustermann' });
        expect(two.keys.hmacKey.equals(one.keys.hmacKey)).toBe(true);
        const stored = await engine.storedText();
        expect(stored).not.toContain(one.keys.hmacKey.toString('hex'));
        expect(stored).not.toContain('Erika');
      } finally {
        await one.close();
        await two.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('„Kasse hinzufügen“: a one-time code from an enrolled counter lets one new counter in, once (§5)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'erx-enrol-code-'));
    try {
      const kdf = { N: 2 ** 10, r: 8, p: 1 };
      let keysOfFirst: (() => PharmacyKeys) | undefined;
      const first = await openPostgresStore({
        connection: engine.connection!(),
        enrol: async (table) => {
          const enrolled = await enrolCounter({ keyDir: join(dir, 'kasse1'), table, secret: () => 'gemeinsame Passphrase 2026', kdf });
          keysOfFirst = () => enrolled.keys();
          return { cipher: enrolled.protection.cipher, hmacKey: enrolled.hmacKey };
        },
      });
      const codes = new EnrolmentCodeService({ shared: { keys: () => keysOfFirst!(), addCodeWrap: (wrap, ttl) => first.addEnrolmentCodeWrap(wrap, ttl) }, now: () => new Date(), kdf });
      const { code } = await codes.create();
      const withCode = (name: string) =>
        openPostgresStore({
          connection: engine.connection!(),
          enrol: async (table) => {
            const enrolled = await enrolCounter({ keyDir: join(dir, name), table, oneTimeCode: () => code, kdf });
            return { cipher: enrolled.protection.cipher, hmacKey: enrolled.hmacKey };
          },
        });
      const second = await withCode('kasse2');
      try {
        expect(second.keys.hmacKey.equals(first.keys.hmacKey)).toBe(true);
        expect(await engine.raw('SELECT COUNT(*)::int AS n FROM enrolment_codes')).toEqual([{ n: 0 }]);
        await expect(withCode('kasse3')).rejects.toThrow(/schon benutzt/);
      } finally {
        await first.close();
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
