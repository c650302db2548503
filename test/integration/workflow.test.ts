/**
 * The whole workflow through the composition root (architecture §2, §8): createCore with a fresh data
 * directory starts the embedded simulator and seeds demo prescriptions; a seeded token is scanned, dispensed,
 * closed; the receipt is stored; a re-scan opens the existing case; a restart keeps everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCatalog } from '../../shared/erezept/catalog/demo-catalog';
import { berlinDate } from '../../shared/erezept/dates';
import { parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import type { AppEvent } from '../../shared/ipc/contract';
import { createCore, type Core } from '../../main/core';

let dir: string;
let core: Core | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-workflow-'));
});
afterEach(async () => {
  await core?.close();
  core = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const idOf = (token: string): PrescriptionId => {
  const parsed = parsePrescriptionId(/^Task\/([^/]+)\//.exec(token)?.[1] ?? '');
  if (!parsed.ok) throw new Error(`not a token: ${token}`);
  return parsed.data;
};

describe('workflow through createCore and the embedded simulator', () => {
  it('scan → prescription → $dispense → $close → receipt; re-scan opens the case', async () => {
    core = await createCore({ dataDir: dir });
    expect(core.backend.kind).toBe('embedded');
    expect(core.backend.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(core.seededTokens).toHaveLength(3);
    const events: AppEvent[] = [];
    core.events.subscribe((e) => events.push(e));
    const h = core.handlers;

    const info = await h['erx:setStaff']({ kuerzel: 'AB' });
    expect(info).toMatchObject({ training: true, backend: 'embedded', staff: { kuerzel: 'AB' } });

    const token = core.seededTokens[0]!;
    const id = idOf(token);
    const scan = await h['erx:scanCode']({ text: `{"urls":["${token}"]}` });
    expect(scan.results).toEqual([expect.objectContaining({ ok: true, outcome: 'accepted', prescriptionId: id })]);
    expect(events).toContainEqual({ type: 'case-changed', prescriptionId: id });

    const accepted = await h['erx:getCase']({ prescriptionId: id });
    expect(accepted.status).toBe('accepted');
    expect(accepted.prescriptionError).toBeUndefined();
    expect(accepted.prescription?.prescriptionId).toBe(id);
    expect(accepted.draft).toHaveLength(1);
    const medication = accepted.prescription?.medication;
    if (medication?.kind === 'pzn' && demoCatalog.byPzn(medication.pzn)?.securPharm) {
      // A securPharm pack: the pre-flight wants batch and expiry (A_21105-02) — nothing is sent.
      await expect(h['erx:submitDispense']({ prescriptionId: id, entries: accepted.draft! })).rejects.toMatchObject({
        appError: { code: 'validation', findings: expect.arrayContaining([expect.objectContaining({ path: 'entries.0.batch' })]) },
      });
      expect((await h['erx:getCase']({ prescriptionId: id })).submissions).toEqual([]);
    }
    const draft = accepted.draft!.map((e) => ({ ...e, batch: { lot: 'CH4711', expiry: '2029-12-31' } }));

    const dispensed = await h['erx:submitDispense']({ prescriptionId: id, entries: draft });
    expect(dispensed.status).toBe('dispensed');
    expect(dispensed.submissions).toEqual([expect.objectContaining({ operation: 'dispense', state: 'confirmed', staff: 'AB' })]);

    const closed = await h['erx:closeCase']({ prescriptionId: id });
    expect(closed.status).toBe('closed');
    expect(closed.receipt).toMatchObject({ prescriptionId: id, staff: 'AB' });
    expect(closed.receipt?.bundleId).toBeTruthy();

    const rescan = await h['erx:scanCode']({ text: token });
    expect(rescan.results[0]).toMatchObject({ ok: true, outcome: 'existing', prescriptionId: id });

    const listed = (await h['erx:listCases']({})).cases;
    expect(listed.map((c) => c.prescriptionId)).toEqual([id]);
  });

  it('a restart keeps cases and does not seed new demo prescriptions', async () => {
    core = await createCore({ dataDir: dir });
    const first = core.seededTokens;
    await core.handlers['erx:setStaff']({ kuerzel: 'CD' });
    await core.handlers['erx:scanCode']({ text: first[1]! });
    await core.close();

    core = await createCore({ dataDir: dir });
    expect(core.seededTokens).toEqual(first);
    expect((await core.handlers['erx:getAppInfo']({})).staff?.kuerzel).toBe('CD');
    const cases = (await core.handlers['erx:listCases']({})).cases;
    expect(cases.map((c) => c.prescriptionId)).toEqual([idOf(first[1]!)]);
  });

  it('seeds again when the simulator lost its prescriptions (reset)', async () => {
    core = await createCore({ dataDir: dir });
    const first = core.seededTokens;
    const reset = await fetch(`${core.backend.url}_sim/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(reset.status).toBe(200);
    await core.close();

    core = await createCore({ dataDir: dir });
    expect(core.seededTokens).toHaveLength(3);
    expect(core.seededTokens).not.toEqual(first);
  });

  it('in training mode the app takes "now" from the simulator clock', async () => {
    core = await createCore({ dataDir: dir });
    const ahead = new Date(Date.now() + 10 * 86_400_000);
    const set = await fetch(`${core.backend.url}_sim/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ set: ahead.toISOString() }),
    });
    expect(set.status).toBe(200);
    await core.handlers['erx:setStaff']({ kuerzel: 'AB' });
    const token = core.seededTokens[2]!;
    await core.handlers['erx:scanCode']({ text: token });
    const detail = await core.handlers['erx:getCase']({ prescriptionId: idOf(token) });
    expect(Math.abs(Date.parse(detail.acceptedAt) - ahead.getTime())).toBeLessThan(60_000);
    expect(detail.draft?.[0]?.whenHandedOver).toBe(berlinDate(new Date(Date.parse(detail.acceptedAt))));
  });

  it('without a staff member nothing is accepted', async () => {
    core = await createCore({ dataDir: dir });
    await expect(core.handlers['erx:scanCode']({ text: core.seededTokens[0]! })).rejects.toMatchObject({
      appError: { code: 'staff-required' },
    });
  });
});
