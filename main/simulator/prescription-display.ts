/**
 * What a trainer's token sheet and the trainer panel show for a prescription the simulator created (a printable
 * token sheet like the patient's printout, docs/simulator.md): flow type, fictional patient and birth date, a short
 * German medication label, prescriber and issue date. Read from the KBV bundle the simulator has just built or
 * imported, with the same reader the app uses (shared/fhir/kbv), so the sheet says what the pharmacist will see
 * after $accept. Dates stay ISO (YYYY-MM-DD); the UI formats them.
 */
import type { PrescribedMedication, PrescriptionView } from '../../shared/erezept/prescription';
import { readPrescriptionJson, readPrescriptionXml } from '../../shared/fhir/kbv';

export interface PrescriptionDisplay {
  /** 160, 166, 169, 200, 209 (spec §1.2) */
  flowType: string;
  patientName?: string;
  /** YYYY-MM-DD */
  birthDate?: string;
  /** e.g. „Ibuprofen Demopharm 400 mg Filmtabletten, 20 St N2“, „Wirkstoff: …“, „Freitext: …“, „Rezeptur: …“ */
  medication?: string;
  /** e.g. „Dr. med. Sim Ulator“ */
  prescriber?: string;
  /** YYYY-MM-DD */
  authoredOn?: string;
}

/** From the bundle as FHIR JSON (a generated prescription, before it is serialised). */
export function displayOfBundleJson(bundle: unknown, flowType: string): PrescriptionDisplay {
  const view = readPrescriptionJson(bundle);
  return view.ok ? displayOfView(view.data, flowType) : { flowType };
}

/** From the bundle as FHIR XML (an imported prescription). */
export function displayOfBundleXml(xml: string, flowType: string): PrescriptionDisplay {
  const view = readPrescriptionXml(xml);
  return view.ok ? displayOfView(view.data, flowType) : { flowType };
}

export function displayOfView(view: PrescriptionView, flowType: string): PrescriptionDisplay {
  const nonEmpty = (text: string | undefined): string | undefined => (text && text.trim() !== '' ? text : undefined);
  const display: PrescriptionDisplay = {
    flowType,
    patientName: nonEmpty(view.patient.name),
    birthDate: nonEmpty(view.patient.birthDate),
    medication: medicationDisplay(view.medication, view.request.quantity),
    prescriber: nonEmpty(view.practitioner.name),
    authoredOn: view.authoredOn,
  };
  // JSON answers carry no `undefined` keys, so two loads compare equal field by field.
  return Object.fromEntries(Object.entries(display).filter(([, v]) => v !== undefined)) as PrescriptionDisplay;
}

/** A short German label: what the pharmacist reads first on the prescription (kind, name, pack). */
export function medicationDisplay(medication: PrescribedMedication, quantity: number): string {
  const join = (...parts: (string | undefined)[]): string => parts.filter((p) => p && p.trim() !== '').join(', ');
  const packs = Number.isInteger(quantity) && quantity > 1 ? `${quantity} × ` : '';
  switch (medication.kind) {
    case 'pzn':
      return `${packs}${join(medication.name, [medication.amount, medication.normSize].filter(Boolean).join(' '))}`;
    case 'wirkstoff':
      return `Wirkstoff: ${packs}${join(medication.name, medication.form, medication.amount)}`;
    case 'freitext':
      return `Freitext: ${medication.text}`;
    case 'rezeptur': {
      const name = medication.name ?? medication.ingredients.map((i) => i.name).join(', ');
      return `Rezeptur: ${packs}${join(name, medication.amount)}`;
    }
  }
}
