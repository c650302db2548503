/**
 * POST /Subscription — a pharmacy registers for the ping on new Communications (spec erezept-pharmacy §3.11; FD 1.22
 * SubscriptionPostHandler, A_22362-01 role check in app.ts, A_22363, A_22364, A_22365, A_22366; subscriptions.ts):
 * body a FHIR Subscription with `criteria` `Communication?…recipient=<Telematik-ID>` and `status` `requested`.
 * No recipient → 400 „Missing recipient“; another status → 400 „Request status not supported“; a recipient other than
 * the caller → 403 „ID mismatch“ (a pharmacy registers only for itself). 200: the Subscription with id, `status`
 * active, `reason` „communication notifications“, `end` in 12 hours and `channel` {type websocket, header
 * [`Authorization: Bearer <token>`]}. A body that is no Subscription → 400 „Error during request parsing.“
 */
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { parseFhirBody } from '../format';
import { FachdienstError } from '../operation-outcome';
import { SUBSCRIPTION_LIFETIME_MS } from '../subscriptions';
import type { OperationRequest, OperationResult, SimulatorState } from './context';

export async function postSubscription(state: SimulatorState, request: OperationRequest): Promise<OperationResult> {
  const subscription = parseFhirBody(request.body, request.contentType);
  if (subscription.resourceType !== 'Subscription') {
    throw new FachdienstError(400, 'Error during request parsing.', { diagnostics: `resourceType ${subscription.resourceType}` });
  }
  const recipient = recipientOf(subscription['criteria']);
  if (recipient === undefined || recipient === '') throw new FachdienstError(400, 'Missing recipient');
  if (subscription['status'] !== 'requested') throw new FachdienstError(400, 'Request status not supported');
  if (recipient !== request.caller.idNummer) throw new FachdienstError(403, 'ID mismatch');

  const now = state.clock.now();
  const id = state.subscriptions.subscriptionIdOf(recipient);
  const token = await state.subscriptions.issueToken(id, now);
  const channel = (typeof subscription['channel'] === 'object' && subscription['channel'] !== null ? subscription['channel'] : {}) as Record<string, unknown>;
  const answer: FhirResourceJson = {
    ...subscription,
    id,
    status: 'active',
    reason: 'communication notifications',
    end: new Date(now.getTime() + SUBSCRIPTION_LIFETIME_MS).toISOString(),
    channel: { ...channel, type: 'websocket', header: [`Authorization: Bearer ${token}`] },
  };
  return { status: 200, resource: answer };
}

/** FD model::Subscription: the `recipient` argument of criteria `Communication?…`. */
function recipientOf(criteria: unknown): string | undefined {
  if (typeof criteria !== 'string') return undefined;
  const [target, query = ''] = criteria.split('?');
  if (target !== 'Communication') return undefined;
  return new URLSearchParams(query).get('recipient') ?? undefined;
}
