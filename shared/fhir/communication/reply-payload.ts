/**
 * The pharmacy's answer as the payload of a GEM_ERP_PR_Communication_Reply (spec erezept-pharmacy §3.11): the JSON
 * text in `payload[0].contentString` and the two payload extensions — written for sending, read back tolerantly.
 *
 * Payload fields after the Fachdienst's schemas (erp-processing-context 1.22, CommunicationReplyPayloadV1.json and
 * …V3.json — read for the facts, not copied):
 * - v1: `version` 1, `supplyOptionsType` (required), `info_text`, `pickUpCodeHR`, `pickUpCodeDMC`, `url`; no other
 *   field. An empty `url` or code is not sent: the Fachdienst refuses `"url": ""` (URL not valid) and a present code
 *   with another supply option than onPremise, even an empty one.
 * - v3: `version` 3, `communicationType`, `transactionID`, and one kind of message: `pickupCodeHR` (+ `text`),
 *   `pickupCodeDMC` (+ `text`), `link` (`text` + `url`) or `text`. (reservationStatus, deliveryStatus and
 *   paymentInfo are only read back.)
 * - Extensions (1.6 example Communication-7977a4ab…): GEM_ERP_EX_AvailabilityState (valueCoding of
 *   GEM_ERP_CS_AvailabilityStatus) and GEM_ERP_EX_SupplyOptionsType (one valueBoolean sub-extension per option).
 */
import {
  availabilityStates,
  supplyOptions,
  type AvailabilityState,
  type ReplyContent,
  type SupplyOption,
} from '../../erezept/communication';
import { isRecord, records, type Json } from '../kbv/fhir-json';
import { MAX_PAYLOAD_CHARS } from './characters';
import { AVAILABILITY_STATUS_SYSTEM, CommunicationExtensions } from './urls';
import { withoutUndefined } from './without-undefined';

/** The kind of a v3 reply, chosen from what the content carries (at most one of code, DMC code, link). */
export type ReplyV3Type = 'pickupCodeHR' | 'pickupCodeDMC' | 'link' | 'text';

export function replyV3TypeOf(content: ReplyContent): ReplyV3Type {
  if (nonEmpty(content.pickUpCodeHR) !== undefined) return 'pickupCodeHR';
  if (nonEmpty(content.pickUpCodeDMC) !== undefined) return 'pickupCodeDMC';
  if (nonEmpty(content.url) !== undefined) return 'link';
  return 'text';
}

/**
 * The JSON text for `contentString`, in the content's version. Builds what it is given; `checkReply` says first
 * whether the Fachdienst would take it (a v3 content with two kinds of message keeps the first of code, DMC code,
 * link).
 */
export function buildReplyPayload(content: ReplyContent): string {
  const text = nonEmpty(content.text);
  if (content.version === 1) {
    return JSON.stringify({
      version: 1,
      supplyOptionsType: content.supplyOption,
      info_text: text,
      pickUpCodeHR: nonEmpty(content.pickUpCodeHR),
      pickUpCodeDMC: nonEmpty(content.pickUpCodeDMC),
      url: nonEmpty(content.url),
    });
  }
  const type = replyV3TypeOf(content);
  return JSON.stringify({
    version: 3,
    communicationType: type,
    transactionID: nonEmpty(content.transactionId),
    // `text` is required for the types text and link, optional with a pick-up code
    text: type === 'text' || type === 'link' ? content.text : text,
    pickupCodeHR: type === 'pickupCodeHR' ? content.pickUpCodeHR : undefined,
    pickupCodeDMC: type === 'pickupCodeDMC' ? content.pickUpCodeDMC : undefined,
    url: type === 'link' ? content.url : undefined,
  });
}

/** The payload extensions for the content (none when it states neither availability nor offered options). */
export function buildReplyExtensions(content: ReplyContent): Json[] {
  const extensions: Json[] = [];
  if (content.availability !== undefined) {
    extensions.push({
      url: CommunicationExtensions.availabilityState,
      valueCoding: { system: AVAILABILITY_STATUS_SYSTEM, code: content.availability },
    });
  }
  if (content.offeredSupplyOptions !== undefined) {
    const offered = new Set<SupplyOption>(content.offeredSupplyOptions);
    extensions.push({
      url: CommunicationExtensions.supplyOptionsType,
      extension: (['delivery', 'onPremise', 'shipment'] as const).map((option) => ({ url: option, valueBoolean: offered.has(option) })),
    });
  }
  return extensions;
}

/**
 * A Reply's payload read back (one this pharmacy sent, maybe with another app before): whatever can be understood is
 * kept, nothing is refused. A payload that is no JSON object (free text from the time before payload schemas, or
 * gematik's 1.6 example „Eisern“) becomes the text of a v1 reply. Texts are clipped at the Fachdienst's payload size.
 */
export function readReplyPayload(contentString: string | undefined, extensions?: unknown): ReplyContent {
  const extras = readReplyExtensions(extensions);
  const payload = parseObject(contentString);
  if (payload === undefined) {
    return { version: 1, text: clip(contentString ?? ''), ...extras };
  }
  if (payload['version'] === 3 || payload['version'] === '3') {
    return withoutUndefined<ReplyContent>({
      version: 3,
      text: clip(stringOf(payload['text']) ?? ''),
      pickUpCodeHR: stringOf(payload['pickupCodeHR']),
      pickUpCodeDMC: stringOf(payload['pickupCodeDMC']),
      url: stringOf(payload['url']),
      transactionId: stringOf(payload['transactionID']),
      ...extras,
    });
  }
  return withoutUndefined<ReplyContent>({
    version: 1,
    supplyOption: supplyOptionOf(payload['supplyOptionsType']),
    text: clip(stringOf(payload['info_text']) ?? ''),
    pickUpCodeHR: stringOf(payload['pickUpCodeHR']),
    pickUpCodeDMC: stringOf(payload['pickUpCodeDMC']),
    url: stringOf(payload['url']),
    ...extras,
  });
}

function readReplyExtensions(extensions: unknown): Pick<ReplyContent, 'availability' | 'offeredSupplyOptions'> {
  const list = records(extensions);
  const availabilityCode = list
    .filter((e) => e['url'] === CommunicationExtensions.availabilityState)
    .map((e) => (isRecord(e['valueCoding']) ? e['valueCoding']['code'] : undefined))
    .find(isAvailabilityState);
  const offered = list.find((e) => e['url'] === CommunicationExtensions.supplyOptionsType);
  const options = offered
    ? supplyOptions.filter((option) => records(offered['extension']).some((sub) => sub['url'] === option && sub['valueBoolean'] === true))
    : undefined;
  return {
    ...(availabilityCode !== undefined ? { availability: availabilityCode } : {}),
    ...(options !== undefined ? { offeredSupplyOptions: options } : {}),
  };
}

function parseObject(contentString: string | undefined): Record<string, unknown> | undefined {
  if (contentString === undefined || contentString.length > MAX_PAYLOAD_CHARS) return undefined;
  try {
    const parsed: unknown = JSON.parse(contentString);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const isAvailabilityState = (code: unknown): code is AvailabilityState => typeof code === 'string' && Object.hasOwn(availabilityStates, code);

const supplyOptionOf = (value: unknown): SupplyOption | undefined => supplyOptions.find((option) => option === value);

const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? clip(value) : undefined;

const clip = (text: string): string => (text.length > MAX_PAYLOAD_CHARS ? text.slice(0, MAX_PAYLOAD_CHARS) : text);

/** Empty strings count as absent (ReplyContent). */
export const nonEmpty = (value: string | undefined): string | undefined => (value !== undefined && value !== '' ? value : undefined);
