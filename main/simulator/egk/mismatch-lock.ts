/**
 * The daily lock of `GET /Task` with a Prüfungsnachweis (spec erezept-pharmacy §3.9 "423 Locked", §8; A_27445,
 * A_27446): every KVNR (456) or hcv (458) mismatch counts for the caller's Telematik-ID; once the day's count
 * reaches the limit (egk-settings.ts, production 100) the Fachdienst answers 423 before any other check of the
 * proof path, for the rest of the day. PoPP requests are not counted and not locked (FD 1.22 checks the lock only
 * on the PN path).
 *
 * "Day" = the German calendar day on the simulator clock (A_27660: dates without zone are German local time).
 * FD 1.22 lets its Redis counter expire at the next UTC midnight (TaskRateLimiter::updateStatistic), i.e. at
 * 01:00/02:00 German time: the simulator releases the lock up to two hours earlier — never stricter.
 * Kept in the settings store, so `/_sim/reset` lifts every lock.
 */
import { berlinDate } from '../../../shared/erezept/dates';
import type { SettingsStore } from './egk-settings';

const PREFIX = 'egk.mismatches.';

function todaysCount(store: SettingsStore, telematikId: string, now: Date): number {
  const raw = store.getSetting(PREFIX + telematikId);
  if (raw === undefined) return 0;
  const match = /^(\d{4}-\d{2}-\d{2}) (\d+)$/.exec(raw);
  return match && match[1] === berlinDate(now) ? Number(match[2]) : 0;
}

export function isLockedToday(store: SettingsStore, telematikId: string, now: Date, limit: number): boolean {
  return todaysCount(store, telematikId, now) >= limit;
}

export function countMismatch(store: SettingsStore, telematikId: string, now: Date): void {
  store.setSetting(PREFIX + telematikId, `${berlinDate(now)} ${todaysCount(store, telematikId, now) + 1}`);
}
