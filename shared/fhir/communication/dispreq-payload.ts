/**
 * The patient's wish in a Zuweisung: `payload[0].contentString` of a GEM_ERP_PR_Communication_DispReq, a JSON text
 * in payload version 1 or 3 (spec erezept-pharmacy §3.11; from 2026-10-01 the AVS must read v3).
 *
 * The fields follow the Fachdienst's schemas (erp-processing-context 1.22,
 * resources/production/schema/shared/json/CommunicationDispReqPayloadV1.json and …V3.json — read for the facts, not
 * copied): v1 `version` 1, `supplyOptionsType` (onPremise|shipment|delivery, required), `name`, `address[]`, `hint`,
 * `phone`; v3 `version` 3, `communicationType` (order|text), `transactionID`, for an order `supplyOptionsType` and for
 * delivery/shipment `firstname`, `lastname`, `address`, `postcode`, `city`, `country`, and `hint`, `text`, `phone`,
 * `email`. The Fachdienst validated the payload when the patient sent it; reading is therefore tolerant where that
 * costs nothing (fields not named are ignored; `version` may be the string "1" as in gematik's own 1.6 example) and
 * strict where it protects the app: size caps (`wishLimits`), strings only, a German problem instead of a throw.
 */
import { z } from 'zod';
import { supplyOptions, wishLimits, type DispReqWish } from '../../erezept/communication';
import { err, ok, type Result } from '../../ipc/result';
import { MAX_PAYLOAD_CHARS } from './characters';
import { germanIssue, type FieldLabels } from './german-issue';
import { withoutUndefined } from './without-undefined';


const text = (max: number) => z.string().max(max);

const v1Schema = z.object({
  supplyOptionsType: z.enum(supplyOptions),
  name: text(wishLimits.name).optional(),
  address: z.array(text(wishLimits.addressLine)).max(wishLimits.addressLines).optional(),
  hint: text(wishLimits.hint).optional(),
  phone: text(wishLimits.phone).optional(),
});

const v3Schema = z.object({
  communicationType: z.enum(['order', 'text']),
  supplyOptionsType: z.enum(supplyOptions).optional(),
  firstname: text(wishLimits.name).optional(),
  lastname: text(wishLimits.name).optional(),
  address: text(wishLimits.addressLine).optional(),
  postcode: text(wishLimits.postcode).optional(),
  city: text(wishLimits.city).optional(),
  country: text(wishLimits.country).optional(),
  hint: text(wishLimits.hint).optional(),
  text: text(wishLimits.text).optional(),
  phone: text(wishLimits.phone).optional(),
  email: text(wishLimits.email).optional(),
  transactionID: text(wishLimits.transactionId).optional(),
});

const labels: FieldLabels = {
  supplyOptionsType: 'Belieferungsart',
  communicationType: 'Nachrichtenart',
  name: 'Name',
  firstname: 'Vorname',
  lastname: 'Nachname',
  address: 'Adresse',
  postcode: 'Postleitzahl',
  city: 'Ort',
  country: 'Land',
  hint: 'Hinweis',
  text: 'Nachricht',
  phone: 'Telefon',
  email: 'E-Mail',
  transactionID: 'Vorgangsnummer',
};

const PREFIX = 'Die Angaben der Zuweisung sind nicht lesbar: ';

/** Reads the wish of a DispReq payload (v1 or v3), or says in German why it cannot. */
export function readDispReqPayload(contentString: string): Result<DispReqWish, string> {
  if (typeof contentString !== 'string') return err(`${PREFIX}kein Text.`);
  if (contentString.length > MAX_PAYLOAD_CHARS) return err(`${PREFIX}zu lang (mehr als ${MAX_PAYLOAD_CHARS} Zeichen).`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(contentString);
  } catch {
    return err(`${PREFIX}kein gültiges JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err(`${PREFIX}kein JSON-Objekt.`);
  const payload = parsed as Record<string, unknown>;
  const version = payloadVersion(payload['version']);
  if (version === undefined) return err(`${PREFIX}unbekannte oder fehlende Version (gelesen werden 1 und 3).`);
  return version === 1 ? readV1(payload) : readV3(payload);
}

/**
 * `version` as the number 1 or 3. The string form is accepted too: gematik's DispReq example of workflow 1.6 writes
 * `"version": "1"` (the Fachdienst itself would refuse that, its check wants an integer).
 */
function payloadVersion(value: unknown): 1 | 3 | undefined {
  if (value === 1 || value === '1') return 1;
  if (value === 3 || value === '3') return 3;
  return undefined;
}

function readV1(payload: Record<string, unknown>): Result<DispReqWish, string> {
  const read = v1Schema.safeParse(payload);
  if (!read.success) return err(PREFIX + germanIssue(read.error, labels));
  const p = read.data;
  const lines = (p.address ?? []).filter(present);
  return ok(
    withoutUndefined<DispReqWish>({
      version: 1,
      supplyOption: p.supplyOptionsType,
      name: given(p.name),
      addressLines: lines.length > 0 ? lines : undefined,
      hint: given(p.hint),
      phone: given(p.phone),
    }),
  );
}

function readV3(payload: Record<string, unknown>): Result<DispReqWish, string> {
  const read = v3Schema.safeParse(payload);
  if (!read.success) return err(PREFIX + germanIssue(read.error, labels));
  const p = read.data;
  // §3.11: an order names how the patient wants the medicine; a text message (a question) does not.
  if (p.communicationType === 'order' && p.supplyOptionsType === undefined) {
    return err(`${PREFIX}„${labels['supplyOptionsType']}“ fehlt bei einer Bestellung.`);
  }
  const name = [p.firstname, p.lastname].filter(present).join(' ');
  const street = given(p.address);
  return ok(
    withoutUndefined<DispReqWish>({
      version: 3,
      supplyOption: p.supplyOptionsType,
      communicationType: p.communicationType,
      name: given(name),
      addressLines: street === undefined ? undefined : [street],
      postcode: given(p.postcode),
      city: given(p.city),
      country: given(p.country),
      hint: given(p.hint),
      text: given(p.text),
      phone: given(p.phone),
      email: given(p.email),
      transactionId: given(p.transactionID),
    }),
  );
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
const given = (value: string | undefined): string | undefined => (present(value) ? value : undefined);
