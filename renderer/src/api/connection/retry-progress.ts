/**
 * Automatic retries in progress, by PrescriptionID (spec §8 backoff, docs/reliability.md): main reports each
 * waiting retry with a `retrying` event and its end with `retry-ended`. The entries are event-fed state of
 * main's calls, kept in the react-query cache like the connection status (architecture §5: no other store).
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { RetryProgress } from '../../../../shared/ipc/contract';
import { connectionKeys } from './connection-query';

type RetriesByPrescription = Readonly<Record<string, RetryProgress>>;

const none: RetriesByPrescription = {};

export function recordRetry(queryClient: QueryClient, progress: RetryProgress): void {
  queryClient.setQueryData<RetriesByPrescription>(connectionKeys.retries(), (old) => ({ ...old, [progress.prescriptionId]: progress }));
}

/**
 * The retries of this prescription ended (`retry-ended`, or its call settled: a lost `retry-ended` must not
 * leave a notice standing).
 */
export function clearRetry(queryClient: QueryClient, prescriptionId: string): void {
  queryClient.setQueryData<RetriesByPrescription>(connectionKeys.retries(), (old) => {
    if (!old || !(prescriptionId in old)) return old;
    const { [prescriptionId]: _ended, ...rest } = old;
    return rest;
  });
}

/** Every retry in progress. */
export function useRetries(): RetriesByPrescription {
  const { data } = useQuery<RetriesByPrescription>({
    queryKey: connectionKeys.retries(),
    queryFn: () => none,
    enabled: false,
    staleTime: Infinity,
    gcTime: Infinity,
  });
  return data ?? none;
}

/** The retry in progress for this prescription, if any. */
export function useRetryProgress(prescriptionId: string): RetryProgress | undefined {
  return useRetries()[prescriptionId];
}
