/**
 * Demo prescriptions for training mode: created through the simulator's control API (`POST /_sim/prescriptions`,
 * architecture §6; the client is main/simulator-client/client.ts) only while the simulator has none of ours —
 * remembered in the settings, so a restart does not add three more each time; created anew when the simulator lost
 * them (its state was reset or deleted). Their tokens are printed by browser mode for trainers and QA.
 */
import { z } from 'zod';
import { parseErezeptCode } from '../../shared/erezept/token';
import { AppFailure } from '../errors';
import type { FachdienstApi } from '../fachdienst/client';
import type { Transport } from '../fachdienst/transport';
import { SimulatorControlClient, SimulatorControlError } from '../simulator-client/client';
import type { SettingsStore } from '../store/repositories';

const SEEDED_KEY = 'demo.seededTokens';

export const DEMO_PRESCRIPTION_COUNT = 3;

export interface DemoSeedOptions {
  /** transport to the simulator's base URL (the same one the Fachdienst client uses) */
  transport: Transport;
  /** to ask whether the simulator still knows the remembered prescriptions */
  fachdienst: FachdienstApi;
  settings: SettingsStore;
  count?: number;
}

/** The tokens of the demo prescriptions, creating them when the simulator has none of them. */
export async function ensureDemoPrescriptions(options: DemoSeedOptions): Promise<string[]> {
  const known = z.array(z.string()).safeParse(options.settings.getSecret(SEEDED_KEY));
  if (known.success && known.data.length > 0 && (await anyStillKnown(known.data, options.fachdienst))) return known.data;
  const control = new SimulatorControlClient(options.transport);
  const tokens: string[] = [];
  for (let i = 0; i < (options.count ?? DEMO_PRESCRIPTION_COUNT); i++) {
    try {
      tokens.push((await control.createPrescription({ flowType: '160' })).token);
    } catch (e) {
      if (e instanceof SimulatorControlError && e.kind === 'refused') {
        throw new Error(`Simulator: Demo-Rezept konnte nicht angelegt werden (HTTP ${e.status})`);
      }
      throw e;
    }
  }
  // The tokens carry AccessCodes: kept through the Cipher like every other credential.
  await options.settings.setSecret(SEEDED_KEY, tokens);
  return tokens;
}

/**
 * GET Task/<id>?ac= changes nothing (spec §3.3): 404 = the simulator does not know the Task; any other answer
 * (200 ours, 412 not ours/ready, 410 deleted) means it does. Unreachable counts as known — no seeding blind.
 */
async function anyStillKnown(tokens: string[], fachdienst: FachdienstApi): Promise<boolean> {
  for (const text of tokens) {
    const parsed = parseErezeptCode(text);
    const token = parsed.ok ? parsed.data[0] : undefined;
    if (!token) continue;
    try {
      await fachdienst.getByAccessCode(token.prescriptionId, token.accessCode);
      return true;
    } catch (e) {
      if (!(e instanceof AppFailure) || e.appError.httpStatus !== 404) return true;
    }
  }
  return false;
}
