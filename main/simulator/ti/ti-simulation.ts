/**
 * The simulated TI beside the Fachdienst (`npm run simulator -- --ti`, spec ti-transport §4): the VAU in front of
 * the same Fachdienst app, the IDP under `/idp/`, the Konnektor under `/konnektor/`, and their control switches
 * under `/_sim/ti/` (faults for the new hops; the Konnektor's cards, PIN and outage under `/_sim/ti/konnektor/`;
 * docs/simulator.md).
 */
import type { Hono } from 'hono';
import { Hono as HonoApp } from 'hono';
import { z } from 'zod';
import { parseOrRefuse } from '../control-error';
import { idpApp, initialIdpState, type IdpSimulationState } from './idp/idp-app';
import { loadTiSimulationMaterial, type TiSimulationMaterial } from './material';
import { initialVauState, vauApp, vauFaultKinds, type VauDispatchEnv, type VauSimulationState } from './vau/vau-app';
import { loadCards } from './konnektor/card-material';
import { konnektorApp } from './konnektor/konnektor-app';
import { konnektorControl } from './konnektor/konnektor-control';
import { KonnektorState } from './konnektor/konnektor-state';

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

/** Back to the start (`/_sim/reset`): no faults, keys as served normally. */
export function resetTiSimulation(simulation: TiSimulation): void {
  simulation.vau = Object.assign(simulation.vau, initialVauState());
  simulation.idp = Object.assign(simulation.idp, initialIdpState());
  simulation.konnektor.reset();
}

export interface TiMountDeps {
  now: () => Date;
  /** the simulator's own base, e.g. `http://127.0.0.1:PORT` (connector.sds names absolute endpoints) */
  origin: () => string;
  /** the Fachdienst app itself: what the VAU hands each decrypted request to */
  dispatch: (request: Request, env: VauDispatchEnv) => Promise<Response>;
}

/** Adds the TI endpoints to the simulator app; call before its catch-all route. */
export function mountTiSimulation(app: Hono, simulation: TiSimulation, deps: TiMountDeps): void {
  const { material } = simulation;
  app.route('/', vauApp({ certificateDer: material.vau.certificate.raw, privateKey: material.vau.privateKey, state: simulation.vau, dispatch: deps.dispatch }));
  app.route('/idp', idpApp({ material, now: deps.now, state: simulation.idp }));
  app.route(
    '/konnektor',
    konnektorApp({
      state: simulation.konnektor,
      baseUrl: () => `${deps.origin()}/konnektor/`,
      // VerifyCertificate knows the simulation's CA (VAU, IDP) and the TEST PKI's card CA (spec ti-transport §3.6)
      trustAnchors: [material.simulationCa.raw, ...material.cardCas.map((ca) => ca.raw)],
      now: deps.now,
    }),
  );
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
