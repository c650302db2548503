/**
 * The eGK switches of the simulated Konnektor (spec erezept-pharmacy §3.9), mounted by the simulator under
 * `/_sim/egk` (the loopback check is the mounting side's job). JSON in and out, bodies checked with zod; a refusal is
 * 400 `{"error": "<German text>"}` like the rest of the control API. A reset of the simulator (`/_sim/reset`)
 * empties every terminal and makes the online check available again.
 *
 * - `GET /`               → the workplaces' eGK terminals, the card in each, and the online check
 * - `POST /insert`        `{"kvnr": "X110411675", "workplace": "AP1", …card fields}` → puts the patient's eGK into
 *                          that workplace's terminal (a card already there is pulled first; new handle). Fields not
 *                          given come from the simulator's newest prescription for that KVNR, else from defaults.
 *                          `"staleCard": true` → the chip's data are outdated: the insurer's online check holds
 *                          another street, so ReadVSD's Prüfziffer carries another hcv than the documents give (458).
 * - `POST /remove`        `{"workplace": "AP1"}` → pulls the eGK there
 * - `POST /online-check`  `{"available": false}` → ReadVSD's online check fails: PN with result 3, no Prüfziffer
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseKvnrFormat } from '../../../../shared/erezept/identifiers';
import { isIso885915 } from '../../egk/hcv';
import { ControlError, parseOrRefuse, readJsonBody } from '../../control-error';
import { DEFAULT_CONTEXT } from './call-context';
import { defaultIccsn, movedStreetOf, type EgkCard } from './egk-card';
import type { KnownPatient } from './egk-patient-lookup';
import type { KonnektorState } from './konnektor-state';

/** an insert request is a few hundred bytes */
const MAX_BODY = 4096;

/**
 * For a KVNR the simulator knows no prescription of: a fictional insurant (a name the prescription generator never
 * draws; Versicherungsbeginn as in the spec's hcv test vector).
 */
const DEFAULT_CARD: Omit<EgkCard, 'iccsn' | 'kvnr'> = {
  givenName: 'Max',
  surname: 'Mustermann',
  birthDate: '19700101',
  sex: 'X',
  street: 'Musterstr.',
  houseNumber: '1',
  postcode: '10117',
  city: 'Berlin',
  insuranceStart: '20180111',
  insurerName: 'AOK Nordost',
  insurerId: '109719018',
};

const cardText = (max: number, allowEmpty = false) =>
  z
    .string()
    .trim()
    .min(allowEmpty ? 0 : 1, 'darf nicht leer sein')
    .max(max, `höchstens ${max} Zeichen`)
    .refine(isIso885915, 'nur Zeichen, die eine eGK speichern kann (ISO-8859-15)');
const cardDate = z
  .string()
  .regex(/^\d{8}$/, 'Datum als JJJJMMTT erwartet')
  .refine((value) => {
    const at = new Date(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10).replace(/-/g, '') === value;
  }, 'kein gültiges Datum');
const workplace = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'WorkplaceId: 1–64 Zeichen aus A–Z, a–z, 0–9, . _ -');

// field lengths as the VSD 5.2 schema allows them
const insertSchema = z
  .object({
    kvnr: z.string().refine((value) => parseKvnrFormat(value).ok, 'KVNR erwartet (Großbuchstabe + 9 Ziffern)'),
    workplace: workplace.optional(),
    iccsn: z.string().regex(/^\d{20}$/, 'ICCSN: 20 Ziffern erwartet').optional(),
    givenName: cardText(45).optional(),
    surname: cardText(45).optional(),
    birthDate: cardDate.optional(),
    sex: z.enum(['M', 'W', 'D', 'X']).optional(),
    street: cardText(46, true).optional(),
    houseNumber: cardText(9, true).optional(),
    postcode: cardText(10).optional(),
    city: cardText(40).optional(),
    insuranceStart: cardDate.optional(),
    insurerName: cardText(45).optional(),
    insurerId: z.string().regex(/^\d{9}$/, 'Kostenträgerkennung (IK): 9 Ziffern erwartet').optional(),
    staleCard: z.boolean().optional(),
  })
  .strict();
const removeSchema = z.object({ workplace: workplace.optional() }).strict();
const onlineCheckSchema = z.object({ available: z.boolean() }).strict();

export interface EgkTerminalControlDeps {
  state: KonnektorState;
  /** the card data of a KVNR the simulator knows (its prescriptions' patient), egk-patient-lookup.ts */
  knownPatient?: (kvnr: string) => KnownPatient | undefined;
  /** the workplace when a request names none (default: the Konnektor's configured one, AP1) */
  defaultWorkplace?: string;
}

export function egkTerminalControl(deps: EgkTerminalControlDeps): Hono {
  const { state } = deps;
  const defaultWorkplace = deps.defaultWorkplace ?? DEFAULT_CONTEXT.workplaceId;
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ControlError) return c.json({ error: error.message }, error.status);
    throw error;
  });

  app.get('/', (c) => c.json(state.egkSnapshot()));
  app.post('/insert', async (c) => {
    const { workplace: requested, staleCard, ...given } = parseOrRefuse(insertSchema, await readJsonBody(c, MAX_BODY));
    const known = deps.knownPatient?.(given.kvnr);
    const onCard: EgkCard = { ...DEFAULT_CARD, iccsn: defaultIccsn(given.kvnr), ...known, ...given };
    const card: EgkCard = staleCard === true ? { ...onCard, insurerStreet: movedStreetOf(onCard.street) } : onCard;
    const inserted = state.insertEgk(requested ?? defaultWorkplace, card);
    return c.json({ ...state.egkSnapshot(), inserted: { workplaceId: inserted.workplaceId, handle: inserted.handle, from: known ? 'prescription' : 'defaults' } });
  });
  app.post('/remove', async (c) => {
    const { workplace: requested } = parseOrRefuse(removeSchema, await readJsonBody(c, MAX_BODY));
    const removed = state.removeEgk(requested ?? defaultWorkplace);
    return c.json({ ...state.egkSnapshot(), removed });
  });
  app.post('/online-check', async (c) => {
    state.onlineCheck = parseOrRefuse(onlineCheckSchema, await readJsonBody(c, MAX_BODY)).available ? 'ok' : 'unavailable';
    return c.json(state.egkSnapshot());
  });
  app.all('/', () => {
    throw new ControlError(405, 'Methode wird hier nicht unterstützt (GET)');
  });
  for (const path of ['/insert', '/remove', '/online-check']) {
    app.all(path, () => {
      throw new ControlError(405, 'Methode wird hier nicht unterstützt (POST)');
    });
  }
  return app;
}

