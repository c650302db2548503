/**
 * Exactly what the Fachdienst rejects in a $dispense / $close body (spec §3.4, §3.5, §5, §6, §8) — with 400,
 * or "Unzulässige Abgabeinformationen …" for non-drug dispense profiles. Used by the simulator (which must not be
 * stricter than the real Fachdienst) and by the pharmacy's pre-flight. Pharmacy-side rules (check digits,
 * securPharm, deadlines, a handover date in the future, „hergestellt“ after the handover — spec §3.4 lists only the
 * date FORMAT among the Fachdienst's checks) live in pharmacy-checks.ts and never here. docs/checks.md lists both.
 *
 * Every finding is reported, in the order the Fachdienst checks (body shape → profile versions → profile rules
 * → business rules), so findings[0] is the one the Fachdienst would answer with. Not covered here: secret, Task
 * status and the "no stored dispense data" case of an empty $close (spec §3.1) — those need the Task.
 */
import { germanDate, isIsoDate } from '../../erezept/dates';
import type { Finding } from '../../erezept/findings';
import { NamingSystems, Profiles } from '../profiles';
import { dosageFindings } from './dosage-check';
import { asArray, asObject, asString, isJsonObject, type JsonObject } from './json';
import { latestDate, majorMinor, profileVersionFor, splitCanonical } from './profile-version';
import { readRxDispensations, type RxDispensation } from './rx-dispensations';

export interface FachdienstCheckContext {
  operation: 'dispense' | 'close';
  prescriptionId: string;
  /** Task.for */
  kvnr: string;
  /** the caller's Telematik-ID (idNummer of the access token) */
  telematikId: string;
  now: Date;
}

export const FachdienstFindingCodes = {
  notParameters: 'FD_NOT_PARAMETERS',
  parametersProfile: 'FD_PARAMETERS_PROFILE',
  noDispensation: 'FD_NO_DISPENSATION',
  medicationMissing: 'FD_MEDICATION_MISSING',
  profileVersionMissing: 'FD_PROFILE_VERSION_MISSING',
  profileVersionMixed: 'FD_PROFILE_VERSION_MIXED',
  profileVersionNotValid: 'FD_PROFILE_VERSION_NOT_VALID',
  medicationProfile: 'FD_MEDICATION_PROFILE',
  medicationEmpty: 'FD_MEDICATION_EMPTY',
  statusNotCompleted: 'FD_STATUS_NOT_COMPLETED',
  dateFormat: 'FD_DATE_FORMAT',
  medicationReference: 'FD_MEDICATION_REFERENCE',
  notDrugDispense: 'FD_MEDICATION_DISPENSE_NOT_DRUG',
  prescriptionIdMismatch: 'FD_PRESCRIPTION_ID_MISMATCH',
  kvnrMismatch: 'FD_KVNR_MISMATCH',
  telematikIdMismatch: 'FD_TELEMATIK_ID_MISMATCH',
} as const;
const C = FachdienstFindingCodes;

/** Specified answer to a non-drug dispense profile in flows 160/166/169/200/209 (spec §3.4, A_26002). */
const NOT_DRUG_TEXT = 'Unzulässige Abgabeinformationen: Für diesen Workflow sind nur Abgabeinformationen für Arzneimittel zulässig.';

/** The text the Fachdienst itself puts into OperationOutcome.details.text, where it is known (FD 1.22). */
const fachdienstTexts: Partial<Record<string, string>> = {
  [C.notDrugDispense]: NOT_DRUG_TEXT,
  [C.prescriptionIdMismatch]: 'Prescription ID in MedicationDispense does not match the one in the task',
  [C.kvnrMismatch]: 'KVNR in MedicationDispense does not match the one in the task',
  [C.telematikIdMismatch]: 'Telematik-ID in MedicationDispense does not match the one in the access token.',
};

/** For the simulator's OperationOutcome: the Fachdienst's own wording where known, else the German message. */
export function fachdienstDetailsText(finding: Finding): string {
  return fachdienstTexts[finding.code] ?? finding.message;
}

type Report = (code: string, message: string, path: string) => void;

/** Parameters as JSON (the simulator converts XML bodies first). */
export function fachdienstChecks(parameters: unknown, ctx: FachdienstCheckContext): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (code, message, path) => findings.push({ severity: 'error', code, message, path });

  if (!isJsonObject(parameters) || parameters.resourceType !== 'Parameters') {
    report(C.notParameters, 'Der Inhalt der Anfrage ist keine FHIR-Ressource Parameters.', 'resourceType');
    return findings;
  }
  const expectedProfile = ctx.operation === 'dispense' ? Profiles.dispenseInput : Profiles.closeInput;
  const parametersProfile = singleProfile(parameters);
  if (!parametersProfile || parametersProfile.url !== expectedProfile) {
    const name = expectedProfile.split('/').pop() ?? expectedProfile;
    report(C.parametersProfile, `Parameters muss genau das Profil ${name} tragen.`, 'meta.profile');
    return findings;
  }

  const { dispensations, findings: shapeFindings } = readRxDispensations(parameters);
  findings.push(...shapeFindings);
  if (shapeFindings.length > 0) return findings;
  if (ctx.operation === 'dispense' && dispensations.length === 0) {
    report(C.noDispensation, '$dispense braucht mindestens ein „rxDispensation“.', 'parameter');
    return findings;
  }
  // A non-drug dispense (e.g. DiGA) gets the one answer the specification prescribes for it (spec §3.4, A_26002).
  const drugDispensations = dispensations.filter((d) => {
    if (singleProfile(d.medicationDispense)?.url === Profiles.medicationDispense) return true;
    report(C.notDrugDispense, NOT_DRUG_TEXT, `${d.medicationDispensePath}.meta.profile`);
    return false;
  });
  for (const d of drugDispensations) checkMedicationPart(d, ctx, report);
  checkProfileVersions(parametersProfile, dispensations, ctx, report);
  for (const d of drugDispensations) checkProfileRules(d, report);
  for (const d of drugDispensations) checkBusinessRules(d, ctx, report);
  return findings;
}

function singleProfile(resource: JsonObject): { url: string; version?: string } | undefined {
  const profiles = asArray(asObject(resource.meta)?.profile);
  const profile = asString(profiles[0]);
  return profiles.length === 1 && profile ? splitCanonical(profile) : undefined;
}

/**
 * medication 1..1 for $dispense; for $close 0..1, but present whenever the dispense references one
 * (invariant workflow-parameters-close-medication-exists, spec §5).
 */
function checkMedicationPart(d: RxDispensation, ctx: FachdienstCheckContext, report: Report): void {
  if (d.medication) return;
  const needed = ctx.operation === 'dispense' || asObject(d.medicationDispense.medicationReference)?.reference !== undefined;
  if (needed) report(C.medicationMissing, 'Dem „rxDispensation“ fehlt der Teil „medication“.', `parameter[${d.index}].part`);
}

/**
 * One version across Parameters, MedicationDispense and Medication, and that version valid at
 * max(whenHandedOver) (A_23384-05, A_27047-01).
 */
function checkProfileVersions(
  parametersProfile: { url: string; version?: string },
  dispensations: RxDispensation[],
  ctx: FachdienstCheckContext,
  report: Report,
): void {
  const versioned: { path: string; version?: string }[] = [{ path: 'meta.profile', version: parametersProfile.version }];
  for (const d of dispensations) {
    versioned.push({ path: `${d.medicationDispensePath}.meta.profile`, version: singleProfile(d.medicationDispense)?.version });
    if (d.medication && d.medicationPath) {
      versioned.push({ path: `${d.medicationPath}.meta.profile`, version: singleProfile(d.medication)?.version });
    }
  }
  const missing = versioned.filter((v) => !v.version);
  for (const m of missing) report(C.profileVersionMissing, 'meta.profile muss genau ein Profil mit Version (…|1.6) enthalten.', m.path);
  if (missing.length > 0) return;

  const versions = new Set(versioned.map((v) => majorMinor(v.version ?? '')));
  if (versions.size > 1) {
    report(
      C.profileVersionMixed,
      `Alle Profile einer Anfrage müssen dieselbe Version haben (gefunden: ${[...versions].sort().join(', ')}).`,
      'meta.profile',
    );
    return;
  }
  const handoverDates = dispensations
    .map((d) => asString(d.medicationDispense.whenHandedOver))
    .filter((s): s is string => s !== undefined && s.length === 10 && isIsoDate(s));
  if (handoverDates.length !== dispensations.length) return; // the date format finding follows in the profile rules
  const newest = latestDate(handoverDates);
  const [version] = versions;
  if (newest === undefined || version === undefined) return;
  const valid = profileVersionFor(newest, ctx.now);
  if (!valid.includes(version as '1.5' | '1.6')) {
    report(
      C.profileVersionNotValid,
      `Profilversion ${version} ist für das Abgabedatum ${germanDate(newest)} nicht zulässig` +
        (valid.length > 0 ? ` (zulässig: ${valid.join(', ')}).` : '.'),
      'meta.profile',
    );
  }
}

/** Profile constraints of GEM_ERP_PR_MedicationDispense / GEM_ERP_PR_Medication (spec §6.2, §6.4). */
function checkProfileRules(d: RxDispensation, report: Report): void {
  const md = d.medicationDispense;
  const p = d.medicationDispensePath;
  if (md.status !== 'completed') report(C.statusNotCompleted, 'MedicationDispense.status muss „completed“ sein.', `${p}.status`);

  // workflow-abgabeDatumsFormat: date only, string length 10. The format is all the Fachdienst checks about the
  // dates (spec §3.4): neither a handover in the future nor „hergestellt“ after the handover (pharmacy-checks.ts).
  const handedOver = asString(md.whenHandedOver);
  if (handedOver === undefined || handedOver.length !== 10 || !isIsoDate(handedOver)) {
    report(C.dateFormat, 'Das Abgabedatum muss ein gültiges Datum ohne Uhrzeit sein.', `${p}.whenHandedOver`);
  }
  if (md.whenPrepared !== undefined) {
    const prepared = asString(md.whenPrepared);
    if (prepared === undefined || prepared.length !== 10 || !isIsoDate(prepared)) {
      report(C.dateFormat, 'Das Herstellungsdatum muss ein gültiges Datum ohne Uhrzeit sein.', `${p}.whenPrepared`);
    }
  }

  // workflow-parameters-close-dispense-medication-references: last segment after '/' or ':' = Medication.id.
  const reference = asString(asObject(md.medicationReference)?.reference);
  if (reference === undefined) {
    report(C.medicationReference, 'MedicationDispense.medicationReference fehlt.', `${p}.medicationReference`);
  } else if (d.medication) {
    const target = reference.split(/[/:]/).pop();
    if (target === undefined || target === '' || target !== asString(d.medication.id)) {
      report(
        C.medicationReference,
        'medicationReference verweist nicht auf die Medication desselben „rxDispensation“.',
        `${p}.medicationReference.reference`,
      );
    }
  }

  const version = singleProfile(md)?.version;
  if (version !== undefined && majorMinor(version) === '1.6') {
    for (const f of dosageFindings(md, p)) report(f.code, f.message, f.path ?? p);
  }

  if (d.medication && d.medicationPath) {
    const m = d.medication;
    if (singleProfile(m)?.url !== Profiles.medication) {
      report(C.medicationProfile, 'Medication muss das Profil GEM_ERP_PR_Medication tragen.', `${d.medicationPath}.meta.profile`);
    }
    // epa-med-1: code.exists() or ingredient.exists()
    if (!isJsonObject(m.code) && asArray(m.ingredient).length === 0) {
      report(C.medicationEmpty, 'Medication braucht eine Bezeichnung (code) oder Bestandteile (ingredient) (epa-med-1).', d.medicationPath);
    }
  }
}

/** What the Fachdienst's operation handler checks after validation (spec §3.4, A_24281-02). */
function checkBusinessRules(d: RxDispensation, ctx: FachdienstCheckContext, report: Report): void {
  const md = d.medicationDispense;
  const p = d.medicationDispensePath;
  const identifiers = asArray(md.identifier).map(asObject);
  const prescriptionIdIndex = identifiers.findIndex((i) => i?.system === NamingSystems.prescriptionId);
  const prescriptionId = asString(identifiers[prescriptionIdIndex]?.value);
  if (prescriptionId !== ctx.prescriptionId) {
    report(
      C.prescriptionIdMismatch,
      'Die Rezept-ID der Abgabe stimmt nicht mit dem Rezept überein.',
      prescriptionIdIndex < 0 ? `${p}.identifier` : `${p}.identifier[${prescriptionIdIndex}].value`,
    );
  }

  const subject = asObject(asObject(md.subject)?.identifier);
  if (subject?.system !== NamingSystems.kvnr || asString(subject.value) !== ctx.kvnr) {
    report(C.kvnrMismatch, 'Die KVNR der Abgabe stimmt nicht mit der des Rezepts überein.', `${p}.subject.identifier`);
  }

  const performers = asArray(md.performer);
  const actor = asObject(asObject(asObject(performers[0])?.actor)?.identifier);
  if (performers.length !== 1 || actor?.system !== NamingSystems.telematikId || asString(actor.value) !== ctx.telematikId) {
    report(
      C.telematikIdMismatch,
      'Die Telematik-ID der Abgabe stimmt nicht mit der der abgebenden Apotheke überein.',
      `${p}.performer[0].actor.identifier`,
    );
  }
}
