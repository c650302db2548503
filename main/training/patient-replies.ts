/**
 * What the patient's E-Rezept app received for one prescription (trainer panel): the pharmacies' replies
 * (Communication_Reply, spec erezept-pharmacy §3.11) as the simulator's control API hands them to the patient's app.
 *
 * The payload is whatever a pharmacy wrote — this app or any other — so it is read with the app's lenient reply
 * reader (shared/fhir/communication/reply-payload.ts: no JSON → the text of a v1 reply, unknown fields ignored),
 * then capped for the IPC contract (`trainerReplyCaps`): a text is clipped, a pick-up code that is too long is left
 * out (a clipped code would be a wrong one). Only a reply without its envelope (id, Task, a readable `sent`) is
 * skipped: it cannot be placed at all.
 */
import { availabilityStates, replyLimits, type AvailabilityState } from '../../shared/erezept/communication';
import { readReplyPayload } from '../../shared/fhir/communication';
import { trainerReplyCaps, type TrainerPatientReply } from '../../shared/ipc/contract';
import type { PatientReplyAnswer } from '../simulator-client/client';

/** The replies to this prescription (the patient's app lists them per prescription), oldest first. */
export function patientRepliesOf(prescriptionId: string, answers: readonly PatientReplyAnswer[]): TrainerPatientReply[] {
  return answers
    .filter((answer) => answer.taskId === prescriptionId)
    .flatMap((answer) => {
      const reply = replyOf(answer);
      return reply ? [reply] : [];
    })
    .slice(-trainerReplyCaps.replies);
}

function replyOf(answer: PatientReplyAnswer): TrainerPatientReply | undefined {
  const sent = instantOf(answer.sent);
  if (answer.id === undefined || answer.id.length > 128 || sent === undefined) return undefined;
  const content = readReplyPayload(answer.contentString);
  const reply: TrainerPatientReply = { id: answer.id, sent, text: clipped(content.text, trainerReplyCaps.text) };
  const received = instantOf(answer.received);
  if (received !== undefined) reply.received = received;
  const hr = codeWithin(content.pickUpCodeHR, replyLimits.pickUpCodeHR, trainerReplyCaps.pickUpCodeHR);
  if (hr !== undefined) reply.pickUpCodeHR = hr;
  const dmc = codeWithin(content.pickUpCodeDMC, replyLimits.pickUpCodeDMCV3, trainerReplyCaps.pickUpCodeDMC);
  if (dmc !== undefined) reply.pickUpCodeDMC = dmc;
  // the simulator reads the availability from the payload extension GEM_ERP_EX_AvailabilityState; only the codes of
  // GEM_ERP_CS_AvailabilityStatus have a German text
  if (isAvailabilityState(answer.availability)) reply.availability = answer.availability;
  if (content.supplyOption !== undefined) reply.supplyOption = content.supplyOption;
  return reply;
}

/** An ISO instant as sent, when it is one (at most 40 characters, readable by Date). */
function instantOf(text: string | undefined): string | undefined {
  return text !== undefined && text.length <= 40 && !Number.isNaN(Date.parse(text)) ? text : undefined;
}

/** A pick-up code within the Fachdienst's limit (code points) and the contract's cap (code units), else none. */
function codeWithin(code: string | undefined, codePoints: number, codeUnits: number): string | undefined {
  return code !== undefined && code.length <= codeUnits && [...code].length <= codePoints ? code : undefined;
}

/** Clipped at a code point boundary, with „…“ as the last character, when longer than `max` code units. */
function clipped(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const character of text) {
    if (kept.length + character.length > max - 1) break;
    kept += character;
  }
  return `${kept}…`;
}

const isAvailabilityState = (code: string | undefined): code is AvailabilityState =>
  code !== undefined && Object.hasOwn(availabilityStates, code);
