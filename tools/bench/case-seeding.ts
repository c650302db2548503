/**
 * 10,000 local cases for the inbox benchmark, written straight into the training store of a
 * browser-mode data folder while the app is stopped — opened the way main/core.ts opens it (storeDirOf(dataDir,
 * true), the key file, the KVNR HMAC key), all in one transaction.
 *
 * The records are copies of one real case the app accepted (its QES, prescription XML and prescription view, so the
 * rows weigh what real rows weigh), each with its own PrescriptionID, fictional patient (name, valid KVNR) and
 * medication, at a spread of times over the past year: the newest few still open (in Abgabe / übermittelt), the rest
 * mostly closed, some returned or deleted — whose personal data is erased as the app erases it (A_19251).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, addMonths, berlinDate } from '../../shared/erezept/dates';
import { kvnrCheckDigit, makePrescriptionId } from '../../shared/erezept/identifiers';
import type { CaseStatus } from '../../shared/ipc/contract';
import type { CaseRecord } from '../../main/store/cases';
import { openDataProtection } from '../../main/store/data-protection';
import { loadOrCreateKey } from '../../main/store/kvnr-key';
import { openStore, type Store } from '../../main/store/store';
import { storeDirOf } from '../../main/training/data-layout';

const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Emma',
  'Felix',
  'Greta',
  'Hannes',
  'Ida',
  'Jonas',
  'Karla',
  'Lukas',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
  'Rosa',
  'Simon',
  'Tilda',
  'Uwe',
  'Vera',
  'Walter',
  'Yvonne',
  'Zoe',
  'Erika',
  'Heinz',
  'Gisela',
  'Jürgen',
  'Ursula',
  'Klaus',
];
const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Schäfer',
  'Koch',
  'Bauer',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Schmitt',
  'Werner',
  'Schmitz',
  'Krause',
  'Meier',
  'Lehmann',
  'Schmid',
  'Schulze',
  'Maier',
  'Köhler',
  'Herrmann',
  'König',
  'Walter',
  'Mayer',
  'Huber',
];
const MEDICATIONS = [
  'Sumatriptan-1a Pharma 100 mg Tabletten',
  'Ibuprofen AL 400 mg Filmtabletten',
  'Metformin Atid 500 mg Filmtabletten',
  'Ramipril-ratiopharm 5 mg Tabletten',
  'Pantoprazol TAD 20 mg magensaftresistente Tabletten',
  'Amlodipin Dexcel 5 mg Tabletten',
  'Simvastatin-CT 20 mg Filmtabletten',
  'L-Thyroxin Henning 75 µg Tabletten',
  'Salbutamol-ratiopharm N Dosieraerosol',
  'Amoxicillin AL 1000 mg Filmtabletten',
];

/** the newest cases are still being worked on; everything older was finished one way or another */
const OPEN_CASES = 60;
/** PrescriptionID sequences far above what the simulator hands out in a bench run */
const SEQUENCE_BASE = 700_000_000n;
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A small deterministic PRNG (mulberry32), so every run seeds the same cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function kvnrOf(n: number): string {
  const letter = String.fromCharCode(65 + (n % 26));
  const eight = String(10_000_000 + n).slice(-8);
  return `${letter}${eight}${kvnrCheckDigit(letter, eight)}`;
}

const hex64 = (next: () => number): string =>
  Array.from({ length: 64 }, () => Math.floor(next() * 16).toString(16)).join('');

/** `count` cases modelled on `template`, newest first; `now` is the newest acceptance. */
export function seededCaseRecords(template: CaseRecord, count: number, now: Date, seed = 8): CaseRecord[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const accepted = new Date(now.getTime() - Math.floor((i * YEAR_MS) / count) - 60_000);
    const acceptedAt = accepted.toISOString();
    const day = berlinDate(accepted);
    const roll = next();
    const status: CaseStatus =
      i < OPEN_CASES
        ? roll < 0.5
          ? 'accepted'
          : 'dispensed'
        : roll < 0.9
          ? 'closed'
          : roll < 0.95
            ? 'rejected'
            : 'aborted';
    const prescriptionId = makePrescriptionId('160', SEQUENCE_BASE + BigInt(i));
    const base: CaseRecord = {
      prescriptionId,
      flowType: '160',
      status,
      acceptedAt,
      acceptedBy: i % 3 === 0 ? 'CD' : 'AB',
      acceptDate: addDays(day, 28),
      expiryDate: addMonths(day, 3),
      updatedAt: acceptedAt,
    };
    if (status === 'rejected' || status === 'aborted') {
      // after $reject/$abort only PrescriptionID, status, times and staff remain (A_19251)
      const endedAt = new Date(accepted.getTime() + 5 * 60_000).toISOString();
      return { ...base, updatedAt: endedAt, endedAt, endedBy: base.acceptedBy };
    }
    const patientName = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`;
    const kvnr = kvnrOf(i);
    const medicationLabel = pick(MEDICATIONS);
    const dispensedAt = new Date(accepted.getTime() + 10 * 60_000).toISOString();
    const closedAt = new Date(accepted.getTime() + 15 * 60_000).toISOString();
    const prescription = template.prescription && {
      ...template.prescription,
      prescriptionId,
      patient: { ...template.prescription.patient, name: patientName, kvnr },
    };
    return {
      ...base,
      ...(status === 'accepted'
        ? {}
        : { lastDispenseAt: dispensedAt, lastConfirmedAt: dispensedAt, lastHandoverDate: day }),
      ...(status === 'closed' ? { closedAt, updatedAt: closedAt } : {}),
      unsentChanges: status === 'accepted',
      patientName,
      kvnr,
      medicationLabel,
      accessCode: hex64(next) as CaseRecord['accessCode'],
      secret: hex64(next) as CaseRecord['secret'],
      ...(template.qes ? { qes: template.qes } : {}),
      ...(prescription ? { prescription } : {}),
      ...(template.prescriptionXml ? { prescriptionXml: template.prescriptionXml } : {}),
    };
  });
}

/** Opens the training store of `dataDir` as main/core.ts does (browser mode: key file, no keychain). */
export function openTrainingStore(dataDir: string): Store {
  const storeDir = storeDirOf(dataDir, true);
  mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const protection = openDataProtection({ dataDir: storeDir });
  return openStore({
    file: join(storeDir, 'erx.db'),
    cipher: protection.cipher,
    hmacKey: loadOrCreateKey(join(storeDir, 'store.key')),
  });
}

/** Writes the records in one transaction; the app must not be running. */
export async function seedCases(store: Store, records: readonly CaseRecord[]): Promise<void> {
  await store.transaction(async () => {
    for (const record of records) await store.cases.save(record);
  });
}

/**
 * What the inbox search finds for `query` (main/store/cases.ts `list`): a part of the PrescriptionID, the patient's
 * name or the medication, case-insensitive — erased cases only by their id; a whole KVNR exactly.
 */
export function expectedMatches(records: readonly CaseRecord[], query: string): CaseRecord[] {
  const text = query.trim();
  if (/^[A-Z][0-9]{9}$/.test(text.toUpperCase())) return records.filter((r) => r.kvnr === text.toUpperCase());
  const needle = text.toLocaleLowerCase('de');
  return records.filter((r) =>
    [r.prescriptionId, r.patientName, r.medicationLabel].some((v) =>
      v?.toLocaleLowerCase('de').includes(needle),
    ),
  );
}
