import { useQuery } from '@tanstack/react-query';
import { useBridge } from '../../lib/bridge-context';
import { caseMessagesQueryOptions, messageInboxQueryOptions } from './messages-query';

/** The inbox „Nachrichten“: the Zuweisungen, open ones first (main's order), and the header badge's count. */
export function useMessageInbox() {
  return useQuery(messageInboxQueryOptions(useBridge()));
}

/** The messages of one prescription, oldest first (A_23796), and whether a reply can be sent. */
export function useCaseMessages(prescriptionId: string) {
  return useQuery(caseMessagesQueryOptions(useBridge(), prescriptionId));
}
