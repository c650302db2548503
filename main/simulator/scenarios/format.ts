/**
 * The scenario format (version 1): what a trainer's or QA's scenario is made of, as plain JSON-able data
 * (docs/simulator.md "Scenarios"). Loading one (`POST /_sim/scenarios/{name}`) resets the simulator, sets the
 * clock, creates the prescriptions, arms the faults and hands back the prescriptions and the German steps.
 *
 * - `prescriptions`: each is exactly a `POST /_sim/prescriptions` body (generated: flowType, kvnr, medication,
 *   authoredOn, mvo, count; or a real bundle: kbvBundleXml, flowType) plus `label` (how the steps name it),
 *   `acceptedBy` (Telematik-ID of another pharmacy that has already accepted it — "already claimed") and `dispReq`
 *   (the patient has assigned it to a pharmacy with a wish — a Zuweisung, spec erezept-pharmacy §3.11: the
 *   `POST /_sim/communications/dispreq` body without `taskId`; `pharmacy` defaults to the pharmacy the load names,
 *   else {@link TRAINING_PHARMACY}).
 * - `clock`: `{"set": "<ISO instant>"}` or `{"advance": "P1D"}`, applied after the reset and before the
 *   prescriptions (so `authoredOn` defaults to the scenario's "today").
 * - `faults`: `POST /_sim/faults` bodies, armed last (so creating the prescriptions never trips them).
 * - `steps`: what the trainer says or does, in order, in German.
 * Scenarios are data inside the simulator package — never test fixtures, which a packaged app lacks.
 */
import { z } from 'zod';
import { parseTelematikId } from '../../../shared/erezept/identifiers';
import { parseDuration } from '../clock';
import { ControlError, parseOrRefuse } from '../control-error';
import { faultRequestSchema, type FaultRequest } from '../faults';
import { parsePrescriptionBody, type PrescriptionBody } from '../prescription-request';
import { dispReqWishSchema, type DispReqWish } from '../patient-app';
import type { ImportRequest } from '../prescription-import';
import type { prescriptionRequestSchema } from '../prescriptions';

export const SCENARIO_FORMAT = 1;

/**
 * The pharmacy a scenario's Zuweisungen go to unless the load names another: the app's demo pharmacy in training
 * (main/services/settings.ts DEFAULT_PHARMACY), the Telematik-ID the e2e tests sign in with.
 */
export const TRAINING_PHARMACY = '3-SMC-B-Testkarte-883110000095957';

/** A scenario prescription's Zuweisung: the patient's wish and, optionally, the pharmacy it goes to. */
const dispReqSchema = dispReqWishSchema.extend({ pharmacy: z.string().min(1).max(128).optional() });
type ScenarioDispReq = DispReqWish & { pharmacy?: string };

/** One prescription of a scenario: a `/_sim/prescriptions` body plus a label and an optional prior $accept. */
export type ScenarioPrescription = (z.input<typeof prescriptionRequestSchema> | ImportRequest) & {
  /** how the steps call it, e.g. "Rezept A" */
  label?: string;
  /** Telematik-ID of another pharmacy that has already accepted it (its Task is in-progress there) */
  acceptedBy?: string;
  /** the patient has assigned it to a pharmacy (a DispReq with this wish) */
  dispReq?: ScenarioDispReq;
};

export interface Scenario {
  /** version of this format; a loader refuses versions it does not know */
  format: typeof SCENARIO_FORMAT;
  /** URL segment: lowercase letters, digits and dashes, e.g. "standard-gkv-pzn" */
  name: string;
  /** German, one line */
  title: string;
  /** German, what it shows and for whom */
  description: string;
  clock?: { set: string } | { advance: string };
  prescriptions: ScenarioPrescription[];
  faults?: z.input<typeof faultRequestSchema>[];
  /** German steps for the trainer, in order */
  steps: string[];
}

/** A checked scenario, ready to load. */
export interface ParsedScenario {
  name: string;
  title: string;
  description: string;
  clock: { set: string } | { advance: string } | undefined;
  prescriptions: {
    label: string | undefined;
    acceptedBy: string | undefined;
    dispReq: z.output<typeof dispReqSchema> | undefined;
    body: PrescriptionBody;
  }[];
  faults: FaultRequest[];
  steps: string[];
}

export const SCENARIO_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const scenarioSchema = z
  .object({
    format: z.literal(SCENARIO_FORMAT, `format: ${SCENARIO_FORMAT} erwartet`),
    name: z.string().max(64).regex(SCENARIO_NAME, 'name: Kleinbuchstaben, Ziffern und Bindestriche erwartet'),
    title: z.string().min(1).max(200),
    description: z.string().min(1).max(2000),
    clock: z
      .union([z.object({ set: z.string() }).strict(), z.object({ advance: z.string() }).strict()])
      .optional(),
    prescriptions: z.array(z.record(z.string(), z.unknown())).max(50),
    faults: z.array(faultRequestSchema).max(20).optional(),
    steps: z.array(z.string().min(1).max(2000)).min(1).max(50),
  })
  .strict();

/** Checks a scenario (e.g. a deck entry or JSON) completely, so loading it cannot fail half-way on input. */
export function parseScenario(value: unknown): ParsedScenario {
  const scenario = parseOrRefuse(scenarioSchema, value);
  if (scenario.clock) checkClock(scenario.clock);
  const prescriptions = scenario.prescriptions.map((entry, index) => {
    const { label, acceptedBy, dispReq, ...body } = entry;
    if (label !== undefined && (typeof label !== 'string' || label.length === 0 || label.length > 100)) {
      throw new ControlError(400, `prescriptions.${index}.label: Text (1–100 Zeichen) erwartet`);
    }
    if (acceptedBy !== undefined && (typeof acceptedBy !== 'string' || !parseTelematikId(acceptedBy).ok)) {
      throw new ControlError(400, `prescriptions.${index}.acceptedBy: Telematik-ID einer Apotheke erwartet`);
    }
    return {
      label: label as string | undefined,
      acceptedBy: acceptedBy as string | undefined,
      dispReq: dispReq === undefined ? undefined : parseOrRefuse(dispReqSchema, dispReq, ['prescriptions', index, 'dispReq']),
      body: parsePrescriptionBody(body, ['prescriptions', index]),
    };
  });
  return {
    name: scenario.name,
    title: scenario.title,
    description: scenario.description,
    clock: scenario.clock,
    prescriptions,
    faults: scenario.faults ?? [],
    steps: scenario.steps,
  };
}

function checkClock(clock: { set: string } | { advance: string }): void {
  if ('set' in clock) {
    if (!/^\d{4}-\d{2}-\d{2}T/.test(clock.set) || Number.isNaN(new Date(clock.set).getTime())) {
      throw new ControlError(
        400,
        'clock.set: Zeitpunkt im ISO-8601-Format erwartet, z. B. 2026-10-05T09:00:00+02:00',
      );
    }
  } else if (parseDuration(clock.advance) === undefined) {
    throw new ControlError(400, 'clock.advance: ISO-8601-Dauer in W/D/H/M/S erwartet, z. B. P1D');
  }
}

/** Checks a whole set of scenarios: each valid, names unique. Throws on the first problem (a programming error). */
export function parseScenarios(values: readonly unknown[]): ParsedScenario[] {
  const parsed = values.map((value, index) => {
    try {
      return parseScenario(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Szenario ${index + 1} ist ungültig: ${message}`);
    }
  });
  const names = new Set<string>();
  for (const scenario of parsed) {
    if (names.has(scenario.name)) throw new Error(`Szenario „${scenario.name}“ gibt es zweimal`);
    names.add(scenario.name);
  }
  return parsed;
}
