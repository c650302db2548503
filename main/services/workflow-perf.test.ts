/**
 * Where the pharmacist waits: a scan answers with the whole case, and scan and
 * submission need no more fsync'd commits than their durability demands — the owed row BEFORE the call
 * (A_19169-01 / spec §3.10), everything the answer settles in ONE transaction after it. Commits are counted
 * from the WAL file itself (one commit frame per committed transaction, synchronous = FULL fsyncs each).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store';
import { createSimulatorHarness, type Prescribed, type SimulatorHarness } from './simulator-harness';
import type { WorkflowService } from './workflow';

/** Commit frames in the WAL (frame header bytes 4–7 = database size after commit, non-zero only on commits). */
function walCommits(dbFile: string): number {
  const walFile = `${dbFile}-wal`;
  if (!existsSync(walFile)) return 0;
  const wal = readFileSync(walFile);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt = wal.subarray(16, 24);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    // frames of an earlier WAL generation (after a checkpoint) carry other salts
    if (!wal.subarray(at + 8, at + 16).equals(salt)) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

let dir: string;
let file: string;
let h: SimulatorHarness;
let store: Store;
let workflow: WorkflowService;
let p1: Prescribed;
let ID1: Prescribed['id'];
let token: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erx-perf-'));
  file = join(dir, 'erx.db');
  h = await createSimulatorHarness('2026-10-05T08:30:00Z', { storeFile: file });
  ({ store, workflow } = h);
  p1 = await h.prescribe();
  ({ id: ID1, token } = p1);
});

afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scanCode answers with the case', () => {
  it('an accepted prescription comes with its whole case, equal to what getCase shows', async () => {
    const { results } = await workflow.scanCode(token);
    const result = results[0];
    if (!result?.ok) throw new Error('scan failed');
    expect(result.detail).toEqual(await workflow.getCase(ID1));
    expect(result.detail?.prescription?.patient.name).toBe((await h.store.cases.get(ID1))?.patientName);
    expect(result.detail?.patientName).toEqual(expect.stringMatching(/\S/));
    expect(result.detail?.draft).toHaveLength(1);
  });

  it('a re-scan of a held case (A_23801) comes with its whole case too', async () => {
    await workflow.scanCode(token);
    const { results } = await workflow.scanCode(token);
    const result = results[0];
    if (!result?.ok) throw new Error('scan failed');
    expect(result.outcome).toBe('existing');
    expect(result.detail).toEqual(await workflow.getCase(ID1));
  });

  it('commits twice: the owed $accept before the call, then Secret, case, draft and audit together', async () => {
    const before = walCommits(file);
    let committedDuringCall = -1;
    h.hooks.accept = () => {
      committedDuringCall = walCommits(file) - before;
    };
    await workflow.scanCode(token);
    expect(committedDuringCall).toBe(1);
    expect(walCommits(file) - before).toBe(2);
    expect(await store.pendingOperations.pendingFor(ID1, 'accept')).toEqual([]);
    expect((await store.audit.list(ID1)).map((a) => a.operation)).toEqual(['accept']);
  });

  it('a prescription mapping that throws still leaves the Secret stored (A_19169-01)', async () => {
    h.codecs.readPrescription = () => {
      throw new Error('kaputt');
    };
    const { results } = await workflow.scanCode(token);
    expect(results[0]?.ok).toBe(true);
    const record = await store.cases.get(ID1);
    expect(record?.secret).toBe(h.task(ID1).secret);
    expect(record?.prescriptionError).toContain('kaputt');
  });
});

describe('submitDispense commits', () => {
  it('commits twice: the pending submission before the call, the whole confirmation after it', async () => {
    const draft = await h.accept(p1);
    const before = walCommits(file);
    let committedDuringCall = -1;
    h.hooks.dispense = () => {
      committedDuringCall = walCommits(file) - before;
    };
    const detail = await workflow.submitDispense(ID1, draft);
    expect(committedDuringCall).toBe(1);
    expect(walCommits(file) - before).toBe(2);
    expect(detail.status).toBe('dispensed');
    expect(detail.hasUnsentChanges).toBe(false);
    expect(await store.pendingOperations.pending()).toEqual([]);
  });
});
