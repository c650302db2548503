/**
 * What the README („Reliability and security“) and docs/multi-counter.md §5–§6 promise of the store, checked with two
 * counters on one PostgreSQL (issue 18 item 7); in-process cores (support/shared-counters.ts), one simulator:
 * - the audit trail stays ONE verifiable hash chain while both counters append at the same time for real operations
 *   (appended under a transaction-level advisory lock, §6) — and an entry of either counter edited afterwards breaks it;
 * - data at rest: after a session of both counters (Zuweisung, reply, accept, dispense, close) no row of any table
 *   holds a patient's name, KVNR, AccessCode, Secret, lot, the Zuweisung's wish or the reply in clear, every `*_enc`
 *   value is ciphertext of the one pharmacy key both counters hold, and neither that key nor the KVNR key is stored
 *   in clear (§5: the store holds them only wrapped).
 * Erasure after $reject/$abort: shared-store-erasure.test.ts; a store outage: shared-store-outage.test.ts; a counter
 * killed mid-call: shared-store-crash.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedPrescription } from './support/fachdienst-side';
import { prescriptionIdOf } from './support/consistency';
import { listWithBatch, scan } from './support/in-process-app';
import { pollUntil } from './support/poll';
import { startSharedPharmacy, type SharedCounter, type SharedPharmacy } from './support/shared-counters';

/** prescriptions per counter in the concurrent run: enough appends at once that an unlocked chain forks */
const PER_COUNTER = 6;

let pharmacy: SharedPharmacy;
let kasse1: SharedCounter;
let kasse2: SharedCounter;

beforeAll(async () => {
  pharmacy = await startSharedPharmacy();
  kasse1 = await pharmacy.startCounter('Kasse 1', 'AB');
  kasse2 = await pharmacy.startCounter('Kasse 2', 'CD');
}, 60_000);

afterAll(async () => {
  await pharmacy?.close();
});

/** accept, dispense and close every prescription at one counter, all at once (each case has its own lock) */
async function serveAll(counter: SharedCounter, prescriptions: CreatedPrescription[]): Promise<void> {
  await Promise.all(
    prescriptions.map(async (prescription, i) => {
      expect(await scan(counter.handlers, prescription)).toMatchObject({ ok: true, outcome: 'accepted' });
      const prescriptionId = prescriptionIdOf(prescription.taskId);
      const entries = listWithBatch(await counter.handlers['erx:getCase']({ prescriptionId }), `${counter.kuerzel}-${i}`);
      expect(await counter.handlers['erx:submitDispense']({ prescriptionId, entries })).toMatchObject({ outcome: 'sent' });
      expect(await counter.handlers['erx:closeCase']({ prescriptionId })).toMatchObject({ status: 'closed' });
    }),
  );
}

describe('the audit trail on the shared store', () => {
  it('two counters working at the same time append to ONE chain that verifies; an edited entry of either breaks it', async () => {
    const { fd } = pharmacy.sim;
    const first: CreatedPrescription[] = [];
    const second: CreatedPrescription[] = [];
    for (let i = 0; i < PER_COUNTER; i++) {
      first.push(await fd.createPrescription());
      second.push(await fd.createPrescription());
    }
    await Promise.all([serveAll(kasse1, first), serveAll(kasse2, second)]);

    const auditor = await pharmacy.auditorStore();
    const entries = await auditor.audit.list();
    // every operation of both counters is in it: accept, dispense and close per prescription
    for (const [counter, prescriptions] of [[kasse1, first], [kasse2, second]] as const) {
      for (const { taskId } of prescriptions) {
        const own = entries.filter((e) => e.prescriptionId === taskId);
        expect(own.map((e) => `${e.staff} ${e.operation} ${e.result}`)).toEqual(expect.arrayContaining(['accept', 'dispense', 'close'].map((op) => `${counter.kuerzel} ${op} ok`)));
      }
    }
    // one chain: every entry chained, none outside it
    expect(await auditor.audit.verify()).toEqual({ ok: true, chained: entries.length, unchained: 0 });

    // an entry of either counter changed afterwards is detected in the one chain
    for (const staff of ['AB', 'CD']) {
      const [row] = await pharmacy.query<{ id: string; result: string }>(`SELECT id, result FROM audit WHERE staff = $1 ORDER BY id LIMIT 1`, [staff]);
      await pharmacy.query(`UPDATE audit SET result = 'failed' WHERE id = $1`, [row!.id]);
      expect(await auditor.audit.verify()).toEqual({ ok: false, brokenAtId: Number(row!.id), reason: 'hash-mismatch' });
      await pharmacy.query(`UPDATE audit SET result = $2 WHERE id = $1`, [row!.id, row!.result]);
    }
    expect((await auditor.audit.verify()).ok).toBe(true);
  });
});

describe('data at rest on the shared store', () => {
  it('after a session of both counters no row holds personal data or a key in clear; every *_enc is the pharmacy key’s ciphertext', async () => {
    const { fd, handle } = pharmacy.sim;
    const wish = { name: 'Frieda Wunschname', phone: '030 9876543', hint: 'Bitte nach 17 Uhr' };
    const replyText = 'Ihr Arzneimittel liegt bereit. Abholcode: Q8ZP4T';

    // counter 1: a Zuweisung with the patient's wish, accepted and answered; dispensed and closed (receipt)
    const assigned = await fd.createPrescription();
    const { pharmacy: own } = await kasse1.handlers['erx:getPharmacySetup']({});
    const posted = await fetch(`${handle.url}/_sim/communications/dispreq`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskId: assigned.taskId, pharmacy: own.telematikId, supplyOptionsType: 'onPremise', ...wish }),
    });
    expect(posted.status).toBe(201);
    await kasse1.handlers['erx:refreshMessages']({});
    const inbox = await pollUntil(() => kasse1.handlers['erx:listMessages']({}), (i) => i.requests.some((r) => r.prescriptionId === assigned.taskId), {
      what: 'the Zuweisung at Kasse 1',
    });
    const request = inbox.requests.find((r) => r.prescriptionId === assigned.taskId)!;
    expect(await kasse1.handlers['erx:acceptMessage']({ communicationId: request.communicationId })).toMatchObject({ ok: true });
    const assignedId = prescriptionIdOf(assigned.taskId);
    await kasse1.handlers['erx:sendReply']({ prescriptionId: assignedId, text: replyText, pickUpCode: 'Q8ZP4T', availability: '10' });
    const assignedDetail = await kasse1.handlers['erx:getCase']({ prescriptionId: assignedId });
    await kasse1.handlers['erx:submitDispense']({ prescriptionId: assignedId, entries: listWithBatch(assignedDetail, 'LOT-KASSE1-4711') });
    expect(await kasse1.handlers['erx:closeCase']({ prescriptionId: assignedId })).toMatchObject({ status: 'closed' });

    // counter 2: scanned, a draft saved, dispensed
    const scanned = await fd.createPrescription();
    expect(await scan(kasse2.handlers, scanned)).toMatchObject({ ok: true, outcome: 'accepted' });
    const scannedId = prescriptionIdOf(scanned.taskId);
    const scannedDetail = await kasse2.handlers['erx:getCase']({ prescriptionId: scannedId });
    await kasse2.handlers['erx:saveDraft']({ prescriptionId: scannedId, entries: listWithBatch(scannedDetail, 'LOT-ENTWURF-0815') });
    await kasse2.handlers['erx:submitDispense']({ prescriptionId: scannedId, entries: listWithBatch(scannedDetail, 'LOT-KASSE2-0815') });

    // both counters hold the same pharmacy keys (§5); with them the test reads the Secrets the store keeps
    const keys = pharmacy.heldKeys(kasse1);
    const keys2 = pharmacy.heldKeys(kasse2);
    expect(keys2.dataKey.equals(keys.dataKey) && keys2.kvnrKey.equals(keys.kvnrKey)).toBe(true);
    const secrets = await pharmacy.query<{ secret_enc: string }>(`SELECT secret_enc FROM cases WHERE prescription_id = ANY($1::text[])`, [[assignedId, scannedId]]);
    const secretValues = secrets.map((r) => keys.cipher.decrypt(r.secret_enc));
    expect(secretValues).toHaveLength(2);

    const personal: Record<string, string> = {
      'Secret 1': secretValues[0]!,
      'Secret 2': secretValues[1]!,
      'AccessCode 1': assigned.accessCode,
      'AccessCode 2': scanned.accessCode,
      'KVNR 1': assigned.kvnr,
      'KVNR 2': scanned.kvnr,
      'patient 1': assignedDetail.prescription!.patient.name,
      'patient 2': scannedDetail.prescription!.patient.name,
      'wish name': wish.name,
      'wish phone': wish.phone,
      'wish hint': wish.hint,
      reply: replyText,
      'lot 1': 'LOT-KASSE1-4711',
      'lot 2': 'LOT-KASSE2-0815',
      'draft lot': 'LOT-ENTWURF-0815',
      'data key (hex)': keys.dataKey.toString('hex'),
      'data key (base64)': keys.dataKey.toString('base64'),
      'KVNR key (hex)': keys.kvnrKey.toString('hex'),
      'KVNR key (base64)': keys.kvnrKey.toString('base64'),
    };
    const rows = await allRowsByTable();
    const inClear = Object.entries(personal)
      .flatMap(([what, value]) => [...rows].filter(([, text]) => text.includes(value)).map(([table]) => `${what} in ${table}`));
    expect(inClear).toEqual([]);

    // every encrypted column: ciphertext of the pharmacy key, nothing else
    const undecryptable: string[] = [];
    let decrypted = 0;
    for (const { table_name: table, column_name: column } of await pharmacy.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name LIKE '%\\_enc' ORDER BY 1, 2`,
    )) {
      for (const { value } of await pharmacy.query<{ value: string }>(`SELECT ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`)) {
        try {
          keys.cipher.decrypt(value);
          decrypted++;
        } catch {
          undecryptable.push(`${table}.${column}`);
        }
      }
    }
    expect(undecryptable).toEqual([]);
    expect(decrypted).toBeGreaterThan(10);
  });
});

/** table → its rows as JSON text, for every table of the store */
async function allRowsByTable(): Promise<Map<string, string>> {
  const tables = await pharmacy.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  const rows = new Map<string, string>();
  for (const { table_name: table } of tables) {
    const found = await pharmacy.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    rows.set(table, found.map((r) => r.row).join('\n'));
  }
  return rows;
}
