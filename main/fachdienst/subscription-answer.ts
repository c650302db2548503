/**
 * The request and the answer of `POST /Subscription` (spec erezept-pharmacy §3.11; FD 1.22 SubscriptionPostHandler,
 * A_22363 … A_22366; docs/simulator.md „Subscription ping“): a pharmacy registers for the ping on new Zuweisungen
 * with the criteria `Communication?received=null&recipient=<its own Telematik-ID>`, and the Fachdienst answers with
 * the Subscription's `id`, its `end` and — in `channel.header` — `Authorization: Bearer <token>` for the WebSocket.
 *
 * The answer is untrusted input: read strictly (zod), with size caps, and the token is taken only from a header of
 * exactly that form. The id later travels in the WebSocket text `bind: <id>`, so it is a FHIR id (no spaces, no line
 * breaks). Nothing of the answer names where the WebSocket is: the app derives that itself
 * (main/services/messages-subscription.ts).
 */
import { z } from 'zod';
import { parseTelematikId } from '../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../shared/fhir/xml';

/** What the app needs of a registration: the id to bind, until when it holds, and the WebSocket's bearer token. */
export interface CommunicationSubscription {
  id: string;
  end: Date;
  /** the bearer token of the WebSocket upgrade — a credential: never logged, never shown */
  token: string;
}

/** An answer larger than this is no Subscription of the Fachdienst (the simulator's is some 700 bytes). */
export const MAX_SUBSCRIPTION_ANSWER_CHARS = 64 * 1024;
const MAX_HEADERS = 16;
const MAX_HEADER_CHARS = 8192;
/** a JWS of the Fachdienst is some 300 characters; the cap leaves room for larger keys */
const MAX_TOKEN_CHARS = 4096;

/** A FHIR id (`[A-Za-z0-9\-.]{1,64}`), not dots alone. */
const FHIR_ID = /^(?!\.+$)[A-Za-z0-9\-.]{1,64}$/;
/** FHIR `instant`: date, time and zone required. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** RFC 6750 b64token (a JWS is base64url with dots) — exactly one header of this form carries it. */
const AUTHORIZATION_HEADER = /^Authorization: *Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

const answerSchema = z.object({
  resourceType: z.literal('Subscription'),
  id: z.string().regex(FHIR_ID),
  // `active` is what FD 1.22 answers; `requested` would still mean the registration was taken
  status: z.enum(['active', 'requested']),
  end: z.string().max(40).regex(INSTANT),
  channel: z.object({
    type: z.literal('websocket'),
    header: z.array(z.string().max(MAX_HEADER_CHARS)).min(1).max(MAX_HEADERS),
  }),
});

/** The Subscription the app posts for its own Telematik-ID, or undefined when that is no Telematik-ID. */
export function subscriptionRequest(telematikId: string): FhirResourceJson | undefined {
  if (!parseTelematikId(telematikId).ok) return undefined;
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'Communication notifications',
    // encoded, so a character of the id can never add another search parameter to the criteria
    criteria: `Communication?received=null&recipient=${encodeURIComponent(telematikId)}`,
    channel: { type: 'websocket' },
  };
}

/**
 * Reads the answer to `POST /Subscription`; the reason (English, for support) when it is not usable. Never puts
 * anything of the header values into that reason: one of them is the token.
 */
export function readSubscriptionAnswer(body: unknown): { ok: true; subscription: CommunicationSubscription } | { ok: false; reason: string } {
  const parsed = answerSchema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))].slice(0, 5);
    return { ok: false, reason: `Subscription answer not usable: ${fields.join(', ')}` };
  }
  const tokens = parsed.data.channel.header
    .map((header) => AUTHORIZATION_HEADER.exec(header.trim())?.[1])
    .filter((token): token is string => token !== undefined);
  if (tokens.length !== 1) return { ok: false, reason: `Subscription answer: ${tokens.length} Authorization headers of the form "Bearer <token>"` };
  const token = tokens[0] as string;
  if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'Subscription answer: token too long' };
  const end = new Date(parsed.data.end);
  if (Number.isNaN(end.getTime())) return { ok: false, reason: 'Subscription answer: end is no valid time' };
  return { ok: true, subscription: { id: parsed.data.id, end, token } };
}
