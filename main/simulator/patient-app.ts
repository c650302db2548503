/**
 * The patient's E-Rezept app as the simulator plays it for trainers and QA (spec erezept-pharmacy §3.11): it
 * assigns a prescription to a pharmacy with a wish how to get it (a DispReq, „Zuweisung“) and reads the replies the
 * patient got. Both go through the Fachdienst's own handlers with the patient's identity — the insurant of the
 * Task, as the real app signs in with the patient's KVNR — so a Zuweisung the Fachdienst would refuse (a prescription
 * not ready, expired, a recipient that may not get it, an invalid wish) is refused here the same way, and reading
 * stamps `received` as the patient's app does.
 *
 * The wish becomes the payload of the version asked for (payload-schemas.ts): v1 `{version, supplyOptionsType, name,
 * address[], hint, phone}`, v3 (from 01.10.2026) `{version, communicationType, supplyOptionsType, firstname,
 * lastname, address, postcode, city, country, hint, text, phone, email, transactionID}` — note gematik's spelling
 * `transactionID`; the wish's `transactionId` is written there. `contentString` sends a payload verbatim instead.
 */
import { z } from 'zod';
import { berlinDate } from '../../shared/erezept/dates';
import { CodeSystems, Extensions, NamingSystems, ProfessionOids } from '../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import { communicationResource } from './communication-record';
import { FachdienstError } from './operation-outcome';
import type { SimulatorState } from './operations/context';
import { CommunicationProfiles } from './operations/communication/message';
import { payloadContent } from './operations/communication/payload';
import { FLOW_TYPE_DISPLAY, postCommunication } from './operations/communication/post';
import { markRetrieved } from './operations/communication/read';

const text = (max: number): z.ZodString => z.string().max(max);

/** The patient's wish (the control API's and the scenario format's `dispReq`), without Task and pharmacy. */
export const dispReqWishSchema = z
  .object({
    /** payload version: 1 (default) or 3 (accepted by the Fachdienst from 01.10.2026) */
    version: z.union([z.literal(1), z.literal(3)]).default(1),
    supplyOptionsType: z.enum(['onPremise', 'delivery', 'shipment']).default('onPremise'),
    /** v1: the name as one text */
    name: text(200).optional(),
    /** v1: address lines; v3: street and number (lines are joined with „, “) */
    address: z.union([text(500), z.array(text(500)).max(10)]).optional(),
    hint: text(500).optional(),
    phone: text(64).optional(),
    /** v3 */
    communicationType: z.enum(['order', 'text']).optional(),
    firstname: text(100).optional(),
    lastname: text(100).optional(),
    postcode: text(20).optional(),
    city: text(200).optional(),
    country: text(10).optional(),
    email: text(254).optional(),
    text: text(1000).optional(),
    /** v3 `transactionID` (default: a new UUID) */
    transactionId: text(100).optional(),
    /** the AccessCode the app sends (default: the Task's); the Fachdienst takes another one from the patient, the pharmacy's $accept then fails */
    accessCode: text(128).optional(),
    /** the payload verbatim instead of one built from the fields above */
    contentString: text(20_000).optional(),
  })
  .strict();
export type DispReqWish = z.input<typeof dispReqWishSchema>;

/** The outcome of a Zuweisung: the stored message's id and time, or the Fachdienst's refusal. */
export type DispReqOutcome = { ok: true; id: string; sent: string } | { ok: false; refusal: FachdienstError };

/**
 * The patient of Task `taskId` assigns it to `pharmacy` (POST /Communication with the patient's identity).
 * Undefined when there is no such Task: then there is no patient to act as.
 */
export async function sendDispReq(
  state: SimulatorState,
  taskId: string,
  pharmacy: string,
  wish: z.output<typeof dispReqWishSchema>,
): Promise<DispReqOutcome | undefined> {
  const task = state.repository.get(taskId);
  if (!task) return undefined;
  const resource = dispReqResource({
    taskId,
    flowType: task.flowType,
    accessCode: wish.accessCode ?? task.accessCode ?? '',
    pharmacy,
    contentString: wish.contentString ?? JSON.stringify(payloadOf(wish, () => state.ids.uuid())),
    today: berlinDate(state.clock.now()),
  });
  try {
    const result = await postCommunication(state, {
      taskId: '',
      caller: { professionOID: ProfessionOids.insurant, idNummer: task.kvnr },
      query: () => undefined,
      header: () => undefined,
      body: new TextEncoder().encode(JSON.stringify(resource)),
      contentType: 'application/fhir+json',
      baseUrl: 'http://127.0.0.1',
    });
    const stored: Record<string, unknown> = result.resource ?? {};
    return { ok: true, id: String(stored['id']), sent: String(stored['sent']) };
  } catch (error) {
    if (error instanceof FachdienstError) return { ok: false, refusal: error };
    throw error;
  }
}

function payloadOf(wish: z.output<typeof dispReqWishSchema>, uuid: () => string): Record<string, unknown> {
  const lines = wish.address === undefined ? undefined : Array.isArray(wish.address) ? wish.address : [wish.address];
  if (wish.version === 1) {
    return defined({ version: 1, supplyOptionsType: wish.supplyOptionsType, name: wish.name, address: lines, hint: wish.hint, phone: wish.phone });
  }
  const communicationType = wish.communicationType ?? 'order';
  return defined({
    version: 3,
    communicationType,
    supplyOptionsType: communicationType === 'order' ? wish.supplyOptionsType : undefined,
    firstname: wish.firstname,
    lastname: wish.lastname,
    address: lines?.join(', '),
    postcode: wish.postcode,
    city: wish.city,
    country: wish.country,
    hint: wish.hint,
    text: wish.text,
    phone: wish.phone,
    email: wish.email,
    transactionID: wish.transactionId ?? uuid(),
  });
}

const defined = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/** A DispReq as a patient's app posts it (shaped like gematik's 1.6 example Communication-a218a36e…). */
function dispReqResource(input: {
  taskId: string;
  flowType: string;
  accessCode: string;
  pharmacy: string;
  contentString: string;
  today: string;
}): FhirResourceJson {
  // workflow 1.6 from 01.07.2026, before that 1.5 (the Fachdienst's profile windows, message.ts)
  const version = input.today >= '2026-07-01' ? '1.6' : '1.5';
  return {
    resourceType: 'Communication',
    meta: { profile: [`${CommunicationProfiles.DispReq}|${version}`] },
    extension: [
      {
        url: Extensions.prescriptionType,
        valueCoding: { system: CodeSystems.flowType, code: input.flowType, display: FLOW_TYPE_DISPLAY[input.flowType] ?? input.flowType },
      },
    ],
    status: 'unknown',
    basedOn: [{ reference: `Task/${input.taskId}/$accept?ac=${input.accessCode}` }],
    recipient: [{ identifier: { system: NamingSystems.telematikId, value: input.pharmacy } }],
    payload: [{ contentString: input.contentString }],
  };
}

/** A reply as the patient's app shows it. */
export interface ReceivedReply {
  id: string;
  taskId: string;
  /** the pharmacy's Telematik-ID */
  sender: string;
  sent: string;
  /** when the patient's app first fetched it — stamped by this read at the latest */
  received: string;
  contentString: string | undefined;
  /** the payload JSON, or null when it is none (gematik's own example carries plain text) */
  payload: unknown;
  /** GEM_ERP_EX_AvailabilityState code, e.g. "20" */
  availability: string | undefined;
  /** GEM_ERP_EX_SupplyOptionsType: what the pharmacy offers */
  supplyOptions: Partial<Record<'onPremise' | 'delivery' | 'shipment', boolean>> | undefined;
  resource: FhirResourceJson;
}

const AVAILABILITY_STATE = 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_AvailabilityState';
const SUPPLY_OPTIONS_TYPE = 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_SupplyOptionsType';

/** The replies the patient `kvnr` got, oldest first, read as the patient's app reads them (stamps `received`). */
export function readReplies(state: SimulatorState, kvnr: string): ReceivedReply[] {
  const replies = state.repository
    .listCommunications(kvnr)
    .filter((c) => c.recipient === kvnr && c.messageType === 'Reply')
    .sort((a, b) => a.sent.localeCompare(b.sent));
  return markRetrieved(state, replies, kvnr).map((c) => {
    const resource = communicationResource(c);
    const contentString = payloadContent(resource);
    const extensions = ((resource['payload'] as { extension?: Extension[] }[] | undefined)?.[0]?.extension ?? []) as Extension[];
    const offered = extensions.find((e) => e.url === SUPPLY_OPTIONS_TYPE)?.extension;
    return {
      id: c.id,
      taskId: c.taskId,
      sender: c.sender,
      sent: c.sent,
      received: c.received ?? '',
      contentString,
      payload: parsedOrNull(contentString),
      availability: extensions.find((e) => e.url === AVAILABILITY_STATE)?.valueCoding?.code,
      supplyOptions: offered ? Object.fromEntries(offered.map((e) => [e.url, e.valueBoolean === true])) : undefined,
      resource,
    };
  });
}

interface Extension {
  url: string;
  valueCoding?: { code?: string };
  valueBoolean?: boolean;
  extension?: Extension[];
}

function parsedOrNull(content: string | undefined): unknown {
  if (content === undefined) return null;
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return null;
  }
}
