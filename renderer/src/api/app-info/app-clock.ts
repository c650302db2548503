/**
 * The app's "today" as main sees it. In training mode main takes "now" from the simulator's clock, which a
 * trainer may have moved by days (architecture §2); German dates must follow that clock (A_27660), or the
 * editor's pre-flight would call main's handover date "in the future". The renderer has no clock of main's,
 * so it learns the offset from the fresh timestamps main's answers carry (a case just accepted, a draft just
 * saved, a list just sent) and keeps it in react-query like any other server state.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { berlinDate } from '../../../../shared/erezept/dates';
import { appInfoKeys } from './app-info-query';

const clockOffsetKey = [...appInfoKeys.all, 'clock-offset'] as const;

/** Records main's time `iso`, stamped just now (or at `receivedAt`), as the offset to this page's clock. */
export function recordAppTime(queryClient: QueryClient, iso: string | undefined, receivedAt: number = Date.now()): void {
  if (!iso) return;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return;
  queryClient.setQueryData<number>(clockOffsetKey, at - receivedAt);
}

/** Milliseconds main's clock is ahead of this page's (0 until an answer told us). */
function useAppClockOffset(): number {
  const { data } = useQuery<number>({ queryKey: clockOffsetKey, queryFn: () => 0, enabled: false, staleTime: Infinity });
  return data ?? 0;
}

/** The German date of main's clock (the simulator's in training); recomputed when the offset is learnt. */
export function useAppToday(): string {
  const offset = useAppClockOffset();
  return useMemo(() => berlinDate(new Date(new Date().getTime() + offset)), [offset]);
}

/** An instant on `date` (YYYY-MM-DD, German) at noon — for rules that only need the German date of "now". */
export function noonOf(date: string): Date {
  // noon Berlin is 10:00 or 11:00 UTC: never another calendar day, whatever the daylight-saving offset
  return new Date(`${date}T10:30:00Z`);
}
