/**
 * The ONE place that listens to main's events (architecture §4): they only invalidate or update
 * react-query caches, so every screen shows the new state through its own queries.
 */
import type { QueryClient } from '@tanstack/react-query';
import { appEventSchema, type AppEvent, type ErxBridge } from '../../../shared/ipc/contract';
import { appInfoKeys } from '../features/app-info/api/app-info-query';
import { caseKeys } from '../features/cases/api/case-query';

export type ConnectionState = Extract<AppEvent, { type: 'connection' }>['state'];

export function applyAppEvent(queryClient: QueryClient, event: AppEvent): void {
  switch (event.type) {
    case 'case-changed':
      void queryClient.invalidateQueries({ queryKey: caseKeys.detail(event.prescriptionId) });
      void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
      return;
    case 'cases-changed':
      void queryClient.invalidateQueries({ queryKey: caseKeys.all });
      return;
    case 'connection':
      queryClient.setQueryData<ConnectionState>(appInfoKeys.connection(), event.state);
      return;
  }
}

/** Subscribes to the bridge's events; returns the unsubscribe function (for a useEffect cleanup). */
export function subscribeBridgeEvents(bridge: ErxBridge, queryClient: QueryClient): () => void {
  return bridge.onEvent((raw) => {
    // Events cross a process boundary: check their shape instead of trusting it.
    const parsed = appEventSchema.safeParse(raw);
    if (parsed.success) applyAppEvent(queryClient, parsed.data);
  });
}
