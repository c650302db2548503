import type { TFunction } from 'i18next';
import { formatDateTime } from '../../lib/format';

/**
 * A state with who and when, as the thread and the inbox show it („angenommen von AB am 05.10.2026, 10:30“): the
 * Kürzel only when main knows it (a reply fetched from another counter has none), the time only when stamped.
 */
export function handledText(
  t: TFunction,
  state: string,
  handledBy: string | undefined,
  handledAt: string | undefined,
): string {
  if (!handledAt) return state;
  const time = formatDateTime(handledAt);
  return handledBy
    ? t('messages.handled', { state, staff: handledBy, time })
    : t('messages.handledAt', { state, time });
}
