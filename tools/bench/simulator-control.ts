/**
 * The simulator as the browser benchmarks use it: its control API through the one control client
 * (main/simulator-client/client.ts) — fresh prescriptions, a pharmacy's access token, the clock — and the bare
 * `$accept` / `$dispense` calls that are the baselines of the UI figures: the same requests the app sends (spec
 * §3.2, §3.4), timed from a lean keep-alive client in the bench process.
 */
import { performance } from 'node:perf_hooks';
import { NamingSystems } from '../../shared/fhir/profiles';
import {
  fetchChannel,
  SimulatorControlClient,
  type PrescriptionRequest,
  type PrescriptionTask,
} from '../../main/simulator-client/client';
import { BenchClient, type BenchResponse } from './http-client';

const FHIR_JSON = 'application/fhir+json';

/** A created prescription; its `token` carries the AccessCode: never log it. */
export type SimPrescription = PrescriptionTask;

export interface PrescriptionOptions {
  flowType?: PrescriptionRequest['flowType'];
  medication?: PrescriptionRequest['medication'];
}

function expectStatus(what: string, response: BenchResponse, status: number): void {
  // OperationOutcome texts carry no secrets; request paths (AccessCode, Secret) are never printed
  if (response.status !== status)
    throw new Error(`${what}: HTTP ${response.status} statt ${status}: ${response.body.slice(0, 300)}`);
}

/** The Secret from the `$accept` bundle (spec §3.2). */
export function secretOfAcceptBundle(body: string): string {
  const bundle = JSON.parse(body) as {
    entry?: { resource: { resourceType: string; identifier?: { system: string; value: string }[] } }[];
  };
  const task = bundle.entry?.find((e) => e.resource.resourceType === 'Task')?.resource;
  const secret = task?.identifier?.find((i) => i.system === NamingSystems.secret)?.value;
  if (!secret) throw new Error('$accept: kein Secret im Bundle');
  return secret;
}

export class SimulatorControl {
  private readonly client: BenchClient;
  private readonly control: SimulatorControlClient;

  constructor(
    readonly url: string,
    maxSockets = 4,
  ) {
    this.client = new BenchClient(url, maxSockets);
    this.control = new SimulatorControlClient(fetchChannel(url));
  }

  /** `count` prescriptions of one kind, up to three per request (one patient each request). */
  async createPrescriptions(count: number, options: PrescriptionOptions = {}): Promise<SimPrescription[]> {
    const created: SimPrescription[] = [];
    while (created.length < count) {
      const answer = await this.control.createPrescription({
        flowType: options.flowType ?? '160',
        medication: options.medication ?? 'pzn',
        count: Math.min(3, count - created.length),
      });
      created.push(...(answer.prescriptions ?? [answer]));
    }
    return created;
  }

  pharmacyToken(telematikId: string): Promise<string> {
    return this.control.pharmacyToken(telematikId);
  }

  now(): Promise<Date> {
    return this.control.now();
  }

  /** `$accept` as a pharmacy (spec §3.2): the Secret and the request's duration (sent → whole answer read). */
  async accept(p: SimPrescription, token: string): Promise<{ secret: string; ms: number }> {
    const t0 = performance.now();
    const response = await this.client.send('POST', `/Task/${p.taskId}/$accept?ac=${p.accessCode}`, {
      authorization: `Bearer ${token}`,
      accept: FHIR_JSON,
    });
    const ms = performance.now() - t0;
    expectStatus('$accept', response, 200);
    return { secret: secretOfAcceptBundle(response.body), ms };
  }

  /** `$dispense` with a Parameters body (spec §3.4): the request's duration. */
  async dispense(taskId: string, secret: string, token: string, parametersJson: string): Promise<number> {
    const t0 = performance.now();
    const response = await this.client.send(
      'POST',
      `/Task/${taskId}/$dispense?secret=${secret}`,
      { authorization: `Bearer ${token}`, accept: FHIR_JSON, 'content-type': FHIR_JSON },
      parametersJson,
    );
    const ms = performance.now() - t0;
    expectStatus('$dispense', response, 204);
    return ms;
  }

  close(): void {
    this.client.close();
  }
}
