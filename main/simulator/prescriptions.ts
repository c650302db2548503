/**
 * Creates ready-to-accept prescriptions for `/_sim/prescriptions` — what $create + $activate by a doctor's
 * practice software would leave behind (spec §4): a Task in status ready with PrescriptionID (increasing,
 * persisted sequence), AccessCode, KVNR, acceptDate/expiryDate per flow type (spec §1.2, FD ActivateTaskHandler)
 * and the QES-signed KBV bundle.
 */
import { z } from 'zod';
import type { ArticleCatalog } from '../../shared/erezept/catalog/article-catalog';
import { addDays, addMonths, berlinDate, isIsoDate } from '../../shared/erezept/dates';
import { makePrescriptionId, parseKvnrFormat, type FlowType } from '../../shared/erezept/identifiers';
import { fhirJsonToXml } from '../../shared/fhir/xml';
import { signCms } from './cms-sign';
import type { SimulatorState } from './operations/context';
import { generatePrescription, medicationKinds, randomKvnr, type MedicationKind, type MvoPart } from './prescription-generator';
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
    }
  });
export type PrescriptionRequest = z.infer<typeof prescriptionRequestSchema>;

export interface CreatedPrescription {
  taskId: string;
  accessCode: string;
  kvnr: string;
  token: string;
}

export interface PrescriptionDeps {
  state: SimulatorState;
  catalog: ArticleCatalog;
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

  for (let i = 0; i < request.count; i++) {
    const flowType = request.flowType as FlowType;
    const prescriptionId = makePrescriptionId(flowType, state.repository.nextSequence());
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
    });
    const xml = fhirJsonToXml(generated.bundle);
    const cms = await signCms(new TextEncoder().encode(xml), state.pki.qes, [state.pki.caCertificateDer], issuedAt);
    const { acceptDate, expiryDate } = redemptionDates(flowType, authoredOn, mvo);
    const accessCode = state.ids.accessCode();
    const instant = now.toISOString();
    const task: TaskRecord = {
      id: prescriptionId,
      flowType,
      status: 'ready',
      accessCode,
      secret: null,
      owner: null,
      kvnr,
      authoredOn: issuedAt.toISOString(),
      lastModified: instant,
      lastStatusChange: instant,
      acceptDate,
      expiryDate,
      mvo: mvo ? { id: mvo.id, start: mvo.start } : null,
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
    created.push({ taskId: prescriptionId, accessCode, kvnr, token: `Task/${prescriptionId}/$accept?ac=${accessCode}` });
  }
  return created;
}

/**
 * Belieferungsfrist (acceptDate) and Einlösefrist (expiryDate) from the signing day (spec §1.2,
 * FD ActivateTaskHandler / Task::setAcceptDate): 160/169 accept +28 days, expiry +3 months; 200/209 both
 * +3 months; 166 both +6 days; an MVO part both = its period end, or signing day +365 days.
 */
export function redemptionDates(
  flowType: FlowType,
  signingDay: string,
  mvo: Pick<MvoPart, 'end'> | undefined,
): { acceptDate: string; expiryDate: string } {
  if (mvo) {
    const end = mvo.end ?? addDays(signingDay, 365);
    return { acceptDate: end, expiryDate: end };
  }
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
