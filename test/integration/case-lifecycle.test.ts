/**
 * A case's life through the composition root and the embedded simulator over real HTTP: versions and
 * corrections as the insurant sees them (spec §3.10: only the insurant can read MedicationDispense), the
 * "unchanged list is not resent" rule, $close with the complete list, receipt refetch, $reject/$abort with local erasure
 * (A_19251), secret recovery (spec §3.3), deadlines by the simulator clock, MVO/expiry refusals.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, berlinDate } from '../../shared/erezept/dates';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import { parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import { Extensions, NamingSystems } from '../../shared/fhir/profiles';
import { createCore, storeDirOf, type Core } from '../../main/core';
import { nextWorkingDay } from '../../main/services/working-days';

let dir: string;
let core: Core;
/** how far the app's base clock (and the embedded simulator's) is moved past the real time, in ms */
let clockShiftMs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erx-lifecycle-'));
  core = await createCore({ dataDir: dir, seedDemoPrescriptions: false, now: () => new Date(Date.now() + clockShiftMs) });
  await core.handlers['erx:setStaff']({ kuerzel: 'AB' });
});
afterAll(async () => {
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

const h = () => core.handlers;

async function sim<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${core.backend.url}_sim/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as T;
}

interface Created {
  taskId: string;
  kvnr: string;
  token: string;
  dataMatrix: string;
  prescriptions?: Array<{ taskId: string; token: string }>;
}

const prescribe = (body: Record<string, unknown> = {}) => sim<Created>('prescriptions', { flowType: '160', ...body });

const idOf = (text: string): PrescriptionId => {
  const parsed = parsePrescriptionId(text);
  if (!parsed.ok) throw new Error(`not a PrescriptionID: ${text}`);
  return parsed.data;
};

/** The insurant's view (professionOID 1.2.276.0.76.4.49): what the Fachdienst really stored. */
async function asInsurant(kvnr: string, path: string): Promise<Record<string, unknown>> {
  const { access_token } = await sim<{ access_token: string }>('token', { professionOID: '1.2.276.0.76.4.49', kvnr });
  const response = await fetch(`${core.backend.url}${path}`, {
    headers: { Authorization: `Bearer ${access_token}`, Accept: 'application/fhir+json' },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

type Resource = Record<string, unknown>;
const resources = (bundle: Resource): Resource[] =>
  ((bundle['entry'] as Array<{ resource: Resource }> | undefined) ?? []).map((e) => e.resource);

/** The lots of the stored MedicationDispenses, in the Fachdienst's order (ids <PID>, <PID>-1, …). */
async function storedDispenses(kvnr: string, id: string): Promise<Array<{ id: unknown; lot: unknown; packs: unknown }>> {
  const bundle = await asInsurant(kvnr, `MedicationDispense?identifier=${encodeURIComponent(`${NamingSystems.prescriptionId}|${id}`)}`);
  const all = resources(bundle);
  const medications = new Map(all.filter((r) => r['resourceType'] === 'Medication').map((m) => [`urn:uuid:${String(m['id'])}`, m]));
  return all
    .filter((r) => r['resourceType'] === 'MedicationDispense')
    .map((d) => {
      const ref = (d['medicationReference'] as { reference?: string } | undefined)?.reference ?? '';
      const medication = medications.get(ref);
      return {
        id: d['id'],
        lot: (medication?.['batch'] as { lotNumber?: string } | undefined)?.lotNumber,
        packs: (d['quantity'] as { value?: number } | undefined)?.value,
      };
    });
}

async function insurantTask(kvnr: string, id: string): Promise<{ status: unknown; lastMedicationDispense: unknown }> {
  const bundle = await asInsurant(kvnr, `Task/${id}`);
  const task = resources(bundle).find((r) => r['resourceType'] === 'Task') ?? bundle;
  const extension = (task['extension'] as Array<{ url: string; valueInstant?: string }> | undefined) ?? [];
  return { status: task['status'], lastMedicationDispense: extension.find((e) => e.url === Extensions.lastMedicationDispense)?.valueInstant };
}

async function acceptNew(body: Record<string, unknown> = {}): Promise<{ id: PrescriptionId; kvnr: string; token: string; draft: DispenseEntry[] }> {
  const created = await prescribe(body);
  const id = idOf(created.taskId);
  const scan = await h()['erx:scanCode']({ text: created.token });
  expect(scan.results).toEqual([expect.objectContaining({ ok: true, outcome: 'accepted', prescriptionId: id })]);
  const detail = await h()['erx:getCase']({ prescriptionId: id });
  expect(detail.draft).toHaveLength(1);
  return { id, kvnr: created.kvnr, token: created.token, draft: detail.draft! };
}

const withLot = (entry: DispenseEntry, key: string, lot: string, packs = 1): DispenseEntry => ({
  ...entry,
  key,
  packs,
  batch: { lot, expiry: '2029-12-31' },
  // more packs than the one prescribed need a reason (PH_QUANTITY_MORE on the first entry, docs/checks.md)
  overrides: [{ rule: 'PH_QUANTITY_MORE', reason: 'Mehrbedarf mit der Praxis abgestimmt' }],
});

describe('a case from the claim to the receipt, the return or the deletion, against the simulator', () => {
  it('dispense 3 entries → correct → resubmit: the insurant sees only the corrected list; unchanged not resent; close with the complete list; receipt refetch', async () => {
    const { id, kvnr, token, draft } = await acceptNew();
    const base = draft[0]!;
    const first = [withLot(base, 'a', 'LOT-A'), withLot(base, 'b', 'LOT-B'), withLot(base, 'c', 'LOT-C', 2)];

    const sent = await h()['erx:submitDispense']({ prescriptionId: id, entries: first });
    expect(sent).toMatchObject({ outcome: 'sent', status: 'dispensed', hasUnsentChanges: false });
    expect(sent.closeDeadline).toBe(nextWorkingDay(base.whenHandedOver));
    expect((await storedDispenses(kvnr, id)).map((d) => [d.id, d.lot, d.packs])).toEqual([
      [id, 'LOT-A', 1],
      [`${id}-1`, 'LOT-B', 1],
      [`${id}-2`, 'LOT-C', 2],
    ]);

    // Correction: one row removed, one row's batch and pack count changed — the complete list goes again.
    const corrected = [first[0]!, withLot(base, 'b', 'LOT-B2', 2)];
    await h()['erx:saveDraft']({ prescriptionId: id, entries: corrected });
    expect((await h()['erx:listCases']({ query: id })).cases[0]?.hasUnsentChanges).toBe(true);
    const resent = await h()['erx:submitDispense']({ prescriptionId: id, entries: corrected });
    expect(resent.outcome).toBe('sent');
    expect(resent.submissions.map((s) => [s.version, s.state, s.entries.length])).toEqual([
      [1, 'confirmed', 3],
      [2, 'confirmed', 2],
    ]);
    expect(resent.confirmedEntries).toEqual(corrected);
    expect((await storedDispenses(kvnr, id)).map((d) => [d.lot, d.packs])).toEqual([
      ['LOT-A', 1],
      ['LOT-B2', 2],
    ]);
    const afterCorrection = await insurantTask(kvnr, id);
    expect(afterCorrection.lastMedicationDispense).toBeDefined();

    // The same list again: not sent (the patient is not notified twice).
    const unchanged = await h()['erx:submitDispense']({ prescriptionId: id, entries: structuredClone(corrected) });
    expect(unchanged.outcome).toBe('unchanged');
    expect(unchanged.notice).toContain('Version 2');
    expect(unchanged.submissions).toHaveLength(2);
    expect((await insurantTask(kvnr, id)).lastMedicationDispense).toBe(afterCorrection.lastMedicationDispense);

    // $close always carries the complete list (docs/reliability.md): the Fachdienst stores it again (A_26481), so the
    // corrected list stays and lastMedicationDispense moves to the close (A_26337).
    const closed = await h()['erx:closeCase']({ prescriptionId: id });
    expect(closed).toMatchObject({ status: 'closed', readOnly: true, hasUnsentChanges: false });
    expect(closed.submissions.at(-1)).toMatchObject({ operation: 'close', state: 'confirmed', withBody: true, httpStatus: 200 });
    expect(closed.receipt).toMatchObject({ prescriptionId: id, signaturePresent: true, staff: 'AB' });
    const task = await insurantTask(kvnr, id);
    expect(task.status).toBe('completed');
    expect(Date.parse(String(task.lastMedicationDispense))).toBeGreaterThanOrEqual(Date.parse(String(afterCorrection.lastMedicationDispense)));
    expect((await storedDispenses(kvnr, id)).map((d) => d.lot)).toEqual(['LOT-A', 'LOT-B2']);

    await expect(h()['erx:saveDraft']({ prescriptionId: id, entries: corrected })).rejects.toMatchObject({ appError: { code: 'state' } });

    // „Quittung erneut abrufen“ (GET ?secret): the same receipt, fetched again by another staff member.
    await h()['erx:setStaff']({ kuerzel: 'CD' });
    const refetched = await h()['erx:refetchReceipt']({ prescriptionId: id });
    await h()['erx:setStaff']({ kuerzel: 'AB' });
    expect(refetched.receipt).toMatchObject({ bundleId: closed.receipt!.bundleId, staff: 'CD', signaturePresent: true });
    expect(Date.parse(refetched.receipt!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(closed.receipt!.receivedAt));

    // A re-scan opens the closed case read-only (A_23801).
    const rescan = await h()['erx:scanCode']({ text: token });
    expect(rescan.results[0]).toMatchObject({ ok: true, outcome: 'existing', case: { status: 'closed' } });
  });

  it('$reject: the Task is ready again, local data erased, no longer found by name or KVNR', async () => {
    const { id, kvnr, draft } = await acceptNew();
    await h()['erx:submitDispense']({ prescriptionId: id, entries: [withLot(draft[0]!, 'a', 'LOT-R')] });
    const before = await h()['erx:getCase']({ prescriptionId: id });
    const name = before.patientName!;
    expect((await h()['erx:listCases']({ query: kvnr })).cases.map((c) => c.prescriptionId)).toEqual([id]);

    const rejected = await h()['erx:rejectCase']({ prescriptionId: id, confirmed: true });
    expect(rejected).toMatchObject({ status: 'rejected', readOnly: true, endedBy: 'AB', prescription: null, draft: null });
    expect(rejected.patientName).toBeUndefined();
    expect(rejected.submissions[0]?.entries).toEqual([]);
    expect((await insurantTask(kvnr, id)).status).toBe('ready');
    expect(await storedDispenses(kvnr, id)).toEqual([]);

    // the other tests' cases share this store, and the simulator's fictional names repeat: ask for this case only
    expect((await h()['erx:listCases']({ query: name })).cases.map((c) => c.prescriptionId)).not.toContain(id);
    expect((await h()['erx:listCases']({ query: kvnr })).cases.map((c) => c.prescriptionId)).not.toContain(id);
    expect((await h()['erx:listCases']({ query: id })).cases.map((c) => c.status)).toEqual(['rejected']);

    const db = new Database(join(storeDirOf(dir, true), 'erx.db'), { readonly: true });
    const row = db.prepare('SELECT * FROM cases WHERE prescription_id = ?').get(id) as Record<string, unknown>;
    db.close();
    expect([row['secret_enc'], row['access_code_enc'], row['qes_enc'], row['summary_enc'], row['kvnr_hmac']]).toEqual([null, null, null, null, null]);
  });

  it('$abort: deleted at the Fachdienst, later calls answer 410', async () => {
    const { id, token } = await acceptNew();
    const aborted = await h()['erx:abortCase']({ prescriptionId: id, confirmed: true });
    expect(aborted.status).toBe('aborted');
    const again = await h()['erx:scanCode']({ text: token });
    expect(again.results[0]).toMatchObject({ ok: false, prescriptionId: id, error: { httpStatus: 410, system: 'fachdienst' } });
    expect(again.results[0]?.ok === false && again.results[0].error.message).toContain('gelöscht');
    expect((await h()['erx:getCase']({ prescriptionId: id })).status).toBe('aborted');
  });

  it('$reject/$abort are refused by the contract without explicit confirmation', async () => {
    const { contract } = await import('../../shared/ipc/contract');
    expect(contract['erx:rejectCase'].request.safeParse({ prescriptionId: '160.000.000.000.001.54' }).success).toBe(false);
    expect(contract['erx:abortCase'].request.safeParse({ prescriptionId: '160.000.000.000.001.54', confirmed: false }).success).toBe(false);
  });

  it('a case whose local Secret was lost is recovered with GET ?ac and can be dispensed again', async () => {
    const { id, draft } = await acceptNew();
    const db = new Database(join(storeDirOf(dir, true), 'erx.db'));
    db.prepare('UPDATE cases SET secret_enc = NULL WHERE prescription_id = ?').run(id);
    db.close();
    expect((await h()['erx:getCase']({ prescriptionId: id })).secretMissing).toBe(true);
    await expect(h()['erx:submitDispense']({ prescriptionId: id, entries: [withLot(draft[0]!, 'a', 'LOT-S')] })).rejects.toMatchObject({
      appError: { code: 'state' },
    });

    const recovered = await h()['erx:recoverSecret']({ prescriptionId: id });
    expect(recovered).toMatchObject({ secretMissing: false, status: 'accepted' });
    const sent = await h()['erx:submitDispense']({ prescriptionId: id, entries: [withLot(draft[0]!, 'a', 'LOT-S')] });
    expect(sent.outcome).toBe('sent');
  });

  it('a code with several prescriptions opens all of them', async () => {
    const created = await prescribe({ count: 3 });
    const scan = await h()['erx:scanCode']({ text: created.dataMatrix });
    expect(scan.results.map((r) => r.ok && r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(scan.results.map((r) => r.prescriptionId)).toEqual(created.prescriptions!.map((p) => p.taskId));
  });

  it('an MVO part not yet valid and an expired prescription: the Fachdienst’s 403 as a clear error, nothing stored', async () => {
    const today = berlinDate(new Date((await sim<{ now: string }>('clock')).now));
    const start = addDays(today, 60);
    const mvo = await prescribe({ mvo: { part: 2, of: 3, start } });
    const mvoScan = await h()['erx:scanCode']({ text: mvo.token });
    const [y, m, d] = start.split('-');
    expect(mvoScan.results[0]).toMatchObject({ ok: false, error: { httpStatus: 403, system: 'fachdienst' } });
    const mvoError = mvoScan.results[0]!.ok ? undefined : mvoScan.results[0]!.error;
    expect(mvoError?.message).toContain('noch nicht einlösbar');
    expect(mvoError?.message).toContain(`${d}.${m}.${y}`);
    expect(mvoError?.detail).toContain('$accept → HTTP 403');
    expect(mvoError?.detail).not.toMatch(/[0-9a-f]{64}/);

    const expired = await prescribe({ authoredOn: addDays(today, -200) });
    const expiredScan = await h()['erx:scanCode']({ text: expired.token });
    const expiredError = expiredScan.results[0]!.ok ? undefined : expiredScan.results[0]!.error;
    expect(expiredError).toMatchObject({ httpStatus: 403 });
    expect(expiredError?.message).toContain('abgelaufen');

    for (const created of [mvo, expired]) {
      expect((await h()['erx:listCases']({ query: created.taskId })).cases).toEqual([]);
      await expect(h()['erx:getCase']({ prescriptionId: idOf(created.taskId) })).rejects.toMatchObject({ appError: { code: 'not-found' } });
    }
  });

  it('deadline findings follow the simulator clock: warning after acceptDate, block after expiryDate', async () => {
    const { id } = await acceptNew();
    const detail = await h()['erx:getCase']({ prescriptionId: id });
    expect(detail.deadlineFindings).toEqual([]);
    const acceptDate = detail.acceptDate!;
    try {
      await sim('clock', { set: `${addDays(acceptDate, 1)}T10:00:00+01:00` });
      // past the reading sync interval (1 s on the app's clock): the next getCase reads the simulator's clock again
      clockShiftMs += 1100;
      expect((await h()['erx:getCase']({ prescriptionId: id })).deadlineFindings).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'DEADLINE_ACCEPT_DATE_PASSED' }),
      ]);
      await sim('clock', { set: `${addDays(detail.expiryDate!, 1)}T10:00:00+01:00` });
      clockShiftMs += 1100;
      expect((await h()['erx:getCase']({ prescriptionId: id })).deadlineFindings).toEqual([
        expect.objectContaining({ severity: 'error', code: 'DEADLINE_EXPIRED' }),
      ]);
    } finally {
      await sim('clock', { reset: true });
    }
  });
});
