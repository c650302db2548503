/**
 * What `GET /Communication` answers a pharmacy (spec erezept-pharmacy §3.11): a searchset Bundle of the messages it
 * sent or received — or one Communication (`GET /Communication/{id}`). Zuweisungen (GEM_ERP_PR_Communication_DispReq)
 * become `IncomingDispReq`, the pharmacy's own replies (GEM_ERP_PR_Communication_Reply) `SentReply`; the kind is
 * decided by meta.profile (any version). Every other kind, and every message that cannot be read, is named in
 * `unreadable` with a German problem — one bad message never hides the others, and none is dropped silently.
 *
 * Everything here comes from any insurant: size caps on every list and string (zod), the Zuweisung's token only
 * through the strict E-Rezept-Token parser (a relative `Task/<id>/$accept?ac=…` and nothing else: anything absolute
 * or odd makes the message unreadable, A_22078), KVNRs by format (the Fachdienst checks only the format for
 * messages; the check digit only at $activate, spec §1.3 — gematik's examples carry X234567890), the reply's
 * PrescriptionID with its check digits. No output carries a URL; no problem text repeats an AccessCode or a KVNR.
 */
import { z } from 'zod';
import type { IncomingDispReq, SentReply } from '../../erezept/communication';
import { parseKvnrFormat, parsePrescriptionId, type Kvnr } from '../../erezept/identifiers';
import { parseErezeptCode } from '../../erezept/token';
import { err, ok, type Result } from '../../ipc/result';
import { profilesOf, rec, records, splitCanonical, str, type Json } from '../kbv/fhir-json';
import { Extensions, NamingSystems } from '../profiles';
import { MAX_PAYLOAD_CHARS } from './characters';
import { readDispReqPayload } from './dispreq-payload';
import { germanIssue, type FieldLabels } from './german-issue';
import { readReplyPayload } from './reply-payload';
import { CommunicationProfiles, otherCommunicationKinds } from './urls';
import { withoutUndefined } from './without-undefined';

export type CommunicationMessage = IncomingDispReq | SentReply;

export interface UnreadableCommunication {
  /** the Communication.id, when it was a valid FHIR id */
  communicationId?: string;
  /** German, for the pharmacist and support */
  problem: string;
}

export interface CommunicationList {
  messages: CommunicationMessage[];
  unreadable: UnreadableCommunication[];
  /** the query of the Fachdienst's `next` link, to be sent again on `Communication` (never another address) */
  nextPage?: string;
}

/** The Fachdienst pages its searchsets at 50 entries; a page with more than this is not read at all. */
export const MAX_COMMUNICATION_ENTRIES = 200;

const MAX_URL = 300;
const MAX_REFERENCE = 400;
// a FHIR id, but not dots alone: the id becomes a path segment of DELETE Communication/<id>
const fhirIdPattern = /^(?!\.+$)[A-Za-z0-9\-.]{1,64}$/;
// FHIR instant as the Fachdienst writes `sent` and `received`
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

const instant = z.string().max(40).regex(instantPattern);
// a KVNR or a Telematik-ID (up to 128 characters, identifiers.ts), with room to spare
const identifier = z.object({ system: z.string().max(MAX_URL).optional(), value: z.string().max(256) });
const extension = z.object({
  url: z.string().max(MAX_URL),
  valueCoding: z.object({ system: z.string().max(MAX_URL).optional(), code: z.string().max(64).optional() }).optional(),
  extension: z.array(z.object({ url: z.string().max(MAX_URL), valueBoolean: z.boolean().optional() })).max(10).optional(),
});
const communicationSchema = z.object({
  sent: instant,
  received: instant.optional(),
  basedOn: z.array(z.object({ reference: z.string().max(MAX_REFERENCE) })).length(1),
  sender: z.object({ identifier }).optional(),
  recipient: z.array(z.object({ identifier })).max(5).optional(),
  extension: z.array(extension).max(20).optional(),
  payload: z
    .array(z.object({ contentString: z.string().max(MAX_PAYLOAD_CHARS).optional(), extension: z.array(extension).max(10).optional() }))
    .max(5)
    .optional(),
});
type CommunicationFields = z.infer<typeof communicationSchema>;

const labels: FieldLabels = {
  sent: 'Sendezeitpunkt',
  received: 'Abrufzeitpunkt',
  basedOn: 'Bezug auf das Rezept',
  sender: 'Absender',
  recipient: 'Empfänger',
  extension: 'Erweiterung',
  payload: 'Inhalt',
};

/** Reads a `GET /Communication` answer (searchset Bundle) or a single Communication. */
export function readCommunications(json: unknown): Result<CommunicationList, string> {
  const root = rec(json);
  if (!root) return err('Die Antwort des Fachdienstes ist keine Nachrichtenliste (kein FHIR-Objekt).');
  if (root['resourceType'] === 'Communication') return ok(collect([readMessage(root)]));
  if (root['resourceType'] !== 'Bundle') return err('Die Antwort des Fachdienstes ist keine Nachrichtenliste (weder Bundle noch Communication).');
  if (root['type'] !== 'searchset') return err('Die Antwort des Fachdienstes ist keine Trefferliste (searchset).');
  const entries = root['entry'] === undefined ? [] : root['entry'];
  if (!Array.isArray(entries)) return err('Die Trefferliste des Fachdienstes hat keine lesbaren Einträge.');
  if (entries.length > MAX_COMMUNICATION_ENTRIES) {
    return err(`Die Trefferliste des Fachdienstes ist unerwartet lang (${entries.length} Einträge, gelesen werden höchstens ${MAX_COMMUNICATION_ENTRIES}).`);
  }
  const read = entries.map((entry: unknown, index): CommunicationMessage | UnreadableCommunication => {
    const resource = rec(rec(entry)?.['resource']);
    if (!resource) return { problem: `Eintrag ${index + 1} der Trefferliste ist nicht lesbar.` };
    if (resource['resourceType'] !== 'Communication') return { problem: `Eintrag ${index + 1} der Trefferliste ist keine Nachricht.` };
    return readMessage(resource);
  });
  const nextPage = queryOfCommunicationLink(str(records(root['link']).find((link) => link['relation'] === 'next')?.['url']));
  return ok({ ...collect(read), ...(nextPage !== undefined ? { nextPage } : {}) });
}

function collect(read: readonly (CommunicationMessage | UnreadableCommunication)[]): CommunicationList {
  const messages: CommunicationMessage[] = [];
  const unreadable: UnreadableCommunication[] = [];
  for (const item of read) {
    if ('kind' in item) messages.push(item);
    else unreadable.push(item);
  }
  return { messages, unreadable };
}

function readMessage(resource: Json): CommunicationMessage | UnreadableCommunication {
  const id = typeof resource['id'] === 'string' && fhirIdPattern.test(resource['id']) ? resource['id'] : undefined;
  const unreadable = (problem: string): UnreadableCommunication => withoutUndefined({ communicationId: id, problem });
  if (id === undefined) return unreadable('Die Nachricht hat keine gültige Id.');

  const kind = kindOf(profilesOf(resource));
  if (kind !== 'dispreq' && kind !== 'reply') return unreadable(kind.problem);

  const fields = communicationSchema.safeParse(resource);
  if (!fields.success) return unreadable(`Die Nachricht ist nicht lesbar: ${germanIssue(fields.error, labels)}`);
  const read = kind === 'dispreq' ? readDispReq(id, fields.data) : readReply(id, fields.data);
  return typeof read === 'string' ? unreadable(read) : read;
}

type Kind = 'dispreq' | 'reply' | { problem: string };

function kindOf(profiles: readonly string[]): Kind {
  const urls = profiles.map((profile) => splitCanonical(profile).url);
  if (urls.includes(CommunicationProfiles.dispReq)) return 'dispreq';
  if (urls.includes(CommunicationProfiles.reply)) return 'reply';
  const other = urls.map((url) => (Object.hasOwn(otherCommunicationKinds, url) ? otherCommunicationKinds[url] : undefined)).find((name) => name !== undefined);
  if (other !== undefined) return { problem: `Die Nachricht ist ${other} und wird von der App nicht verarbeitet.` };
  return {
    problem:
      urls.length === 0
        ? 'Die Nachricht nennt kein Profil (meta.profile); ihre Art ist unbekannt und sie wird nicht verarbeitet.'
        : 'Die Nachricht hat ein unbekanntes Profil und wird nicht verarbeitet.',
  };
}

/** A Zuweisung: the token from the patient's app, the patient's KVNR and the wish. */
function readDispReq(communicationId: string, fields: CommunicationFields): IncomingDispReq | string {
  const reference = fields.basedOn[0]?.reference ?? '';
  // a bare token only: the JSON form of a DataMatrix code has no place in basedOn
  const parsed = reference.startsWith('Task/') ? parseErezeptCode(reference) : undefined;
  if (!parsed?.ok) {
    const why = parsed === undefined ? 'keine relative Angabe „Task/<Rezept-ID>/$accept?ac=…“' : parsed.error.message;
    return `Der Bezug auf das Rezept ist kein gültiges E-Rezept-Token: ${why}`;
  }
  const [token] = parsed.data;
  // exactly the canonical form (no surrounding whitespace, no second token): anything else is odd, not a Zuweisung
  if (token === undefined || parsed.data.length !== 1 || token.token !== reference) {
    return 'Der Bezug auf das Rezept hat nicht die Form „Task/<Rezept-ID>/$accept?ac=<AccessCode>“.';
  }
  const senderKvnr = kvnrOf(fields.sender?.identifier);
  if (senderKvnr === undefined) return 'Der Absender ist keine gültige Versichertennummer (KVNR).';

  const flowType = fields.extension
    ?.filter((e) => e.url === Extensions.prescriptionType)
    .map((e) => e.valueCoding?.code)
    .find((code): code is string => code !== undefined && /^[0-9]{3}$/.test(code));
  const contentString = fields.payload?.[0]?.contentString;
  const wish = contentString === undefined ? undefined : readDispReqPayload(contentString);
  return withoutUndefined<IncomingDispReq>({
    kind: 'dispreq',
    communicationId,
    sent: fields.sent,
    received: fields.received,
    senderKvnr,
    prescriptionId: token.prescriptionId,
    accessCode: token.accessCode,
    flowType,
    wish: wish?.ok ? wish.data : undefined,
    wishProblem: wish !== undefined && !wish.ok ? wish.error : undefined,
  });
}

// `Task/<PrescriptionID>`, also behind a base address (another app may have written one): only the id is kept.
const replyReference = /^(?:https?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?\/)?Task\/([0-9]{3}(?:\.[0-9]{3}){4}\.[0-9]{2})$/;

/** A reply this pharmacy sent (from this app or another one): the patient's KVNR, the prescription and the content. */
function readReply(communicationId: string, fields: CommunicationFields): SentReply | string {
  const idText = replyReference.exec(fields.basedOn[0]?.reference ?? '')?.[1];
  const prescriptionId = idText === undefined ? undefined : parsePrescriptionId(idText);
  if (!prescriptionId?.ok) return 'Der Bezug auf das Rezept („Task/<Rezept-ID>“) fehlt oder ist ungültig.';
  const recipientKvnr = kvnrOf(fields.recipient?.[0]?.identifier);
  if (recipientKvnr === undefined) return 'Der Empfänger ist keine gültige Versichertennummer (KVNR).';
  const payload = fields.payload?.[0];
  const content =
    payload === undefined || (payload.contentString === undefined && payload.extension === undefined)
      ? undefined
      : readReplyPayload(payload.contentString, payload.extension);
  return withoutUndefined<SentReply>({
    kind: 'reply',
    communicationId,
    sent: fields.sent,
    received: fields.received,
    recipientKvnr,
    prescriptionId: prescriptionId.data,
    content,
  });
}

/** A KVNR of an insurant (GKV system; the old PKV system of early messages is read as well), by format. */
function kvnrOf(id: { system?: string | undefined; value: string } | undefined): Kvnr | undefined {
  if (id === undefined || (id.system !== NamingSystems.kvnr && id.system !== NamingSystems.kvnrPkvLegacy)) return undefined;
  const kvnr = parseKvnrFormat(id.value);
  return kvnr.ok ? kvnr.data : undefined;
}

/**
 * Only a link to `…/Communication?…` is followed, and only its query is kept: the caller sends it again on its own
 * configured Fachdienst (the same policy as the eGK list's next link, fachdienst-responses.ts).
 */
function queryOfCommunicationLink(url: string | undefined): string | undefined {
  if (url === undefined || url.length > 4000) return undefined;
  try {
    const parsed = new URL(url, 'https://fachdienst.invalid/');
    const web = parsed.protocol === 'https:' || parsed.protocol === 'http:';
    return web && /\/Communication$/.test(parsed.pathname) && parsed.search.length > 1 ? parsed.search.slice(1) : undefined;
  } catch {
    return undefined;
  }
}
