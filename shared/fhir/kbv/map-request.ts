/**
 * KBV_PR_ERP_Prescription (MedicationRequest) 1.3 / 1.4 → the request part of the PrescriptionView
 * (field mapping: KBV Technische Anlage ERP 1.73, table 45).
 */
import type { Finding } from '../../erezept/findings';
import type { PrescriptionView } from '../../erezept/prescription';
import { err, ok, type Result } from '../../ipc/result';
import {
  bool,
  decimal,
  extensionOf,
  extensionsOf,
  identifierValue,
  type Json,
  rec,
  records,
  str,
} from './fhir-json';
import { KbvExtensions } from './kbv-urls';
import { malformed, type ReadError } from './read-error';

type Request = PrescriptionView['request'];

export function mapRequest(request: Json, findings: Finding[]): Result<Request, ReadError> {
  // Anzahl der verordneten Packungen (field 113): an integer > 0 since KBV 1.3.
  const quantity = decimal(rec(rec(request['dispenseRequest'])?.['quantity'])?.['value']);
  if (quantity === undefined) return err(malformed('Die Verordnung enthält keine Packungsanzahl.'));
  if (!Number.isInteger(quantity) || quantity <= 0) {
    findings.push({
      severity: 'warning',
      code: 'quantity-invalid',
      message: `Die verordnete Packungsanzahl ${quantity} ist keine positive ganze Zahl.`,
      path: 'MedicationRequest.dispenseRequest.quantity',
    });
  }

  const dosage = readDosage(request);
  if (dosage.dosageFlag === true && dosage.dosageText === undefined) {
    findings.push({
      severity: 'warning',
      code: 'dosage-missing',
      message: 'Das Dosierkennzeichen ist gesetzt, die Verordnung enthält aber keine Dosieranweisung.',
      path: 'MedicationRequest.dosageInstruction',
    });
  }

  const ser = bool(extensionOf(request, KbvExtensions.ser)?.['valueBoolean']);
  const bvg = bool(extensionOf(request, KbvExtensions.bvg)?.['valueBoolean']);
  const notes = records(request['note'])
    .map((n) => str(n['text']))
    .filter((t): t is string => t !== undefined);

  findings.push(...version14Findings(request));

  return ok({
    quantity,
    ...dosage,
    // substitution.allowedBoolean = false means "aut idem" was ticked: no substitution (field 102).
    autIdemExcluded: bool(rec(request['substitution'])?.['allowedBoolean']) === false,
    noctu: bool(extensionOf(request, KbvExtensions.emergencyServicesFee)?.['valueBoolean']) === true,
    coPayment: str(rec(extensionOf(request, KbvExtensions.statusCoPayment)?.['valueCoding'])?.['code']),
    accident: readAccident(request, findings),
    mvo: readMultiplePrescription(request, findings),
    // KBV 1.2+ replaced BVG by SER (Soziales Entschädigungsrecht); both mean the same flag on the form.
    bvg: ser ?? bvg,
    note: notes.length > 0 ? notes.join('\n') : undefined,
  });
}

/**
 * The dosage text. 1.4 always carries the generated text in renderedDosageInstruction (P36-04), free text or
 * structured; 1.3 has dosageInstruction.text, and for a Rezeptur the Gebrauchsanweisung in patientInstruction
 * (1.4 moved it to text as well).
 */
function readDosage(request: Json): Pick<Request, 'dosageText' | 'dosageFlag'> {
  const dosages = records(request['dosageInstruction']);
  const rendered = extensionOf(request, KbvExtensions.renderedDosageInstruction);
  const renderedText = str(rendered?.['valueMarkdown']) ?? str(rendered?.['valueString']);
  const texts = dosages.map((d) => str(d['text'])).filter((t): t is string => t !== undefined);
  const instructions = dosages
    .map((d) => str(d['patientInstruction']))
    .filter((t): t is string => t !== undefined);
  const dosageText = renderedText ?? (texts.length > 0 ? texts.join('; ') : undefined) ?? instructions[0];
  // The flag sits on dosageInstruction (1.3 and 1.4); an early 1.4 draft put it on the MedicationRequest.
  const flag =
    dosages
      .map((d) => bool(extensionOf(d, KbvExtensions.dosageFlag)?.['valueBoolean']))
      .find((b) => b !== undefined) ?? bool(extensionOf(request, KbvExtensions.dosageFlag)?.['valueBoolean']);
  return { dosageText, dosageFlag: flag };
}

// KBV_VS_ERP_Accident_Type: 1 Unfall, 2 Arbeitsunfall, 4 Berufskrankheit (field 73).
const accidentKinds: Record<string, NonNullable<Request['accident']>['kind']> = {
  '1': 'unfall',
  '2': 'arbeitsunfall',
  '4': 'berufskrankheit',
};

function readAccident(request: Json, findings: Finding[]): Request['accident'] {
  const accident = extensionOf(request, KbvExtensions.accident);
  if (!accident) return undefined;
  const code = str(rec(extensionOf(accident, 'Unfallkennzeichen')?.['valueCoding'])?.['code']);
  const kind = code === undefined ? undefined : accidentKinds[code];
  if (kind === undefined) {
    findings.push({
      severity: 'warning',
      code: 'accident-unknown',
      message: `Unbekanntes Unfallkennzeichen: ${code ?? 'fehlt'}`,
      path: 'MedicationRequest.extension:Unfallinformationen',
    });
    return undefined;
  }
  return {
    kind,
    date: str(extensionOf(accident, 'Unfalltag')?.['valueDate']),
    employer: str(extensionOf(accident, 'Unfallbetrieb')?.['valueString']),
  };
}

/** Mehrfachverordnung (fields 87–91, 145): only when its Kennzeichen is true. */
function readMultiplePrescription(request: Json, findings: Finding[]): Request['mvo'] {
  const mvo = extensionOf(request, KbvExtensions.multiplePrescription);
  if (bool(extensionOf(mvo, 'Kennzeichen')?.['valueBoolean']) !== true) return undefined;
  const ratio = rec(extensionOf(mvo, 'Nummerierung')?.['valueRatio']);
  const period = rec(extensionOf(mvo, 'Zeitraum')?.['valuePeriod']);
  const numerator = decimal(rec(ratio?.['numerator'])?.['value']);
  const denominator = decimal(rec(ratio?.['denominator'])?.['value']);
  if (numerator === undefined || denominator === undefined || numerator < 1 || numerator > denominator) {
    findings.push({
      severity: 'warning',
      code: 'mvo-numbering-invalid',
      message: 'Die Nummerierung der Mehrfachverordnung fehlt oder ist ungültig.',
      path: 'MedicationRequest.extension:Mehrfachverordnung.extension:Nummerierung',
    });
  }
  return {
    numerator: numerator ?? 0,
    denominator: denominator ?? 0,
    start: str(period?.['start']),
    end: str(period?.['end']),
    id: identifierValue(extensionOf(mvo, 'ID')?.['valueIdentifier']),
  };
}

/**
 * KBV 1.4 adds T-Rezept, BtM, Verschreiber-ID and Patienten-ID (table 45, fields 155–173, 189). The view has no
 * fields for them yet, so the pharmacist is shown them as findings rather than losing them silently.
 */
function version14Findings(request: Json): Finding[] {
  const out: Finding[] = [];
  const teratogenic = extensionOf(request, KbvExtensions.teratogenic);
  if (teratogenic) {
    const yesNo = (slice: string): string => {
      const value = bool(extensionOf(teratogenic, slice)?.['valueBoolean']);
      return value === undefined ? 'k. A.' : value ? 'ja' : 'nein';
    };
    out.push({
      severity: 'info',
      code: 't-rezept',
      message:
        `T-Rezept nach § 3a AMVV: Off-Label ${yesNo('Off-Label')}, gebärfähige Frau ${yesNo('GebaerfaehigeFrau')}, ` +
        `Sicherheitsmaßnahmen eingehalten ${yesNo('EinhaltungSicherheitsmassnahmen')}, ` +
        `Informationsmaterial ausgehändigt ${yesNo('AushaendigungInformationsmaterialien')}, ` +
        `Sachkenntnis erklärt ${yesNo('ErklaerungSachkenntnis')}.`,
      path: 'MedicationRequest.extension:T-Rezept',
    });
  }
  const narcotic = extensionOf(request, KbvExtensions.narcotic);
  if (narcotic) {
    const label = str(rec(extensionOf(narcotic, 'BtM-Sonderkennzeichen')?.['valueCoding'])?.['code']);
    out.push({
      severity: 'info',
      code: 'btm',
      message: `Betäubungsmittel-Verordnung${label === undefined ? '' : ` (BtM-Sonderkennzeichen ${label})`}.`,
      path: 'MedicationRequest.extension:Betaeubungsmittel',
    });
  }
  const prescriberId = extensionsOf(request, KbvExtensions.prescriberId)[0];
  if (prescriberId) {
    const value = str(prescriberId['valueString']) ?? identifierValue(prescriberId['valueIdentifier']);
    out.push({
      severity: 'info',
      code: 'prescriber-id',
      message: `Verschreiber-ID${value === undefined ? ' angegeben' : `: ${value}`}.`,
      path: 'MedicationRequest.extension:VerschreiberID',
    });
  }
  if (extensionOf(request, KbvExtensions.patientId)) {
    // The value identifies the patient in a product registry: shown on the printout, not repeated here.
    out.push({
      severity: 'info',
      code: 'patient-id',
      message: 'Die Verordnung enthält eine Patienten-ID (produktbezogenes Register).',
      path: 'MedicationRequest.extension:PatientenID',
    });
  }
  return out;
}
