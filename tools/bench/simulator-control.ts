/**
 * The simulator's control API as the browser benchmarks use it (docs/simulator.md): fresh prescriptions
 * (`POST /_sim/prescriptions`), a pharmacy's access token (`POST /_sim/token`), the clock (`GET /_sim/clock`),
 * and the bare `$accept` / `$dispense` calls that are the baselines of the UI figures — the same requests the app
 * sends (spec §3.2, §3.4), from a lean keep-alive client in the bench process.
 */
import { performance } from 'node:perf_hooks';
import { NamingSystems } from '../../shared/fhir/profiles';
import { BenchClient, type BenchResponse } from './http-client';

/** professionOID of a public pharmacy (the app's own token carries the same) */
export const PHARMACY_OID = '1.2.276.0.76.4.54';
const FHIR_JSON = 'application/fhir+json';

export interface SimPrescription {
  taskId: string;
  accessCode: string;
  kvnr: string;
  /** `Task/<id>/$accept?ac=<AccessCode>` (spec §2) — carries the AccessCode: never log it */
  token: string;
}

export interface PrescriptionOptions {
  flowType?: '160' | '166' | '169' | '200' | '209';
  medication?: 'pzn' | 'freitext' | 'wirkstoff' | 'rezeptur';
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

  constructor(
    readonly url: string,
    maxSockets = 4,
  ) {
    this.client = new BenchClient(url, maxSockets);
  }

  /** `count` prescriptions of one kind, up to three per request (one patient each request). */
  async createPrescriptions(count: number, options: PrescriptionOptions = {}): Promise<SimPrescription[]> {
    const created: SimPrescription[] = [];
    while (created.length < count) {
      const n = Math.min(3, count - created.length);
      const response = await this.client.send(
        'POST',
        '/_sim/prescriptions',
        { 'content-type': 'application/json' },
        JSON.stringify({
          flowType: options.flowType ?? '160',
          medication: options.medication ?? 'pzn',
          count: n,
        }),
      );
      expectStatus('POST /_sim/prescriptions', response, 201);
      const answer = JSON.parse(response.body) as SimPrescription & { prescriptions?: SimPrescription[] };
      created.push(...(answer.prescriptions ?? [answer]));
    }
    return created;
  }

  async pharmacyToken(telematikId: string): Promise<string> {
    const body = JSON.stringify({ professionOID: PHARMACY_OID, telematikId });
    const response = await this.client.send(
      'POST',
      '/_sim/token',
      { 'content-type': 'application/json' },
      body,
    );
    expectStatus('POST /_sim/token', response, 200);
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  }

  async now(): Promise<Date> {
    const response = await this.client.send('GET', '/_sim/clock', {});
    expectStatus('GET /_sim/clock', response, 200);
    return new Date((JSON.parse(response.body) as { now: string }).now);
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
