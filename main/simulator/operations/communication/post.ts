/**
 * POST /Communication (spec erezept-pharmacy §3.11; FD 1.22 CommunicationPostHandler), in the FD's order:
 *
 *  1. body and profile (message.ts): 400 „Profile missing …“ / „parsing / validation error“ / „Invalid request body“;
 *  2. sender from the token (A_19448-04): a Reply (and DiGA, ChargChangeReply) only from a pharmacy or cost bearer
 *     (400 „Invalid sender profession oid in communication reply message“) with a Telematik-ID containing „-“;
 *     everything else only from an insurant (400 „Invalid sender profession oid in communication message“);
 *  3. ChargeItem messages: the simulator has no ChargeItems → 400 „referenced charge item does not exist“ (A_22734);
 *  4. the Task must exist → else 400 „Task for prescription id <id> is missing“ (A_21371-03); a DispReq needs it
 *     ready (400 „Task has invalid status.“, A_26320), not expired (400 „Task is expired.“, A_26321, German date) and,
 *     as part of an MVO, already redeemable (400 „Prescription is not fillable yet.“, A_26327);
 *  5. recipient (A_27767-01): a DispReq goes to a Telematik-ID (400 „Expected TelematikId, got KVNR“, 400 without „-“);
 *     for flow 160/166/200 only to a public (3-, 9-) or hospital pharmacy (5-), for 162 only to a cost bearer (8-),
 *     else 403 „Der Empfänger darf den <Flowtype> nicht empfangen“; 169/209 unchecked. Replies go to a KVNR
 *     (400 „Expected KVNR, got TelematikId“ / „Invalid Kvnr“). The reply's KVNR is not compared with the Task's.
 *  6. an insurant's DispReq must carry the AccessCode in basedOn (400); its value is compared with the Task's only
 *     when the sender is not the Task's patient (a representative: header X-AccessCode required and equal, A_20885-04)
 *     — the FD lets the patient send a DispReq with any AccessCode, and the pharmacy's $accept then fails;
 *  7. no messages to oneself (A_20231); test identities X0000nnnnn (A_20753) and insurants stay apart;
 *  8. the payload (payload.ts);
 *  9. stored with a new id; sender and sent set by the Fachdienst, received removed; 201 with the resource and
 *     `Location: http://prescriptionserver.telematik/Communication/<id>` (the FD's fixed base);
 * 10. a DispReq pings the recipient's subscription (A_22367-03, subscriptions.ts).
 * Representative messages (insurant ↔ insurant) are not imitated: 400 with the diagnostics „not simulated“.
 */
import { berlinDate } from '../../../../shared/erezept/dates';
import { NamingSystems, ProfessionOids } from '../../../../shared/fhir/profiles';
import { parseFhirBody } from '../../format';
import { PHARMACY_OIDS } from '../../auth';
import type { CommunicationMessageType, CommunicationRecord } from '../../communication-record';
import { FachdienstError } from '../../operation-outcome';
import type { TaskRecord } from '../../task-record';
import type { OperationRequest, OperationResult, SimulatorState } from '../context';
import { readPostedCommunication, type PostedCommunication } from './message';
import { verifyPayload } from './payload';

/** FD structure_definition::communicationLocation */
export const COMMUNICATION_LOCATION = 'http://prescriptionserver.telematik/Communication/';

/** FD PrescriptionTypeDisplay (workflow 1.6), quoted in the 403 of A_27767-01 */
export const FLOW_TYPE_DISPLAY: Readonly<Record<string, string>> = {
  '160': 'Flowtype für Apothekenpflichtige Arzneimittel',
  '162': 'Flowtype für Digitale Gesundheitsanwendungen',
  '166': 'Flowtype für Arzneimittel nach § 3a AMVV',
  '169': 'Flowtype zur Workflow-Steuerung durch Leistungserbringer',
  '200': 'Flowtype für Apothekenpflichtige Arzneimittel (PKV)',
  '209': 'Flowtype zur Workflow-Steuerung durch Leistungserbringer (PKV)',
};

const REPLY_TYPES: readonly CommunicationMessageType[] = ['Reply', 'DiGA', 'ChargChangeReply'];
const isKvnr = (value: string): boolean => /^[A-Z][0-9]{9}$/.test(value);
const isTelematikId = (value: string): boolean => value.includes('-');

export async function postCommunication(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const now = state.clock.now();
  const today = berlinDate(now);
  const posted = readPostedCommunication(parseFhirBody(request.body, request.contentType), today);
  const { messageType, recipient } = posted;
  const sender = validateSender(messageType, request.caller.professionOID, request.caller.idNummer);
  if (messageType === 'Representative') {
    throw new FachdienstError(400, 'Invalid request body', { diagnostics: 'not simulated: Representative messages between insurants' });
  }
  if (messageType === 'ChargChangeReq' || messageType === 'ChargChangeReply') {
    throw new FachdienstError(400, 'referenced charge item does not exist');
  }
  const task = state.repository.get(posted.taskId);
  if (!task) throw new FachdienstError(400, `Task for prescription id ${posted.taskId} is missing`);
  if (messageType === 'DispReq') checkTaskRedeemable(task, today);
  validateRecipient(posted, task);
  if (messageType === 'DispReq' && request.caller.professionOID === ProfessionOids.insurant) {
    checkEligibility(posted, sender, task, request.header('X-AccessCode'));
  }
  if (recipient.value === sender) throw new FachdienstError(400, 'messages to self are not permitted');
  checkVerificationIdentities(messageType, task, sender, recipient.value);
  verifyPayload(posted.resource, { messageType, flowType: task.flowType, today });

  const id = state.ids.uuid();
  const sent = now.toISOString();
  const { received: _received, ...resource } = posted.resource;
  const stored: CommunicationRecord = {
    id,
    messageType,
    taskId: task.id,
    sender,
    recipient: recipient.value,
    sent,
    received: null,
    resource: {
      ...resource,
      id,
      sender: { identifier: { system: REPLY_TYPES.includes(messageType) ? NamingSystems.telematikId : NamingSystems.kvnr, value: sender } },
      sent,
    },
  };
  state.repository.putCommunication(stored);
  if (messageType === 'DispReq') state.subscriptions.publish(recipient.value);
  return { status: 201, resource: stored.resource, headers: { Location: `${COMMUNICATION_LOCATION}${id}` } };
}

/** FD CommunicationPostHandler::validateSender: replies from institutions, everything else from insurants. */
function validateSender(messageType: CommunicationMessageType, professionOID: string, idNummer: string): string {
  if (REPLY_TYPES.includes(messageType)) {
    const institution = PHARMACY_OIDS.includes(professionOID) || professionOID === ProfessionOids.costBearer;
    if (!institution) throw new FachdienstError(400, 'Invalid sender profession oid in communication reply message');
    if (!isTelematikId(idNummer)) throw new FachdienstError(400, 'A valid Telematic ID must contain at least one "-"');
    return idNummer;
  }
  if (professionOID !== ProfessionOids.insurant) {
    throw new FachdienstError(400, 'Invalid sender profession oid in communication message');
  }
  if (!isKvnr(idNummer)) throw new FachdienstError(400, 'Invalid Kvnr');
  return idNummer;
}

/** A_26320, A_26321, A_26327: a DispReq only for a prescription the pharmacy could claim now. */
function checkTaskRedeemable(task: TaskRecord, today: string): void {
  if (task.status !== 'ready') throw new FachdienstError(400, 'Task has invalid status.');
  if (task.expiryDate < today) throw new FachdienstError(400, 'Task is expired.');
  if (task.mvo && task.mvo.start > today) throw new FachdienstError(400, 'Prescription is not fillable yet.');
}

function validateRecipient(posted: PostedCommunication, task: TaskRecord): void {
  const { recipient } = posted;
  if (posted.messageType === 'DispReq') {
    if (recipient.kind !== 'telematikId') throw new FachdienstError(400, 'Expected TelematikId, got KVNR');
    if (!isTelematikId(recipient.value)) throw new FachdienstError(400, 'A valid Telematic ID must contain at least one "-"');
    const id = recipient.value;
    const pharmacy = id.startsWith('3-') || id.startsWith('9-') || id.startsWith('5-');
    const allowed = ['160', '166', '200'].includes(task.flowType) ? pharmacy : task.flowType === '162' ? id.startsWith('8-') : true;
    if (!allowed) {
      throw new FachdienstError(403, `Der Empfänger darf den ${FLOW_TYPE_DISPLAY[task.flowType] ?? task.flowType} nicht empfangen`);
    }
    return;
  }
  if (recipient.kind !== 'kvnr') throw new FachdienstError(400, 'Expected KVNR, got TelematikId');
  if (!isKvnr(recipient.value)) throw new FachdienstError(400, 'Invalid Kvnr');
}

/** A_20885-04 for a DispReq sent by an insurant. */
function checkEligibility(posted: PostedCommunication, sender: string, task: TaskRecord, headerAccessCode: string | undefined): void {
  if (posted.accessCode === undefined) throw new FachdienstError(400, 'Dispense request must contain an access code in payload');
  if (sender !== task.kvnr) {
    if (headerAccessCode === undefined) throw new FachdienstError(400, 'Header must contain an access code');
    if (headerAccessCode !== task.accessCode) {
      throw new FachdienstError(400, 'Access code of header not equal to access code of referenced task');
    }
  }
}

/** FD Kvnr::verificationIdentity: X0000 followed by 0001 … 5000 — the gematik test identities (A_20751). */
function isVerificationIdentity(kvnr: string): boolean {
  if (!isKvnr(kvnr) || !kvnr.startsWith('X0000')) return false;
  const number = Number(kvnr.slice(5, 9));
  return number >= 1 && number <= 5000;
}

/** A_20753: a test identity never reaches a real insurant's prescription and vice versa. */
function checkVerificationIdentities(messageType: CommunicationMessageType, task: TaskRecord, sender: string, recipient: string): void {
  const insurant = messageType === 'DispReq' ? sender : messageType === 'Reply' || messageType === 'DiGA' ? recipient : undefined;
  if (insurant !== undefined && isVerificationIdentity(insurant) !== isVerificationIdentity(task.kvnr)) {
    throw new FachdienstError(400, 'KVNR verification identities may not access information from insurants and vice versa');
  }
}
