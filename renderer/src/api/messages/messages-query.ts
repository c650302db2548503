/**
 * The messages with the patients' apps (spec erezept-pharmacy §3.11): the inbox „Nachrichten“ (Zuweisungen as main
 * stored them; „Aktualisieren“ fetches new ones) and the thread of one prescription. Server state in react-query:
 * main's `messages-changed` event invalidates both (app/bridge-events.ts); the mutations store main's answers.
 */
import { queryOptions } from '@tanstack/react-query';
import type { ErxBridge } from '../../../../shared/ipc/contract';
import { invoke } from '../../lib/invoke';

export const messageKeys = {
  all: ['messages'] as const,
  inbox: () => [...messageKeys.all, 'inbox'] as const,
  thread: (prescriptionId: string) => [...messageKeys.all, 'thread', prescriptionId] as const,
};

export const messageInboxQueryOptions = (bridge: ErxBridge) =>
  queryOptions({
    queryKey: messageKeys.inbox(),
    // a read of main's store (no Fachdienst call); new Zuweisungen arrive as `messages-changed`
    queryFn: () => invoke(bridge, 'listMessages', {}),
    staleTime: 5_000,
  });

export const caseMessagesQueryOptions = (bridge: ErxBridge, prescriptionId: string) =>
  queryOptions({
    queryKey: messageKeys.thread(prescriptionId),
    queryFn: () => invoke(bridge, 'caseMessages', { prescriptionId }),
    staleTime: 5_000,
  });
