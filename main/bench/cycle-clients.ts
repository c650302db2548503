/**
 * The clients of the "simulator-cycles" benchmark: `clients` concurrent pharmacies, each working its share of
 * the prescriptions one complete cycle after the other — $accept → $dispense (3 entries) → $close without body —
 * until all are done or the deadline passed. Runs in a worker thread (so the clients' own CPU time does not
 * count against the simulator, as with real clients on other machines) or, in tests, in the calling thread.
 * Times are absolute (ms since the epoch, sub-millisecond) so both threads can compare them.
 */
import { performance } from 'node:perf_hooks';
import { NamingSystems } from '../../shared/fhir/profiles';
import { BenchClient, type BenchResponse } from './http-client';

export interface CycleWork {
  taskId: string;
  accessCode: string;
  client: number;
  dispenseBody: string;
}

export interface CycleClientsInput {
  baseUrl: string;
  /** one access token per client */
  tokens: string[];
  work: CycleWork[];
  /** absolute ms: no new cycle starts after it */
  deadline: number;
}

export interface CycleClientsOutput {
  latencies: { accept: number[]; dispense: number[]; close: number[] };
  /** absolute ms of each completed cycle */
  completions: number[];
  /** absolute ms the first cycle started */
  started: number;
}

const FHIR_JSON = 'application/fhir+json';

export const absoluteNow = (): number => performance.timeOrigin + performance.now();

function expectStatus(operation: string, response: BenchResponse, status: number): void {
  if (response.status !== status) {
    // the body is an OperationOutcome (no secrets); paths are never printed, they carry AccessCode and Secret
    throw new Error(`${operation}: HTTP ${response.status} statt ${status}: ${response.body.slice(0, 300)}`);
  }
}

/** The Secret from the $accept bundle (spec §3.2). */
function secretOf(acceptBody: string): string {
  const bundle = JSON.parse(acceptBody) as { entry: { resource: { resourceType: string; identifier?: { system: string; value: string }[] } }[] };
  const task = bundle.entry.find((e) => e.resource.resourceType === 'Task')?.resource;
  const secret = task?.identifier?.find((i) => i.system === NamingSystems.secret)?.value;
  if (!secret) throw new Error('$accept: kein Secret im Bundle');
  return secret;
}

export async function runCycleClients(input: CycleClientsInput): Promise<CycleClientsOutput> {
  const client = new BenchClient(input.baseUrl, input.tokens.length);
  const output: CycleClientsOutput = { latencies: { accept: [], dispense: [], close: [] }, completions: [], started: absoluteNow() };
  const timed = async (operation: 'accept' | 'dispense' | 'close', call: () => Promise<BenchResponse>, status: number): Promise<BenchResponse> => {
    const t0 = performance.now();
    const response = await call();
    output.latencies[operation].push(performance.now() - t0);
    expectStatus(`$${operation}`, response, status);
    return response;
  };
  const runClient = async (index: number): Promise<void> => {
    const headers = { authorization: `Bearer ${input.tokens[index]!}`, accept: FHIR_JSON };
    for (const item of input.work) {
      if (item.client !== index) continue;
      if (absoluteNow() >= input.deadline) return;
      const task = `/Task/${item.taskId}`;
      const accepted = await timed('accept', () => client.send('POST', `${task}/$accept?ac=${item.accessCode}`, headers), 200);
      const secret = secretOf(accepted.body);
      await timed(
        'dispense',
        () => client.send('POST', `${task}/$dispense?secret=${secret}`, { ...headers, 'content-type': FHIR_JSON }, item.dispenseBody),
        204,
      );
      await timed('close', () => client.send('POST', `${task}/$close?secret=${secret}`, headers), 200);
      output.completions.push(absoluteNow());
    }
  };
  try {
    await Promise.all(input.tokens.map((_, i) => runClient(i)));
  } finally {
    client.close();
  }
  return output;
}
