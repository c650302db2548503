/**
 * The switches of the simulated Fachdienst's eGK path (`GET /Task` with a Prüfungsnachweis, spec
 * erezept-pharmacy §3.9), set through `/_sim/egk/settings` and kept in the simulator's settings store — so they
 * live in `<dataDir>/simulator.db` with a data directory, and `/_sim/reset` puts them back to the defaults.
 *
 * The spec digest names the switches but not their values; the defaults are the production Fachdienst's
 * (FD 1.22, `resources/production/01_production.config.json.in`, spec §0 "FD code = today's reality"):
 * - `pn3Accepted` false — a PN with result 3 (no Prüfziffer) is refused with 454 (A_25207) until gematik switches
 *   "AcceptPN3" on at runtime; then the list comes with 202 (A_25209-01).
 * - `hcvEnforced` false — `erp/service/task/get/enforceHcvCheck` is "false": a missing `hcv` is tolerated; 457 only
 *   while enforced (A_27346, A_27279).
 * - `lockAfterMismatches` 100 — `erp/service/task/get/rateLimit` is "100": after that many KVNR/hcv mismatches
 *   (456/458) in one day the caller's Telematik-ID gets 423 (A_27445, A_27446). Lower it to show the lock in training.
 */
import { z } from 'zod';
import type { TaskRepository } from '../repository';

/** Where the eGK path keeps its keys, switches and counters: the simulator state's settings. */
export type SettingsStore = Pick<TaskRepository, 'getSetting' | 'setSetting'>;

const settingsSchema = z
  .object({
    pn3Accepted: z.boolean(),
    hcvEnforced: z.boolean(),
    lockAfterMismatches: z.number().int().min(1).max(1000),
  })
  .strict();

type EgkSettings = z.output<typeof settingsSchema>;

/** what `POST /_sim/egk/settings` takes: any subset of the switches */
export const egkSettingsChangeSchema = settingsSchema.partial().strict();

const DEFAULTS: EgkSettings = { pn3Accepted: false, hcvEnforced: false, lockAfterMismatches: 100 };
const KEY = 'egk.settings';

export function readEgkSettings(store: SettingsStore): EgkSettings {
  const raw = store.getSetting(KEY);
  if (raw === undefined) return { ...DEFAULTS };
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // an unreadable entry counts as unset
  }
  return { ...DEFAULTS };
}

export function updateEgkSettings(store: SettingsStore, change: Partial<EgkSettings>): EgkSettings {
  const next: EgkSettings = { ...readEgkSettings(store) };
  if (change.pn3Accepted !== undefined) next.pn3Accepted = change.pn3Accepted;
  if (change.hcvEnforced !== undefined) next.hcvEnforced = change.hcvEnforced;
  if (change.lockAfterMismatches !== undefined) next.lockAfterMismatches = change.lockAfterMismatches;
  store.setSetting(KEY, JSON.stringify(next));
  return next;
}
