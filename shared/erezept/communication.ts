/**
 * The messages between patients' apps and the pharmacy (spec erezept-pharmacy §3.11), without FHIR: what a
 * Zuweisung (DispReq) asks for and what a reply (Communication_Reply) says. The FHIR side is
 * `shared/fhir/communication/`; the Fachdienst's JSON payloads (v1, v3) are read and written there.
 *
 * Everything in an incoming message is untrusted input from any insurant: the token went through the strict
 * E-Rezept-Token parser (token.ts), the wish through size-capped schemas; nothing of it is ever a URL the app follows.
 */
import type { AccessCode, Kvnr, PrescriptionId } from './identifiers';

/** The patient's wish how to get the medicine (payload `supplyOptionsType`, §3.11). */
export const supplyOptions = ['onPremise', 'delivery', 'shipment'] as const;
export type SupplyOption = (typeof supplyOptions)[number];

/** The payload versions the app reads; it answers in the version the patient used, v1 where both are possible. */
export type PayloadVersion = 1 | 3;

/**
 * Size caps of the wish's fields when it is read (UTF-16 code units, as the IPC contract's zod schemas count). They
 * are at least the limits of the Fachdienst's payload schemas (erp-processing-context 1.22,
 * CommunicationDispReqPayloadV1/V3.json): v1 name ≤ 100, address lines ≤ 500 each, hint ≤ 500, phone ≤ 32; v3
 * firstname/lastname ≤ 45 each, address ≤ 100, postcode ≤ 10, city ≤ 100, country ≤ 3, hint ≤ 100, text ≤ 800,
 * transactionID ≤ 50 — counted there in code points, so only a field full of emoji (two code units each) could
 * pass the Fachdienst and exceed a cap here; its wish is then shown as unreadable, the Zuweisung stays usable. Where
 * the schema names no limit (the number of v1 address lines, email) the cap is generous; the whole payload is ≤
 * 10 240 bytes at the Fachdienst anyway.
 */
export const wishLimits = {
  /** v1 `name`, and each of v3 `firstname` / `lastname` (joined they may reach 2 · name + 1) */
  name: 100,
  addressLine: 500,
  addressLines: 10,
  postcode: 10,
  city: 100,
  country: 60,
  hint: 500,
  phone: 32,
  email: 254,
  text: 800,
  transactionId: 64,
} as const;

/**
 * What the patient asked for (payload v1 or v3 of a DispReq, §3.11). Every field is optional except the version;
 * v1 carries the name as one string and the address as lines, v3 split fields. The supply option is there in every
 * v1 payload and every v3 `order`; a v3 `text` message (a question, no order) has none.
 */
export interface DispReqWish {
  version: PayloadVersion;
  supplyOption?: SupplyOption;
  /** v3 `communicationType`: `order` (a Zuweisung) or `text` (a question without order) */
  communicationType?: 'order' | 'text';
  /** v1 `name`, or v3 `firstname` + `lastname` joined */
  name?: string;
  /** v1 `address[]`, or v3 `address` (street and number) */
  addressLines?: string[];
  postcode?: string;
  city?: string;
  country?: string;
  /** v1 and v3 `hint` */
  hint?: string;
  /** v3 `text` */
  text?: string;
  phone?: string;
  email?: string;
  /** v3 `transactionId`: echoed as `transactionID` in a v3 reply */
  transactionId?: string;
}

/** An incoming Zuweisung as the inbox shows it. */
export interface IncomingDispReq {
  kind: 'dispreq';
  /** Communication.id at the Fachdienst */
  communicationId: string;
  /** when the patient sent it (Communication.sent, ISO instant) */
  sent: string;
  /** when this pharmacy first fetched it (Communication.received, stamped by the Fachdienst) */
  received?: string;
  senderKvnr: Kvnr;
  prescriptionId: PrescriptionId;
  accessCode: AccessCode;
  /** GEM_ERP_EX_PrescriptionType, when given */
  flowType?: string;
  /** undefined when the payload is missing or unreadable: the message can still be accepted, the wish is unknown */
  wish?: DispReqWish;
  /** German, when the payload could not be read (`wish` then undefined) */
  wishProblem?: string;
}

/** The availability a reply may state (GEM_ERP_CS_AvailabilityStatus, payload extension). */
export const availabilityStates = {
  '10': 'sofort verfügbar',
  '20': 'noch am selben Tag',
  '30': 'am nächsten Tag',
  '40': 'später als am nächsten Tag',
  '90': 'nicht verfügbar',
} as const;
export type AvailabilityState = keyof typeof availabilityStates;

/**
 * Reply payload limits (§3.11; the Fachdienst's schemas CommunicationReplyPayloadV1/V3.json, which count Unicode code
 * points): v1 info_text/url ≤ 500, pickUpCodeHR ≤ 8, pickUpCodeDMC ≤ 128; v3 text ≤ 800, url ≤ 500, pickupCodeHR ≤ 8,
 * pickupCodeDMC 8–2000, transactionID ≤ 50; the whole payload (contentString) ≤ 10 240 bytes UTF-8.
 */
export const replyLimits = {
  infoTextV1: 500,
  textV3: 800,
  url: 500,
  pickUpCodeHR: 8,
  pickUpCodeDMC: 128,
  pickUpCodeDMCV3Min: 8,
  pickUpCodeDMCV3: 2000,
  transactionIdV3: 50,
  payloadBytes: 10240,
} as const;

/**
 * What the pharmacy answers (Communication_Reply payload, §3.11). Empty strings count as absent. A v3 payload carries
 * one kind of message (`communicationType`): a pick-up code, or a link, or a text — so at most one of
 * `pickUpCodeHR`, `pickUpCodeDMC` and `url` (checkReply says so before sending).
 */
export interface ReplyContent {
  version: PayloadVersion;
  /** v1 `supplyOptionsType` (required there); a v3 payload has no such field */
  supplyOption?: SupplyOption;
  /** v1 `info_text` / v3 `text` */
  text: string;
  /** the human-readable pick-up code (≤ 8 characters) */
  pickUpCodeHR?: string;
  /** the pick-up code for a DataMatrix (v1 ≤ 128 characters, v3 8–2000) */
  pickUpCodeDMC?: string;
  /** v1 `url`, v3 `url` of a `link` message (the pharmacy's shop or order page) */
  url?: string;
  /** payload extension GEM_ERP_EX_AvailabilityState */
  availability?: AvailabilityState;
  /** payload extension GEM_ERP_EX_SupplyOptionsType: the supply options the pharmacy offers */
  offeredSupplyOptions?: SupplyOption[];
  /** v3: the DispReq's transactionId, echoed */
  transactionId?: string;
}

/** A reply this pharmacy sent, as read back from the Fachdienst. */
export interface SentReply {
  kind: 'reply';
  communicationId: string;
  sent: string;
  /** when the patient's app fetched it */
  received?: string;
  recipientKvnr: Kvnr;
  prescriptionId: PrescriptionId;
  content?: ReplyContent;
}
