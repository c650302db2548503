/**
 * The JSON inside `payload[0].contentString` of a DispReq and a Reply (spec erezept-pharmacy §3.11), as the
 * Fachdienst checks it: gematik's JSON schemas `CommunicationDispReqPayloadV1|V3` and
 * `CommunicationReplyPayloadV1|V3` (FD 1.22 `resources/production/schema/shared/json/`, A_23878-01/-02, A_23879,
 * A_23879-01), rewritten here as zod schemas — facts of the schemas, not their text:
 *
 * - v1 DispReq: `version` 1, `supplyOptionsType` onPremise|shipment|delivery (both required), `name` ≤ 100,
 *   `address` string[] (each ≤ 500), `hint` ≤ 500, `phone` ≤ 32; nothing else.
 * - v3 DispReq: `version` 3 and `transactionID` (≤ 50) always; exactly one of
 *   „Delivery & Shipment“ (communicationType order, supplyOptionsType delivery|shipment, firstname/lastname ≤ 45,
 *   address 3–100, postcode 3–10, city 2–100, country 2–3, phone all required), „Reservation“ (order, onPremise,
 *   phone required) and „Message“ (communicationType text, text and transactionID required); hint ≤ 100,
 *   text ≤ 800, phone `^(\+|00)[0-9]+$` ≤ 32, email `^.+@.{1,}\..{1,}$`.
 * - v1 Reply: `version` 1, `supplyOptionsType` (required), `info_text` ≤ 500, `url` ≤ 500, `pickUpCodeHR` ≤ 8,
 *   `pickUpCodeDMC` ≤ 128; nothing else.
 * - v3 Reply: `version` 3, `communicationType`, `transactionID` always; one variant per communicationType (text,
 *   link, reservationStatus, pickupCodeHR, pickupCodeDMC, deliveryStatus, paymentInfo).
 *
 * Note the spelling: the schemas say `transactionID` in both directions. Lengths count code points, as the FD's
 * validator does. JSON Schema's `format: uri` is not checked by the FD's validator, so not here either.
 */
import { z } from 'zod';

/** maxLength/minLength of JSON Schema: counted in code points, not UTF-16 units. */
const text = (min: number, max: number) =>
  z.string().refine((s) => {
    const length = [...s].length;
    return length >= min && length <= max;
  }, `${min > 0 ? `${min}–` : 'at most '}${max} characters expected`);
const upTo = (max: number) => text(0, max);

const supplyOptionsType = z.enum(['onPremise', 'shipment', 'delivery']);

export const dispReqPayloadV1 = z
  .object({
    version: z.literal(1),
    supplyOptionsType,
    name: upTo(100).optional(),
    address: z.array(upTo(500)).optional(),
    hint: upTo(500).optional(),
    phone: upTo(32).optional(),
  })
  .strict();

const v3Common = {
  version: z.literal(3),
  hint: upTo(100).optional(),
  text: upTo(800).optional(),
  phone: upTo(32).regex(/^(\+|00)[0-9]+$/, 'phone: digits after + or 00 expected').optional(),
  email: z.string().regex(/^.+@.{1,}\..{1,}$/, 'email: address expected').optional(),
  transactionID: upTo(50),
};

export const dispReqPayloadV3 = z.union([
  z
    .object({
      ...v3Common,
      communicationType: z.literal('order'),
      supplyOptionsType: z.enum(['delivery', 'shipment']),
      firstname: upTo(45),
      lastname: upTo(45),
      address: text(3, 100),
      postcode: text(3, 10),
      city: text(2, 100),
      country: text(2, 3),
      phone: v3Common.phone.unwrap(),
    })
    .strict(),
  z
    .object({
      ...v3Common,
      communicationType: z.literal('order'),
      supplyOptionsType: z.literal('onPremise'),
      phone: v3Common.phone.unwrap(),
    })
    .strict(),
  z
    .object({ ...v3Common, communicationType: z.literal('text'), text: upTo(800) })
    .strict(),
]);

export const replyPayloadV1 = z
  .object({
    version: z.literal(1),
    supplyOptionsType,
    info_text: upTo(500).optional(),
    url: upTo(500).optional(),
    pickUpCodeHR: upTo(8).optional(),
    pickUpCodeDMC: upTo(128).optional(),
  })
  .strict();

const replyV3Common = { version: z.literal(3), transactionID: upTo(50) };
const httpsUrl = upTo(500).regex(/https:\/\/.+\..+/, 'url: https URL expected');
const unixTime = z.number();

export const replyPayloadV3 = z.union([
  z.object({ ...replyV3Common, communicationType: z.literal('text'), text: upTo(800) }).strict(),
  z.object({ ...replyV3Common, communicationType: z.literal('link'), text: upTo(800), url: httpsUrl }).strict(),
  z
    .object({
      ...replyV3Common,
      communicationType: z.literal('reservationStatus'),
      readyForCollection: z.enum(['immediately', 'sameDay', 'nextDay', 'nextDayAM', 'nextDayPM', 'unknown', 'notAvailable']),
    })
    .strict(),
  z
    .object({
      ...replyV3Common,
      communicationType: z.literal('pickupCodeHR'),
      text: upTo(800).optional(),
      pickupCodeHR: upTo(8).regex(/^[a-zA-Z0-9]+$/, 'pickupCodeHR: letters and digits expected'),
    })
    .strict(),
  z
    .object({ ...replyV3Common, communicationType: z.literal('pickupCodeDMC'), text: upTo(800).optional(), pickupCodeDMC: text(8, 2000) })
    .strict(),
  z
    .object({
      ...replyV3Common,
      communicationType: z.literal('deliveryStatus'),
      text: upTo(800).optional(),
      deliveryStatus: z.enum(['preparedWaiting', 'inTransport', 'delivered', 'incident']),
      inTransportPosition: z.object({ lat: z.number().optional(), long: z.number().optional() }).optional(),
      inTransportETA: z.object({ from: unixTime.optional(), to: unixTime.optional() }).optional(),
    })
    .strict(),
  z
    .object({
      ...replyV3Common,
      communicationType: z.literal('paymentInfo'),
      text: upTo(800).optional(),
      totalAmount: z.number().int(),
      paymentMethods: z.array(
        z.object({ method: z.enum(['cash', 'bankaccount', 'creditcard', 'paypal']), url: httpsUrl.optional() }).loose(),
      ),
    })
    .strict(),
]);
