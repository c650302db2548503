/**
 * The simulated TI beside the Fachdienst (`npm run simulator -- --ti`, spec ti-transport §4): the VAU in front of
 * the same Fachdienst app, the IDP under `/idp/`, the Konnektor under `/konnektor/`, and their control switches
 * under `/_sim/ti/` (faults for the new hops; the Konnektor's cards, PIN and outage under `/_sim/ti/konnektor/`;
 * docs/simulator.md).
 *
 * The Konnektor is served always, also without `--ti` (mountKonnektorSimulation): training reads the patients'
 * eGKs through it (spec erezept-pharmacy §3.9), with the eGK switches under `/_sim/egk`. Without `--ti` its SMC-Bs
 * come from the same material folder; an installed app has none, and its Konnektor then holds one training SMC-B
 * made at start (konnektor/training-smcb.ts).
 */
import type { Context, Hono } from 'hono';
import { Hono as HonoApp } from 'hono';
import { z } from 'zod';
import { parseOrRefuse } from '../control-error';
import { idpApp, initialIdpState, type IdpSimulationState } from './idp/idp-app';
import { findMaterialFolder, loadTiSimulationMaterial, MissingMaterialError, type TiSimulationMaterial } from './material';
import { initialVauState, vauApp, vauFaultKinds, type VauDispatchEnv, type VauSimulationState } from './vau/vau-app';
import { loadCards, type CardMaterial } from './konnektor/card-material';
import type { KnownPatient } from './konnektor/egk-patient-lookup';
import { egkTerminalControl } from './konnektor/egk-terminal-control';
import { konnektorApp } from './konnektor/konnektor-app';
import { konnektorControl } from './konnektor/konnektor-control';
import { KonnektorState } from './konnektor/konnektor-state';
import { createTrainingSmcb } from './konnektor/training-smcb';

export interface TiSimulation {
  material: TiSimulationMaterial;
  vau: VauSimulationState;
  idp: IdpSimulationState;
  /** the cards in the simulated Konnektor (one SMC-B at the default workplace at the start) */
  konnektor: KonnektorState;
}

export function createTiSimulation(material: TiSimulationMaterial = loadTiSimulationMaterial(), now: () => Date = () => new Date()): TiSimulation {
  // the ECC cards first (the one inserted at the start), then the RSA-only card when the material has it in play
  const cards = [...loadCards(material.smcbFolder), ...(material.rsaSmcbFolder === undefined ? [] : loadCards(material.rsaSmcbFolder))];
  return { material, vau: initialVauState(), idp: initialIdpState(), konnektor: new KonnektorState(cards, { now }) };
}

/**
 * Back to the start (`/_sim/reset`): no faults, keys as served normally. The Konnektor is reset by its own mount
 * (mountKonnektorSimulation), with or without `--ti`.
 */
export function resetTiSimulation(simulation: TiSimulation): void {
  simulation.vau = Object.assign(simulation.vau, initialVauState());
  simulation.idp = Object.assign(simulation.idp, initialIdpState());
}

/** The simulated Konnektor as the simulator serves it: its state and the anchors VerifyCertificate trusts. */
export interface KonnektorSimulation {
  state: KonnektorState;
  trustAnchors: readonly Uint8Array[];
}

/** The Konnektor of a `--ti` simulation: VerifyCertificate knows the simulation's CA (VAU, IDP) and the card CAs (spec ti-transport §3.6). */
export function konnektorOfTiSimulation(simulation: TiSimulation): KonnektorSimulation {
  const { material } = simulation;
  return { state: simulation.konnektor, trustAnchors: [material.simulationCa.raw, ...material.cardCas.map((ca) => ca.raw)] };
}

/** loaded once per process and material choice: every simulator app without `--ti` would otherwise parse the cards again */
const standaloneMaterial = new Map<string, { cards: readonly CardMaterial[]; trustAnchors: readonly Uint8Array[] }>();

/**
 * Where the SMC-Bs of a Konnektor without `--ti` come from: `test-material` = the vendored TEST-ONLY cards when the
 * material folder is there (a checkout), else a generated training card; `generated` = the generated card always
 * (what an installed app has, for tests of that case).
 */
export type StandaloneCards = 'test-material' | 'generated';

/** the Telematik-ID the generated training SMC-B carries (its Admission registrationNumber) */
export const TRAINING_SMCB_TELEMATIK_ID = '3-TRAINING-NUR-TEST';

/**
 * The Konnektor of a simulator without `--ti` (the embedded one in training): the same SMC-Bs as with `--ti` when
 * the material folder is there, else one generated training SMC-B (an installed app ships no test material).
 */
export function createKonnektorSimulation(now: () => Date, cards: StandaloneCards = 'test-material'): KonnektorSimulation {
  const loaded = cards === 'test-material' ? testMaterialCards(now) : undefined;
  if (loaded === undefined) {
    return { state: new KonnektorState([createTrainingSmcb(TRAINING_SMCB_TELEMATIK_ID, now())], { now }), trustAnchors: [] };
  }
  return { state: new KonnektorState(loaded.cards, { now }), trustAnchors: loaded.trustAnchors };
}

function testMaterialCards(now: () => Date): { cards: readonly CardMaterial[]; trustAnchors: readonly Uint8Array[] } | undefined {
  let key: string;
  try {
    key = `${findMaterialFolder()}|${process.env['ERX_TI_SIMULATION_RSA_CARD'] ?? ''}`;
  } catch (error) {
    if (error instanceof MissingMaterialError) return undefined;
    throw error;
  }
  let loaded = standaloneMaterial.get(key);
  if (loaded === undefined) {
    const simulation = createTiSimulation(loadTiSimulationMaterial(), now);
    loaded = { cards: simulation.konnektor.cards, trustAnchors: konnektorOfTiSimulation(simulation).trustAnchors };
    standaloneMaterial.set(key, loaded);
  }
  return loaded;
}

export interface KonnektorMountDeps {
  now: () => Date;
  /** the simulator's own base, e.g. `http://127.0.0.1:PORT` (connector.sds names absolute endpoints) */
  origin: () => string;
  /** the MAC key of ReadVSD's Prüfungsnachweis: the one the simulated Fachdienst checks PNs with (egk/proof-key.ts) */
  egkProofKey: () => Buffer;
  /** the card data of a KVNR the simulator has prescriptions for (konnektor/egk-patient-lookup.ts) */
  knownPatient: (kvnr: string) => KnownPatient | undefined;
  /** the control API's loopback check (control.ts): why this request may not use `/_sim/egk`, if it may not */
  controlRefusal: (c: Context) => string | undefined;
}

/**
 * Serves the Konnektor under `/konnektor/` and its eGK switches under `/_sim/egk` (konnektor/egk-terminal-control.ts),
 * and resets it with `/_sim/reset`. Call before the control API is mounted: its catch-all would hide `/_sim/egk/…`.
 */
export function mountKonnektorSimulation(app: Hono, konnektor: KonnektorSimulation, deps: KonnektorMountDeps): void {
  app.route(
    '/konnektor',
    konnektorApp({
      state: konnektor.state,
      baseUrl: () => `${deps.origin()}/konnektor/`,
      trustAnchors: konnektor.trustAnchors,
      now: deps.now,
      egkProofKey: deps.egkProofKey,
    }),
  );
  const control = new HonoApp();
  control.use('*', async (c, next) => {
    const refusal = deps.controlRefusal(c);
    if (refusal !== undefined) return c.json({ error: refusal }, 403);
    await next();
  });
  control.route('/', egkTerminalControl({ state: konnektor.state, knownPatient: deps.knownPatient }));
  app.route('/_sim/egk', control);
  app.use('/_sim/reset', async (c, next) => {
    await next();
    if (c.req.method === 'POST' && c.res.status === 200) konnektor.state.reset();
  });
}

export interface TiMountDeps {
  now: () => Date;
  /** the Fachdienst app itself: what the VAU hands each decrypted request to */
  dispatch: (request: Request, env: VauDispatchEnv) => Promise<Response>;
}

/** Adds VAU and IDP to the simulator app (the Konnektor: mountKonnektorSimulation); call before its catch-all route. */
export function mountTiSimulation(app: Hono, simulation: TiSimulation, deps: TiMountDeps): void {
  const { material } = simulation;
  app.route('/', vauApp({ certificateDer: material.vau.certificate.raw, privateKey: material.vau.privateKey, state: simulation.vau, dispatch: deps.dispatch }));
  app.route('/idp', idpApp({ material, now: deps.now, state: simulation.idp }));
}

export const tiFaultKinds = [...vauFaultKinds, 'idp-error'] as const;

const faultSchema = z.object({ kind: z.enum(tiFaultKinds), count: z.number().int().min(1).max(1000).default(1) }).strict();
const idpSettingsSchema = z.object({ paddedJwkCoordinates: z.boolean() }).strict();

/** `/_sim/ti/…`: faults of the new hops and the IDP's key format. Mounted inside the control API (loopback only). */
export function tiControlApp(simulation: TiSimulation): Hono {
  const app = new HonoApp();
  const list = () => ({
    faults: [...simulation.vau.faults.map((fault) => ({ ...fault })), ...(simulation.idp.failNext > 0 ? [{ kind: 'idp-error', remaining: simulation.idp.failNext }] : [])],
  });
  app.get('/faults', (c) => c.json(list()));
  app.post('/faults', async (c) => {
    const fault = parseOrRefuse(faultSchema, await c.req.json().catch(() => undefined));
    if (fault.kind === 'idp-error') simulation.idp.failNext += fault.count;
    else simulation.vau.faults.push({ kind: fault.kind, remaining: fault.count });
    return c.json(list(), 201);
  });
  app.delete('/faults', (c) => {
    simulation.vau.faults = [];
    simulation.idp.failNext = 0;
    return c.json(list());
  });
  // cards, PIN, down, re-insert (main/simulator/ti/konnektor/README.md)
  app.route('/konnektor', konnektorControl(simulation.konnektor));
  app.post('/idp', async (c) => {
    const settings = parseOrRefuse(idpSettingsSchema, await c.req.json().catch(() => undefined));
    simulation.idp.paddedJwkCoordinates = settings.paddedJwkCoordinates;
    return c.json(settings);
  });
  return app;
}
