/**
 * The payload check of POST /Communication in the Fachdienst's order (FD 1.22 Communication::verifyPayload and
 * verifySupplyOptionsType, A_19450-01, A_23876-01 … A_23879-01; spec erezept-pharmacy §3.11):
 *
 * 1. `payload`, when present: exactly one item, and that a `contentString` (no contentReference/Attachment);
 * 2. at most 10 240 bytes (UTF-8) — „Payload must not exceed 10 KB.“;
 * 3. an empty or missing contentString is not checked further;
 * 4. DispReq and Reply: the content is JSON with an integer `version` 1 or 3 (a string "1" is refused); v1 is
 *    valid until 31.12.2099, v3 from 01.10.2026 (German date of the FD's clock, the FD's configuration);
 * 5. the JSON schema of that version (payload-schemas.ts); Reply v1 also: a pick-up code only with onPremise,
 *    a `url` only with scheme and host;
 * 6. DispReq of a T-Rezept (flow 166): only onPremise or delivery (A_23878-01).
 * Other profiles carry free text, which is not checked.
 *
 * What the FD refuses here is a ModelException → 400 „Invalid request body“ with the reason as diagnostics, or a
 * schema violation → 400 „Invalid payload: does not conform to expected JSON schema: …“.
 *
 * Characters: „no non-printable characters“ is a rule for the patient's app (api-erp erp_communication.adoc, the
 * FdV specification); the FD has no check of its own for control or replacement characters in payload strings. What it
 * refuses comes from its parsers — an unescaped control character in JSON, any C0 control but TAB/LF/CR in XML,
 * invalid UTF-8 — and those are refused before this point (format.ts parseFhirBody). LF, CR and TAB are explicitly
 * allowed by FHIR's string type (`[ \r\n\t\S]+`); escaped controls, C1 controls, U+FEFF inside a text and U+FFFD pass
 * the FD. So they pass here too: the simulator must never be stricter than the Fachdienst (docs/simulator.md).
 */
import type { z } from 'zod';
import type { FlowType } from '../../../../shared/erezept/identifiers';
import type { CommunicationMessageType } from '../../communication-record';
import { FachdienstError } from '../../operation-outcome';
import { dispReqPayloadV1, dispReqPayloadV3, replyPayloadV1, replyPayloadV3 } from './payload-schemas';

/** FD CommunicationPayload::maxPayloadSize */
const MAX_PAYLOAD_BYTES = 10_240;
/** FD configuration `payloadV1ValidUntil` / `payloadV3ValidFrom` (01_production.config.json) */
export const PAYLOAD_V1_VALID_UNTIL = '2099-12-31';
export const PAYLOAD_V3_VALID_FROM = '2026-10-01';

export const INVALID_BODY = 'Invalid request body';

const invalidBody = (reason: string): FachdienstError => new FachdienstError(400, INVALID_BODY, { diagnostics: reason });

/** The contentString of payload[0], or undefined when the message carries none. Throws like the FD on a bad shape. */
export function payloadContent(resource: Record<string, unknown>): string | undefined {
  const payload = resource['payload'];
  if (payload === undefined) return undefined;
  if (!Array.isArray(payload)) throw invalidBody("Element 'payload' must be array.");
  if (payload.length !== 1) throw invalidBody('Must be exactly one payload item.');
  const item: unknown = payload[0];
  const content = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['contentString'] : undefined;
  if (typeof content !== 'string') throw invalidBody("Payload type must be 'contentString'.");
  return content;
}

export interface PayloadContext {
  messageType: CommunicationMessageType;
  flowType: FlowType | string;
  /** the FD's German date today (YYYY-MM-DD) */
  today: string;
}

export function verifyPayload(resource: Record<string, unknown>, context: PayloadContext): void {
  const content = payloadContent(resource);
  if (content !== undefined) {
    if (Buffer.byteLength(content, 'utf8') > MAX_PAYLOAD_BYTES) throw invalidBody('Payload must not exceed 10 KB.');
    if (content.length > 0 && (context.messageType === 'DispReq' || context.messageType === 'Reply')) {
      verifyVersionedPayload(content, context.messageType, context.today);
    }
  }
  if (context.messageType === 'DispReq' && context.flowType === '166') verifyTRezeptSupplyOption(content);
}

function verifyVersionedPayload(content: string, messageType: 'DispReq' | 'Reply', today: string): void {
  const json = parseJson(content);
  const version = json['version'];
  if (typeof version !== 'number' || !Number.isInteger(version)) throw invalidBody("version must be 'integer'");
  if (version !== 1 && version !== 3) throw invalidBody(`Invalid payload version: ${version}`);
  if (version === 1 && today > PAYLOAD_V1_VALID_UNTIL) {
    throw invalidBody('Communication payload version 1 was valid until 31.12.2099');
  }
  if (version === 3 && today < PAYLOAD_V3_VALID_FROM) {
    throw invalidBody('Communication payload version 3 will be valid from 01.10.2026');
  }
  const schema: z.ZodType = messageType === 'DispReq' ? (version === 1 ? dispReqPayloadV1 : dispReqPayloadV3) : version === 1 ? replyPayloadV1 : replyPayloadV3;
  const checked = schema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new FachdienstError(400, 'Invalid payload: does not conform to expected JSON schema: validation of JSON document failed', {
      diagnostics: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    });
  }
  if (messageType === 'Reply' && version === 1) verifyReplyV1(json);
}

function parseJson(content: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw invalidBody('Invalid JSON in payload.contentString');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidBody("version must be 'integer'");
  return parsed as Record<string, unknown>;
}

/** FD CommunicationPayload::validateJsonSchema, the v1 Reply rules beyond the schema. */
function verifyReplyV1(json: Record<string, unknown>): void {
  if ((json['pickUpCodeHR'] !== undefined || json['pickUpCodeDMC'] !== undefined) && json['supplyOptionsType'] !== 'onPremise') {
    throw invalidBody("Invalid payload: Value of 'supplyOptionsType' must be 'onPremise'");
  }
  const url = json['url'];
  if (typeof url === 'string' && !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#:@\s]+/.test(url)) {
    throw invalidBody('Invalid payload: URL not valid.');
  }
}

/** A_23878-01: a T-Rezept may only be picked up or brought by the pharmacy's messenger. */
function verifyTRezeptSupplyOption(content: string | undefined): void {
  if (content === undefined || content.length === 0) throw invalidBody('value is not existing');
  const supplyOption = parseJson(content)['supplyOptionsType'];
  if (typeof supplyOption !== 'string') throw invalidBody("supplyOptionsType must be 'string'");
  if (supplyOption !== 'onPremise' && supplyOption !== 'delivery') {
    throw new FachdienstError(400, 'for flowType 166 only onPremise and delivery are allowed');
  }
}
