/**
 * From a Konnektor's `ReadVSD` answer to what `GET /Task?kvnr=…&hcv=…&pnw=…` needs (spec erezept-pharmacy §3.9),
 * plus whom the card names, so the pharmacist sees the patient at the counter before the list is asked for.
 * Takes the answer's fields as `KonnektorClient.readVsd` returns them (main/ti/konnektor) without importing it:
 * this folder depends on shared/ and Node only. Never throws.
 */
import type { Kvnr } from '../../shared/erezept/identifiers';
import { ok, type Result } from '../../shared/ipc/result';
import { EGK_FALLBACK, egkError, type EgkReadError } from './egk-error';
import { computeHcv } from './hcv';
import { readInsuranceData, readPersonalData, readProof, type PersonalData, type PnResult } from './vsd-documents';

/** The base64 fields of a ReadVSD answer (VSDService v5.2), as the Konnektor client returns them. */
export interface VsdAnswer {
  persoenlicheVersichertendaten: string;
  allgemeineVersicherungsdaten: string;
  pruefungsnachweis?: string;
}

export interface EgkProof {
  kvnr: Kvnr;
  hcv: string;
  /** the Prüfungsnachweis as the Konnektor returned it (base64 without whitespace); the caller URL-encodes it */
  pnw: string;
  /**
   * `E` of the Prüfungsnachweis. 3 = the online check was not possible: the Fachdienst refuses such a proof (454)
   * unless it runs in its „PN3“ mode (then 202) — the counter should say so before the list is asked for.
   */
  pnResult: PnResult;
  patient: {
    /** Titel Vorname Namenszusatz Vorsatzwort Nachname, e.g. „Dr. Tvsd von Gematik“ */
    name: string;
    /** yyyy-MM-dd; absent when the card gives the birth date only in part (month or day 00) */
    birthDate?: string;
  };
}

export function readEgkProof(answer: VsdAnswer): Result<EgkProof, EgkReadError> {
  if (answer.pruefungsnachweis === undefined || answer.pruefungsnachweis.trim() === '') {
    return egkError('no-proof', `Der Konnektor hat keinen Prüfungsnachweis der Online-Prüfung geliefert; ohne ihn lassen sich die E-Rezepte der Gesundheitskarte nicht abrufen. ${EGK_FALLBACK}`, 'ReadVSD: Pruefungsnachweis fehlt');
  }
  const proof = readProof(answer.pruefungsnachweis);
  if (!proof.ok) return proof;
  const personal = readPersonalData(answer.persoenlicheVersichertendaten);
  if (!personal.ok) return personal;
  const insurance = readInsuranceData(answer.allgemeineVersicherungsdaten);
  if (!insurance.ok) return insurance;
  const hcv = computeHcv(insurance.data.versicherungsbeginn, personal.data.strasse);
  if (!hcv.ok) return hcv;

  const birthDate = isoDate(personal.data.geburtsdatum);
  return ok({
    kvnr: personal.data.kvnr,
    hcv: hcv.data,
    pnw: answer.pruefungsnachweis.replace(/[ \t\r\n]+/g, ''),
    pnResult: proof.data.result,
    patient: { name: displayName(personal.data), ...(birthDate ? { birthDate } : {}) },
  });
}

function displayName(person: PersonalData): string {
  // the order of German names on cards and letters: „Dr. Peer Graf von Müller“
  return [person.titel, person.vorname, person.namenszusatz, person.vorsatzwort, person.nachname].filter((part) => part !== undefined).join(' ');
}

function isoDate(yyyymmdd: string): string | undefined {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)];
  return month === '00' || day === '00' ? undefined : `${year}-${month}-${day}`;
}
