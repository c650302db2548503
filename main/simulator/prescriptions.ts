/**
 * Creates ready-to-accept prescriptions for `/_sim/prescriptions` — what $create + $activate by a doctor's
 * practice software would leave behind (spec §4): a Task in status ready with PrescriptionID (increasing,
 * persisted sequence), AccessCode, KVNR, acceptDate/expiryDate per flow type (spec §1.2, FD ActivateTaskHandler)
 * and the QES-signed KBV bundle.
 */
import { z } from 'zod';
import type { ArticleTable } from '../../shared/erezept/catalog/demo-catalog';
import { addDays, addMonths, berlinDate, isIsoDate } from '../../shared/erezept/dates';
import { makePrescriptionId, parseKvnrFormat, type FlowType, type PrescriptionId } from '../../shared/erezept/identifiers';
import { legalBasisCodes } from '../../shared/fhir/kbv/legal-basis';
import { fhirJsonToXml } from '../../shared/fhir/xml';
import { signCms } from './cms-sign';
import { entlassAcceptDate, shortensAcceptDate } from './entlass-dates';
import type { SimulatorState } from './operations/context';
import { displayOfBundleJson, displayOfBundleXml, type PrescriptionDisplay } from './prescription-display';
import { generatePrescription, medicationKinds, randomKvnr, type InsuredPerson, type MedicationKind, type MvoPart } from './prescription-generator';
import type { TaskRecord } from './task-record';

const isoDate = z.string().refine(isIsoDate, 'Datum im Format YYYY-MM-DD erwartet');

export const prescriptionRequestSchema = z
  .object({
    flowType: z.enum(['160', '166', '169', '200', '209']),
    kvnr: z
      .string()
      .refine((k) => parseKvnrFormat(k).ok, 'KVNR: ein Großbuchstabe und 9 Ziffern erwartet')
      .optional(),
    medication: z.enum(medicationKinds as [MedicationKind, ...MedicationKind[]]).optional(),
    authoredOn: isoDate.optional(),
    mvo: z
      .object({
        part: z.number().int().min(1).max(4),
        of: z.number().int().min(2).max(4),
        start: isoDate,
        end: isoDate.optional(),
      })
      .strict()
      .optional(),
    count: z.number().int().min(1).max(3).default(1),
    /** KBV Statuskennzeichen (Rechtsgrundlage), default 00 */
    legalBasis: z.enum(legalBasisCodes as [string, ...string[]]).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.mvo) {
      // MVO: pharmacy-only drugs GKV and PKV (spec §1.2)
      if (value.flowType !== '160' && value.flowType !== '200') {
        ctx.addIssue({ code: 'custom', message: 'Mehrfachverordnung nur für flowType 160 und 200', path: ['mvo'] });
      }
      if (value.mvo.part + value.count - 1 > value.mvo.of) {
        ctx.addIssue({ code: 'custom', message: 'mvo.part (+ count − 1) darf mvo.of nicht übersteigen', path: ['mvo'] });
      }
      if (value.mvo.end !== undefined && value.mvo.end < value.mvo.start) {
        ctx.addIssue({ code: 'custom', message: 'mvo.end liegt vor mvo.start', path: ['mvo'] });
      }
      // as the Fachdienst refuses $activate: no MVO for an Entlassrezept or an Ersatzverordnung (A_22632, A_22633)
      if (value.legalBasis !== undefined && !['00', '01', '07'].includes(value.legalBasis)) {
        ctx.addIssue({ code: 'custom', message: 'Mehrfachverordnung nicht für Entlassrezept oder Ersatzverordnung', path: ['legalBasis'] });
      }
    }
  });
export type PrescriptionRequest = z.infer<typeof prescriptionRequestSchema>;

export interface CreatedPrescription {
  taskId: string;
  accessCode: string;
  kvnr: string;
  token: string;
  /**
   * What the trainer's token sheet shows (patient, medication, prescriber …; prescription-display.ts), read on
   * demand: part of a scenario load's answer, while the `/_sim/prescriptions` answer leaves it out
   * (prescriptionResponse) and so never pays for reading the bundle.
   */
  display?: () => PrescriptionDisplay;
}

/** The control API's answer for created prescriptions (docs/simulator.md). */
export interface PrescriptionResponse extends CreatedPrescription {
  /** what the patient's printout carries: one DataMatrix with up to 3 tokens (spec §2, A_19553-01) */
  dataMatrix: string;
  /** all of them, when more than one was created */
  prescriptions?: CreatedPrescription[];
}

export function prescriptionResponse(created: readonly CreatedPrescription[]): PrescriptionResponse {
  const first = created[0];
  if (!first) throw new Error('no prescription created');
  return {
    ...withoutDisplay(first),
    dataMatrix: JSON.stringify({ urls: created.map((p) => p.token) }),
    ...(created.length > 1 ? { prescriptions: created.map(withoutDisplay) } : {}),
  };
}

const withoutDisplay = ({ taskId, accessCode, kvnr, token }: CreatedPrescription): CreatedPrescription => ({
  taskId,
  accessCode,
  kvnr,
  token,
});

export interface PrescriptionDeps {
  state: SimulatorState;
  catalog: ArticleTable;
  random: () => number;
}

export async function createPrescriptions(deps: PrescriptionDeps, request: PrescriptionRequest): Promise<CreatedPrescription[]> {
  const { state } = deps;
  const now = state.clock.now();
  const today = berlinDate(now);
  const authoredOn = request.authoredOn ?? today;
  // Signed "now" when issued today, else in the morning of that day (the FD dates derive from the signing day).
  const issuedAt = authoredOn === today ? now : new Date(`${authoredOn}T08:00:00.000Z`);
  const kvnr = request.kvnr ?? randomKvnr(deps.random);
  const medication = request.medication ?? 'pzn';
  const mvoId = `urn:uuid:${state.ids.uuid()}`;
  const created: CreatedPrescription[] = [];
  // One request = one patient: several prescriptions share KVNR, name, birth date and address.
  let person: InsuredPerson | undefined;

  for (let i = 0; i < request.count; i++) {
    const flowType = request.flowType as FlowType;
    const prescriptionId = nextFreePrescriptionId(state, flowType);
    // Several parts of one MVO series: consecutive numbers, each redeemable a quarter after the previous one.
    const mvoStart = request.mvo ? addMonths(request.mvo.start, 3 * i) : undefined;
    const mvoEnd = request.mvo?.end !== undefined && mvoStart !== undefined && request.mvo.end >= mvoStart ? request.mvo.end : undefined;
    const mvo: MvoPart | undefined =
      request.mvo && mvoStart !== undefined
        ? { part: request.mvo.part + i, of: request.mvo.of, start: mvoStart, ...(mvoEnd ? { end: mvoEnd } : {}), id: mvoId }
        : undefined;
    const generated = generatePrescription({
      prescriptionId,
      flowType,
      kvnr,
      medication,
      authoredOn,
      issuedAt,
      mvo,
      catalog: deps.catalog,
      random: deps.random,
      uuid: () => state.ids.uuid(),
      person,
      legalBasis: request.legalBasis,
    });
    person = generated.person;
    created.push(
      await storeSignedPrescription(state, {
        prescriptionId,
        flowType,
        kvnr,
        kbvXml: fhirJsonToXml(generated.bundle),
        signingDay: authoredOn,
        issuedAt,
        mvo: mvo ? { id: mvo.id, start: mvo.start, end: mvo.end } : undefined,
        legalBasis: request.legalBasis,
        display: () => displayOfBundleJson(generated.bundle, flowType),
      }),
    );
  }
  return created;
}

/**
 * The next PrescriptionID of the persisted sequence that no Task carries yet — an imported gematik example
 * may already hold a number the sequence reaches later.
 */
export function nextFreePrescriptionId(state: SimulatorState, flowType: FlowType): PrescriptionId {
  for (;;) {
    const id = makePrescriptionId(flowType, state.repository.nextSequence());
    if (!state.repository.get(id)) return id;
  }
}

export interface SignedPrescriptionInput {
  prescriptionId: string;
  flowType: FlowType;
  kvnr: string;
  /** the KBV bundle exactly as it gets signed */
  kbvXml: string;
  /** YYYY-MM-DD (German date) the redemption dates derive from */
  signingDay: string;
  /** signing instant (CMS signing-time) = Task.authoredOn */
  issuedAt: Date;
  mvo: { id: string; start: string; end?: string } | undefined;
  /** the bundle's Rechtsgrundlage (KBV Statuskennzeichen): 04/14 shorten the Belieferungsfrist */
  legalBasis?: string;
  /** for the token sheet, on demand; absent = read from `kbvXml` */
  display?: () => PrescriptionDisplay;
}

/**
 * What $create + $activate leave behind (spec §4): the bundle enveloped in a CMS signature of the test "QES"
 * (spec §3.2), a ready Task with a fresh AccessCode and the redemption dates of its flow type (spec §1.2).
 */
export async function storeSignedPrescription(state: SimulatorState, input: SignedPrescriptionInput): Promise<CreatedPrescription> {
  const cms = await signCms(new TextEncoder().encode(input.kbvXml), state.pki.qes, [state.pki.caCertificateDer], input.issuedAt);
  const { acceptDate, expiryDate } = redemptionDates(input.flowType, input.signingDay, input.mvo, input.legalBasis);
  const accessCode = state.ids.accessCode();
  const instant = state.clock.now().toISOString();
  const task: TaskRecord = {
    id: input.prescriptionId,
    flowType: input.flowType,
    status: 'ready',
    accessCode,
    secret: null,
    owner: null,
    kvnr: input.kvnr,
    authoredOn: input.issuedAt.toISOString(),
    lastModified: instant,
    lastStatusChange: instant,
    acceptDate,
    expiryDate,
    mvo: input.mvo ? { id: input.mvo.id, start: input.mvo.start } : null,
    prescription: {
      binaryId: state.ids.uuid(),
      cms: Buffer.from(cms.der).toString('base64'),
      messageDigest: Buffer.from(cms.messageDigest).toString('base64'),
    },
    lastMedicationDispense: null,
    dispenses: [],
    receipt: null,
  };
  state.repository.put(task);
  return {
    taskId: input.prescriptionId,
    accessCode,
    kvnr: input.kvnr,
    token: `Task/${input.prescriptionId}/$accept?ac=${accessCode}`,
    display: input.display ?? ((): PrescriptionDisplay => displayOfBundleXml(input.kbvXml, input.flowType)),
  };
}

/**
 * Belieferungsfrist (acceptDate) and Einlösefrist (expiryDate) from the signing day (spec §1.2,
 * FD ActivateTaskHandler / Task::setAcceptDate): 160/169 accept +28 days, expiry +3 months; 200/209 both
 * +3 months; 166 both +6 days; an MVO part both = its period end, or signing day +365 days. An Entlassrezept
 * (legal basis 04/14) gets the flow type's Einlösefrist but a Belieferungsfrist of 3 working days (A_19517,
 * entlass-dates.ts).
 */
export function redemptionDates(
  flowType: FlowType,
  signingDay: string,
  mvo: Pick<MvoPart, 'end'> | undefined,
  legalBasis?: string,
): { acceptDate: string; expiryDate: string } {
  if (mvo) {
    const end = mvo.end ?? addDays(signingDay, 365);
    return { acceptDate: end, expiryDate: end };
  }
  const dates = flowTypeDates(flowType, signingDay);
  return shortensAcceptDate(legalBasis) ? { ...dates, acceptDate: entlassAcceptDate(signingDay) } : dates;
}

function flowTypeDates(flowType: FlowType, signingDay: string): { acceptDate: string; expiryDate: string } {
  switch (flowType) {
    case '166': {
      const day = addDays(signingDay, 6);
      return { acceptDate: day, expiryDate: day };
    }
    case '200':
    case '209': {
      const day = addMonths(signingDay, 3);
      return { acceptDate: day, expiryDate: day };
    }
    default:
      return { acceptDate: addDays(signingDay, 28), expiryDate: addMonths(signingDay, 3) };
  }
}
