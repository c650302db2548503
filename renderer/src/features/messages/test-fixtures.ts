/**
 * Test data for the messages' component tests, in the IPC contract's shapes (spec §3.11), and the way a test sets
 * what main answers on a messages channel: the fake bridge parses every answer with the contract, so these must be
 * what main could send.
 */
import type { Mock } from 'vitest';
import type { AppError, CaseMessages, MessageInbox, MessageRequest } from '../../../../shared/ipc/contract';
import type { BridgeData, BridgeMethod } from '../../lib/bridge';
import { ids } from '../../test/fixtures';

type CaseMessage = CaseMessages['messages'][number];

/** A v1 Zuweisung for pick-up, new. */
export function messageRequest(overrides: Partial<MessageRequest> = {}): MessageRequest {
  return {
    communicationId: 'c-dispreq-1',
    prescriptionId: ids.first,
    sent: '2026-10-05T07:45:00.000Z',
    state: 'new',
    wish: {
      version: 1,
      supplyOption: 'onPremise',
      name: 'Ludger Königsstein',
      addressLines: ['Musterstr. 1'],
      postcode: '10623',
      city: 'Berlin',
      phone: '030 1234567',
      hint: 'Bitte bis Freitag zurücklegen.',
    },
    hasCase: false,
    ...overrides,
  };
}

/** The inbox with these Zuweisungen; `open` counts the new ones, as main does. */
export function messageInbox(
  requests: MessageRequest[],
  overrides: Partial<MessageInbox> = {},
): MessageInbox {
  return { open: requests.filter((r) => r.state === 'new').length, requests, ...overrides };
}

export function requestMessage(
  overrides: Partial<Extract<CaseMessage, { kind: 'dispreq' }>> = {},
): CaseMessage {
  const { communicationId, sent, wish } = messageRequest();
  return {
    kind: 'dispreq',
    communicationId,
    sent,
    state: 'accepted',
    handledAt: '2026-10-05T08:00:00.000Z',
    handledBy: 'AB',
    wish,
    ...overrides,
  };
}

export function replyMessage(overrides: Partial<Extract<CaseMessage, { kind: 'reply' }>> = {}): CaseMessage {
  return {
    kind: 'reply',
    communicationId: 'c-reply-1',
    sent: '2026-10-05T08:10:00.000Z',
    state: 'sent',
    handledBy: 'MK',
    text: 'Ihr Arzneimittel liegt zur Abholung bereit. Abholcode: K7P3MX',
    pickUpCode: 'K7P3MX',
    availability: '10',
    supplyOption: 'onPremise',
    ...overrides,
  };
}

/** A thread the pharmacy can answer in payload v1. */
export function caseThread(overrides: Partial<CaseMessages> = {}): CaseMessages {
  return {
    messages: [requestMessage()],
    replyVersion: 1,
    supplyOption: 'onPremise',
    canReply: true,
    ...overrides,
  };
}

/** The fake bridge's `vi.fn` for `method` (its `calls`), to assert what the app sent. */
export const bridgeCall = (calls: object, method: BridgeMethod): Mock => Reflect.get(calls, method) as Mock;

/** From now on, main answers `data` on `method` (the fake's `calls`). */
export function answerWith<M extends BridgeMethod>(calls: object, method: M, data: BridgeData<M>): void {
  bridgeCall(calls, method).mockResolvedValue({ ok: true, data });
}

/** Main answers `method` once with this refusal. */
export function refuseOnce(calls: object, method: BridgeMethod, error: AppError): void {
  bridgeCall(calls, method).mockResolvedValueOnce({ ok: false, error });
}
