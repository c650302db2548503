/**
 * The MAC key of the simulator's Prüfziffer (pruefungsnachweis.ts, spec erezept-pharmacy §3.9): 32 random bytes
 * per simulator state, made on first use and kept in the state's settings — in memory, or in
 * `<dataDir>/simulator.db` when the state persists. The simulated Konnektor makes its PNs with it
 * (`makePruefungsnachweis(…, egkProofKey(store))` at ReadVSD), the simulated Fachdienst checks them at `GET /Task`.
 * Always ask this function, never keep a copy: `/_sim/reset` empties the settings, the next call makes a new key,
 * and a PN from before the reset is then refused (403) like one made under a foreign key.
 *
 * A TEST key of the simulator: the real Prüfziffer is made and checked with the insurers' VSDM keys. Never logged.
 */
import { randomBytes } from 'node:crypto';
import type { SettingsStore } from './egk-settings';

const KEY = 'egk.proofKey';
const KEY_BYTES = 32;

export function egkProofKey(store: SettingsStore): Buffer {
  const stored = store.getSetting(KEY);
  if (stored !== undefined && /^[0-9a-f]{64}$/.test(stored)) return Buffer.from(stored, 'hex');
  const key = randomBytes(KEY_BYTES);
  store.setSetting(KEY, key.toString('hex'));
  return key;
}
