/**
 * Erasure after $reject/$abort on the shared store (A_19251; issue 18 item 7, docs/multi-counter.md §6; README
 * „Reliability and security“: personal data erased): counter 1 takes a prescription over from the patient's
 * Zuweisung, answers it and dispenses — patient name, KVNR, AccessCode, Secret, QES, prescription, lists and the
 * messages' content now lie encrypted in cases, drafts, submissions, pending_operations and messages; counter 2 has
 * the case open (read-only, counter 1 holds it); counter 1 ends it. Afterwards
 * - no row holds any of the old `*_enc` values any more, and
 * - neither do the raw pages of those tables and their TOAST tables (pageinspect's get_raw_page, every byte of a
 *   page, its free space included): PostgreSQL leaves an updated or deleted row version in its page until VACUUM
 *   reclaims it — and a reclaimed version's bytes stay in the page's free space until overwritten, readable in the
 *   table file. The app cleans up after the erasure asynchronously (WorkflowKit afterErasure), so the test polls,
 *   at most 10 s;
 * - counter 2 shows the case without personal data, and its name no longer finds it there.
 * Before the end the same search finds every value in the pages: it would see a copy that stayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import { prescriptionIdOf } from './support/consistency';
import { listWithBatch } from './support/in-process-app';
import { pollUntil } from './support/poll';
import { startSharedPharmacy, type SharedCounter, type SharedPharmacy } from './support/shared-counters';

/** Where an erasure leaves personal data (case-ending.ts finishEnd): each with its TOAST table. */
const ERASED_TABLES = ['cases', 'drafts', 'submissions', 'pending_operations', 'messages'] as const;
/** VACUUM runs after the erasure, not in it: bounded wait for it (§6) */
const CLEAN_WITHIN_MS = 10_000;
/**
 * A value is searched in pieces: a TOASTed value is cut into chunks of ~2 KB, so the whole text is never in one
 * place. 32 characters of base64 ciphertext (192 random bits) cannot occur by chance.
 */
const PIECE = 32;

let pharmacy: SharedPharmacy;
let kasse1: SharedCounter;
let kasse2: SharedCounter;

beforeAll(async () => {
  pharmacy = await startSharedPharmacy();
  kasse1 = await pharmacy.startCounter('Kasse 1', 'AB');
  kasse2 = await pharmacy.startCounter('Kasse 2', 'CD');
  // reading raw pages is the superuser's (pageinspect ships with Debian's postgresql package)
  await pharmacy.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
}, 60_000);

afterAll(async () => {
  await pharmacy?.close();
});

/** One encrypted value of the prescription as it is stored before the end, and where. */
interface StoredValue {
  where: string;
  value: string;
}

/** Every non-NULL `*_enc` value of the prescription's rows in the erased tables. */
async function encryptedValuesOf(id: PrescriptionId): Promise<StoredValue[]> {
  const found: StoredValue[] = [];
  for (const table of ERASED_TABLES) {
    const columns = await pharmacy.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND column_name LIKE '%\\_enc' ORDER BY column_name`,
      [table],
    );
    for (const { column_name: column } of columns) {
      const rows = await pharmacy.query<{ value: string }>(`SELECT ${column} AS value FROM ${table} WHERE prescription_id = $1 AND ${column} IS NOT NULL`, [id]);
      for (const { value } of rows) found.push({ where: `${table}.${column}`, value });
    }
  }
  return found;
}

/** The bytes of every page of each erased table and of its TOAST table, as the server holds them now. */
async function rawPages(): Promise<{ relation: string; bytes: Buffer }[]> {
  const relations = await pharmacy.query<{ relation: string; pages: number }>(
    `SELECT c.oid::regclass::text AS relation, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c
      WHERE c.oid IN (SELECT unnest($1::text[])::regclass)
         OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE oid IN (SELECT unnest($1::text[])::regclass))`,
    [[...ERASED_TABLES]],
  );
  const pages: { relation: string; bytes: Buffer }[] = [];
  for (const { relation, pages: count } of relations) {
    const rows = await pharmacy.query<{ page: Buffer }>('SELECT get_raw_page($1, n) AS page FROM generate_series(0, $2::int - 1) AS n ORDER BY n', [relation, count]);
    pages.push({ relation, bytes: Buffer.concat(rows.map((r) => r.page)) });
  }
  return pages;
}

/** Every table's rows as text (what a SELECT shows anyone with access to the database). */
async function allRows(): Promise<string> {
  const tables = await pharmacy.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = await pharmacy.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    parts.push(`${table}: ${rows.map((r) => r.row).join(',')}`);
  }
  return parts.join('\n');
}

function piecesOf(value: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i + PIECE <= value.length; i += PIECE) pieces.push(value.slice(i, i + PIECE));
  return pieces.length > 0 ? pieces : [value];
}

/** Which old values still show, and where (a piece found is a copy that stayed). */
function copiesIn(haystacks: { relation: string; bytes: Buffer }[], values: StoredValue[]): string[] {
  const found: string[] = [];
  for (const { where, value } of values) {
    for (const { relation, bytes } of haystacks) {
      if (piecesOf(value).some((piece) => bytes.includes(piece, 0, 'latin1'))) found.push(`${where} in ${relation}`);
    }
  }
  return found;
}

/** What counter 1 stores for one prescription: a Zuweisung with the patient's wish, the case, a reply, a dispense. */
async function caseWithPersonalData(lot: string): Promise<{ id: PrescriptionId; patientName: string; kvnr: string }> {
  const { fd, handle } = pharmacy.sim;
  const prescription = await fd.createPrescription();
  const { pharmacy: own } = await kasse1.handlers['erx:getPharmacySetup']({});
  const assigned = await fetch(`${handle.url}/_sim/communications/dispreq`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ taskId: prescription.taskId, pharmacy: own.telematikId, supplyOptionsType: 'onPremise', name: 'Erika Mustermann', phone: '030 123456' }),
  });
  expect(assigned.status).toBe(201);
  // fetched by this call or by counter 1's poller, which the simulator's ping may have woken first (it is the owner)
  await kasse1.handlers['erx:refreshMessages']({});
  const inbox = await pollUntil(() => kasse1.handlers['erx:listMessages']({}), (i) => i.requests.some((r) => r.prescriptionId === prescription.taskId), {
    what: 'the Zuweisung at Kasse 1',
  });
  const request = inbox.requests.find((r) => r.prescriptionId === prescription.taskId);
  expect(await kasse1.handlers['erx:acceptMessage']({ communicationId: request!.communicationId })).toMatchObject({ ok: true, outcome: 'accepted' });
  const id = prescriptionIdOf(prescription.taskId);
  await kasse1.handlers['erx:sendReply']({ prescriptionId: id, text: 'Ihr Arzneimittel liegt bereit. Abholcode: K7M2QX', pickUpCode: 'K7M2QX', availability: '10' });
  const detail = await kasse1.handlers['erx:getCase']({ prescriptionId: id });
  expect(await kasse1.handlers['erx:submitDispense']({ prescriptionId: id, entries: listWithBatch(detail, lot) })).toMatchObject({ outcome: 'sent' });
  // a later correction left as a draft (drafts.entries_enc)
  await kasse1.handlers['erx:saveDraft']({ prescriptionId: id, entries: listWithBatch(detail, `${lot}-ENTWURF`) });
  const patientName = detail.prescription?.patient.name ?? '';
  expect(patientName).not.toBe('');
  return { id, patientName, kvnr: prescription.kvnr };
}

describe('erasure after the end of a case, two counters on one PostgreSQL', () => {
  it.each(['reject', 'abort'] as const)('after $%s neither a row nor a raw table page holds the old ciphertext; the other counter shows nothing personal', async (kind) => {
    const { id, patientName, kvnr } = await caseWithPersonalData(`ERASE-${kind.toUpperCase()}`);
    // counter 2 opens the case: it sees the patient, read-only (counter 1 holds it)
    const seen = await kasse2.handlers['erx:getCase']({ prescriptionId: id });
    expect(seen.prescription?.patient.name).toBe(patientName);
    expect(await kasse2.handlers['erx:holdCase']({ prescriptionId: id })).toMatchObject({ mine: false, counter: 'Kasse 1' });

    const old = await encryptedValuesOf(id);
    const kinds = new Set(old.map((v) => v.where));
    for (const where of ['cases.secret_enc', 'cases.access_code_enc', 'cases.qes_enc', 'cases.prescription_enc', 'cases.summary_enc', 'drafts.entries_enc', 'submissions.entries_enc', 'messages.content_enc']) {
      expect(kinds, `${where} stored before the end`).toContain(where);
    }
    // the search sees them where they are: every value in some page (a copy that stayed would be found)
    const before = await rawPages();
    for (const value of old) expect(copiesIn(before, [value]), `${value.where} found in the raw pages`).not.toEqual([]);

    const ended = kind === 'reject' ? await kasse1.handlers['erx:rejectCase']({ prescriptionId: id, confirmed: true }) : await kasse1.handlers['erx:abortCase']({ prescriptionId: id, confirmed: true });
    expect(ended.status).toBe(kind === 'reject' ? 'rejected' : 'aborted');

    // the rows at once (one transaction with the end); the pages once the VACUUM after it has run
    expect(copiesIn([{ relation: 'rows', bytes: Buffer.from(await allRows(), 'latin1') }], old)).toEqual([]);
    await pollUntil(async () => copiesIn(await rawPages(), old), (copies) => copies.length === 0, {
      what: 'no copy of the erased values in the raw pages',
      timeoutMs: CLEAN_WITHIN_MS,
      intervalMs: 100,
    });

    // counter 2: the case without personal data, not found by the patient's name or KVNR any more
    const after = await pollUntil(() => kasse2.handlers['erx:getCase']({ prescriptionId: id }), (d) => d.status === ended.status, { what: 'Kasse 2 sees the end' });
    expect(after.prescription).toBeNull();
    expect(JSON.stringify(after)).not.toContain(patientName);
    expect(JSON.stringify(after)).not.toContain(kvnr);
    for (const query of [patientName, kvnr]) {
      const { cases } = await kasse2.handlers['erx:listCases']({ query, limit: 1000 });
      expect(cases.map((c) => c.prescriptionId)).not.toContain(id);
    }
  });
});
