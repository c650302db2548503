import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { subscribeBridgeEvents } from '../lib/bridge-events';
import { useBridge } from '../lib/bridge-context';

/** Keeps react-query in step with main's events for as long as the app is mounted. */
export function useBridgeEvents(): void {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  useEffect(() => subscribeBridgeEvents(bridge, queryClient), [bridge, queryClient]);
}
