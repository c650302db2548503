/**
 * The pharmacy's own pre-flight rules for a dispense list (spec §9.2, §9.3) — what the pharmacist should fix
 * or confirm before sending, on top of what the Fachdienst would reject (fachdienst-checks.ts). Never used by
 * the simulator: the Fachdienst does not check PZN check digits, securPharm data, deadlines, handover dates in the
 * future or prescribed vs dispensed (spec §3.4), and the simulator must not be stricter than the Fachdienst.
 * Paths use the dispense editor's terms (`entries.0.batch.lot`). Every rule, its source and whether it blocks:
 * docs/checks.md. Messages are for the pharmacist: dates as the field shows them (TT.MM.JJJJ), requirement ids only
 * in the comments here.
 */
import { germanDate, isIsoDate } from '../../erezept/dates';
import type { DispenseEntry } from '../../erezept/dispense-entry';
import type { Finding } from '../../erezept/findings';
import type { ArticleLookup } from '../../erezept/catalog/article-catalog';
import { parsePzn } from '../../erezept/identifiers';
import type { PrescriptionView } from '../../erezept/prescription';
import { dispensedPzn } from '../dispense/medication-dispense';
import { DispensingSafetyCodes, dispensingSafetyFindings } from './dispensing-safety';
import { applyOverrides } from './overrides';
import { latestDate, WORKFLOW_1_6_VALID_FROM } from './profile-version';
import { QuantityCodes } from './quantity-check';

export interface PharmacyCheckContext {
  /** the prescription as read from the QES bundle; null when it could not be read */
  prescription: PrescriptionView | null;
  flowType: string;
  /** Belieferungsfrist (Task.extension acceptDate) */
  acceptDate?: string;
  /** Einlösefrist (Task.extension expiryDate) */
  expiryDate?: string;
  /** German local date (A_27660) */
  today: string;
  /** the articles of the list's and the prescription's PZNs, resolved from the catalogue beforehand */
  articles: ArticleLookup;
}

export const PharmacyFindingCodes = {
  emptyList: 'PH_LIST_EMPTY',
  invalidDate: 'PH_DATE_INVALID',
  handoverInFuture: 'PH_HANDOVER_IN_FUTURE',
  preparedAfterHandover: 'PH_PREPARED_AFTER_HANDOVER',
  pre16: 'PH_DATE_BEFORE_WORKFLOW_1_6',
  pznCheckDigit: 'PH_PZN_CHECK_DIGIT',
  batchRequired: 'PH_BATCH_REQUIRED',
  batchExpired: 'PH_BATCH_EXPIRED',
  substitutionFlag: 'PH_SUBSTITUTION_FLAG',
  autIdem: 'PH_AUT_IDEM_EXCLUDED',
  afterAcceptDate: 'PH_AFTER_ACCEPT_DATE',
  afterExpiryDate: 'PH_AFTER_EXPIRY_DATE',
  tRezeptNoShipping: 'PH_T_REZEPT_NO_SHIPPING',
  tRezeptCategory: 'PH_T_REZEPT_CATEGORY',
  substanceDiffers: DispensingSafetyCodes.substanceDiffers,
  strengthDiffers: DispensingSafetyCodes.strengthDiffers,
  formDiffers: DispensingSafetyCodes.formDiffers,
  packSizeDiffers: DispensingSafetyCodes.packSizeDiffers,
  quantityMore: QuantityCodes.more,
  quantityLess: QuantityCodes.less,
  prescribedUnknown: DispensingSafetyCodes.prescribedUnknown,
  namePznMismatch: DispensingSafetyCodes.namePznMismatch,
} as const;
const C = PharmacyFindingCodes;

/** E-T-Rezept (§3a AMVV) flow type (spec §1.2). */
const T_REZEPT_FLOW = '166';

/** Every pharmacy rule on the list; findings the pharmacist overrode with a reason come back `overridden`. */
export function pharmacyChecks(entries: DispenseEntry[], ctx: PharmacyCheckContext): Finding[] {
  if (entries.length === 0) {
    return [{ severity: 'error', code: C.emptyList, message: 'Die Abgabeliste ist leer.', path: 'entries' }];
  }
  const findings: Finding[] = [];
  if (ctx.flowType === T_REZEPT_FLOW) {
    // A_27841, A_27842
    findings.push({ severity: 'info', code: C.tRezeptNoShipping, message: 'T-Rezept: kein Versand – Abgabe nur in der Apotheke.', path: 'entries' });
  }
  entries.forEach((entry, i) => findings.push(...entryFindings(entry, `entries.${i}`, ctx)));
  findings.push(...dispensingSafetyFindings(entries, ctx));
  findings.push(...workflowVersionFindings(entries));
  return applyOverrides(findings, entries);
}

function entryFindings(entry: DispenseEntry, path: string, ctx: PharmacyCheckContext): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], code: string, message: string, at: string): void => {
    findings.push({ severity, code, message, path: at });
  };

  // Dates and deadlines (A_23797–A_23800); all date-only values are German local dates (A_27660).
  const handedOver = entry.whenHandedOver;
  if (!isIsoDate(handedOver)) {
    add('error', C.invalidDate, 'Bitte ein gültiges Abgabedatum eingeben (TT.MM.JJJJ).', `${path}.whenHandedOver`);
  } else {
    // Pharmacy practice: nothing is handed over tomorrow. The Fachdienst does not check it (spec §3.4).
    if (handedOver > ctx.today) {
      add('error', C.handoverInFuture, `Das Abgabedatum ${germanDate(handedOver)} liegt in der Zukunft.`, `${path}.whenHandedOver`);
    }
    if (ctx.expiryDate && handedOver > ctx.expiryDate) {
      // A_23800: after the Einlösefrist supplying must not be possible.
      add(
        'error',
        C.afterExpiryDate,
        `Einlösefrist am ${germanDate(ctx.expiryDate)} abgelaufen: Das Rezept darf nicht mehr beliefert werden.`,
        `${path}.whenHandedOver`,
      );
    } else if (ctx.acceptDate && handedOver > ctx.acceptDate) {
      // A_23798, A_23799: warn, offer supply as a private prescription.
      add(
        'warning',
        C.afterAcceptDate,
        `Belieferungsfrist am ${germanDate(ctx.acceptDate)} überschritten: Abgabe nur noch als Privatrezept.`,
        `${path}.whenHandedOver`,
      );
    }
  }
  findings.push(...preparedFindings(entry, path));

  const med = entry.medication;
  if (med.kind === 'pzn' || med.kind === 'kombipackung') {
    const pzn = parsePzn(med.pzn.trim());
    if (!pzn.ok) add('error', C.pznCheckDigit, pzn.error.message, `${path}.medication.pzn`);
  }
  if (med.kind === 'rezeptur') {
    med.components.forEach((component, j) => {
      if (component.pzn === undefined || component.pzn.trim() === '') return;
      const pzn = parsePzn(component.pzn.trim());
      if (!pzn.ok) add('error', C.pznCheckDigit, pzn.error.message, `${path}.medication.components.${j}.pzn`);
    });
  }

  findings.push(...batchFindings(entry, path, ctx));
  findings.push(...prescriptionMatchFindings(entry, path, ctx));

  // §3a AMVV substances belong on a T-Rezept, and a T-Rezept is for them (spec §1.2).
  if (ctx.flowType === T_REZEPT_FLOW && med.category !== '02') {
    add('warning', C.tRezeptCategory, 'T-Rezept: Das abgegebene Arzneimittel ist nicht als Wirkstoff nach § 3a AMVV gekennzeichnet.', `${path}.medication`);
  } else if (ctx.flowType !== T_REZEPT_FLOW && med.category === '02') {
    add('warning', C.tRezeptCategory, 'Arzneimittel nach § 3a AMVV dürfen nur auf einem T-Rezept abgegeben werden.', `${path}.medication`);
  }
  return findings;
}

/** „Hergestellt am“ (whenPrepared) is a date, not after the handover (pharmacy practice; the Fachdienst checks only the format, spec §3.4). */
function preparedFindings(entry: DispenseEntry, path: string): Finding[] {
  const prepared = entry.whenPrepared;
  if (prepared === undefined) return [];
  if (!isIsoDate(prepared)) {
    return [{ severity: 'error', code: C.invalidDate, message: 'Bitte ein gültiges Herstellungsdatum eingeben (TT.MM.JJJJ).', path: `${path}.whenPrepared` }];
  }
  if (!isIsoDate(entry.whenHandedOver) || prepared <= entry.whenHandedOver) return [];
  return [
    {
      severity: 'error',
      code: C.preparedAfterHandover,
      message: `Hergestellt am ${germanDate(prepared)} liegt nach dem Abgabedatum ${germanDate(entry.whenHandedOver)}.`,
      path: `${path}.whenPrepared`,
    },
  ];
}

/** Batch and expiry from the securPharm code are mandatory for securPharm packs (A_21105-02). */
function batchFindings(entry: DispenseEntry, path: string, ctx: PharmacyCheckContext): Finding[] {
  const pzn = dispensedPzn(entry);
  const securPharm = pzn !== undefined && ctx.articles(pzn)?.securPharm === true;
  const lot = entry.batch?.lot.trim() ?? '';
  const expiry = entry.batch?.expiry ?? '';
  const findings: Finding[] = [];
  if (securPharm && !entry.batch) {
    findings.push({
      severity: 'error',
      code: C.batchRequired,
      message: 'securPharm-Packung: Charge und Verfalldatum fehlen – bitte den Packungscode scannen.',
      path: `${path}.batch`,
    });
    return findings;
  }
  if (securPharm && lot === '') {
    findings.push({ severity: 'error', code: C.batchRequired, message: 'securPharm-Packung: Die Charge fehlt.', path: `${path}.batch.lot` });
  }
  if (securPharm && expiry === '') {
    findings.push({ severity: 'error', code: C.batchRequired, message: 'securPharm-Packung: Das Verfalldatum fehlt.', path: `${path}.batch.expiry` });
  }
  if (expiry !== '' && isIsoDate(expiry) && isIsoDate(entry.whenHandedOver) && expiry < entry.whenHandedOver) {
    findings.push({
      severity: 'error',
      code: C.batchExpired,
      message: `Die Charge ist am ${germanDate(expiry)} verfallen – verfallene Ware darf nicht abgegeben werden.`,
      path: `${path}.batch.expiry`,
    });
  }
  return findings;
}

/**
 * The substitution flag and aut idem. A_28417: for a PZN prescription wasSubstituted is set, true exactly when the
 * dispensed PZN differs from the prescribed one. On a Wirkstoff-, Freitext- or Rezeptur-prescription the pharmacy
 * chooses the product anyway — nothing is „ausgetauscht“, so a set flag is a leftover (the builder sends it only
 * when set).
 */
function prescriptionMatchFindings(entry: DispenseEntry, path: string, ctx: PharmacyCheckContext): Finding[] {
  const prescribed = ctx.prescription?.medication;
  if (prescribed === undefined) return [];
  const flag = (message: string): Finding => ({ severity: 'warning', code: C.substitutionFlag, message, path: `${path}.substituted` });
  if (prescribed.kind !== 'pzn') {
    return entry.substituted === undefined ? [] : [flag('Austausch-Kennzeichen gilt nur für PZN-Verordnungen.')];
  }
  const findings: Finding[] = [];
  const differs = dispensedPzn(entry) !== prescribed.pzn.trim();
  if (differs && entry.substituted === undefined) {
    findings.push(flag('Die abgegebene PZN weicht von der verordneten ab: Austausch bitte bestätigen (wird als „ausgetauscht“ übermittelt).'));
  } else if (differs && entry.substituted === false) {
    findings.push(flag('Nicht als „ausgetauscht“ markiert, obwohl die abgegebene PZN von der verordneten abweicht.'));
  } else if (!differs && entry.substituted === true) {
    findings.push(flag('Als „ausgetauscht“ markiert, obwohl die verordnete PZN abgegeben wird.'));
  }
  if (differs && ctx.prescription?.request.autIdemExcluded) {
    findings.push({
      severity: 'warning',
      code: C.autIdem,
      message: 'Aut idem ist ausgeschlossen, aber es wird ein anderes Präparat als verordnet abgegeben.',
      path: `${path}.medication`,
    });
  }
  return findings;
}

/** 1.6 only: the newest handover date decides the profile version (A_27047-01, A_23384-05). */
function workflowVersionFindings(entries: DispenseEntry[]): Finding[] {
  const dates = entries.map((e) => e.whenHandedOver).filter(isIsoDate);
  const newest = latestDate(dates);
  if (newest === undefined || newest >= WORKFLOW_1_6_VALID_FROM) return [];
  return [
    {
      severity: 'error',
      code: C.pre16,
      message:
        `Abgabedatum ${germanDate(newest)} liegt vor dem ${germanDate(WORKFLOW_1_6_VALID_FROM)}: ` +
        'Abgabedaten werden nur nach Workflow 1.6 erstellt.',
      path: `entries.${entries.findIndex((e) => e.whenHandedOver === newest)}.whenHandedOver`,
    },
  ];
}
