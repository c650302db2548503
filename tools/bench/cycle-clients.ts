/**
 * The clients of the "simulator-cycles" benchmark: `clients` concurrent pharmacies, each working its share of
 * the prescriptions one complete cycle after the other — $accept → $dispense (3 entries) → $close with the same
 * complete list, as the app closes (docs/reliability.md) —
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
  closeBody: string;
}

export interface CycleClientsInput {
  baseUrl: string;
  /** one access token per client */
  tokens: string[];
  /** cycles run first and not measured (JIT warm-up of both sides) */
  warmup: CycleWork[];
  /** pause between warm-up and measurement (lets the simulator checkpoint the setup's writes) */
  settleMs: number;
  work: CycleWork[];
  /** ms the measured cycles may take at most; no new cycle starts after that */
  maxMs: number;
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
  const bundle = JSON.parse(acceptBody) as {
    entry: { resource: { resourceType: string; identifier?: { system: string; value: string }[] } }[];
  };
  const task = bundle.entry.find((e) => e.resource.resourceType === 'Task')?.resource;
  const secret = task?.identifier?.find((i) => i.system === NamingSystems.secret)?.value;
  if (!secret) throw new Error('$accept: kein Secret im Bundle');
  return secret;
}

/** `onMeasuring` is called when the measured phase begins (after warm-up and pause). */
export async function runCycleClients(
  input: CycleClientsInput,
  onMeasuring: () => void = () => undefined,
): Promise<CycleClientsOutput> {
  const client = new BenchClient(input.baseUrl, input.tokens.length);
  try {
    await runPhase(client, input.tokens, input.warmup, absoluteNow() + 60_000);
    await new Promise((resolve) => setTimeout(resolve, input.settleMs));
    onMeasuring();
    return await runPhase(client, input.tokens, input.work, absoluteNow() + input.maxMs);
  } finally {
    client.close();
  }
}

async function runPhase(
  client: BenchClient,
  tokens: string[],
  work: CycleWork[],
  deadline: number,
): Promise<CycleClientsOutput> {
  const output: CycleClientsOutput = {
    latencies: { accept: [], dispense: [], close: [] },
    completions: [],
    started: absoluteNow(),
  };
  const timed = async (
    operation: 'accept' | 'dispense' | 'close',
    call: () => Promise<BenchResponse>,
    status: number,
  ): Promise<BenchResponse> => {
    const t0 = performance.now();
    const response = await call();
    output.latencies[operation].push(performance.now() - t0);
    expectStatus(`$${operation}`, response, status);
    return response;
  };
  const runClient = async (index: number): Promise<void> => {
    const headers = { authorization: `Bearer ${tokens[index]!}`, accept: FHIR_JSON };
    for (const item of work) {
      if (item.client !== index) continue;
      if (absoluteNow() >= deadline) return;
      const task = `/Task/${item.taskId}`;
      const accepted = await timed(
        'accept',
        () => client.send('POST', `${task}/$accept?ac=${item.accessCode}`, headers),
        200,
      );
      const secret = secretOf(accepted.body);
      await timed(
        'dispense',
        () =>
          client.send(
            'POST',
            `${task}/$dispense?secret=${secret}`,
            { ...headers, 'content-type': FHIR_JSON },
            item.dispenseBody,
          ),
        204,
      );
      await timed(
        'close',
        () => client.send('POST', `${task}/$close?secret=${secret}`, { ...headers, 'content-type': FHIR_JSON }, item.closeBody),
        200,
      );
      output.completions.push(absoluteNow());
    }
  };
  await Promise.all(tokens.map((_, i) => runClient(i)));
  return output;
}
