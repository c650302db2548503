/**
 * Counts the Fachdienst calls the simulator answered, from its request log (`SimulatorOptions.log`, or the
 * CLI's `--log` on stderr): one line `METHOD /path → status` per finished request, query strings never logged
 * (they carry Secret and AccessCode). "Nothing duplicated" is asserted on these counts — e.g. a reconciled
 * $dispense must not be sent a second time. A request whose answer is delayed is logged when it finishes, so a
 * test waits for it (`waitFor`) before it asserts the final state.
 */
import { pollUntil } from './poll';

export type TaskCall = '$accept' | '$dispense' | '$close' | '$reject' | '$abort' | 'GET';

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

const LINE = /^(GET|POST|PUT|DELETE|PATCH|HEAD) (\S+) → (\d{3})$/;

export class RequestLog {
  private readonly requests: LoggedRequest[] = [];
  private partial = '';

  /** For `SimulatorOptions.log`: one line per call. */
  readonly record = (line: string): void => {
    const m = LINE.exec(line.trim());
    if (m) this.requests.push({ method: m[1]!, path: m[2]!, status: Number(m[3]) });
  };

  /** For a process's output stream: splits chunks into lines. */
  readonly feed = (chunk: string): void => {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.record(line);
  };

  /** Calls of one kind for one Task (GET = GET /Task/{id}, i.e. ?ac or ?secret — the log has no query). */
  calls(taskId: string, call: TaskCall): LoggedRequest[] {
    const path = call === 'GET' ? `/Task/${taskId}` : `/Task/${taskId}/${call}`;
    const method = call === 'GET' ? 'GET' : 'POST';
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  count(taskId: string, call: TaskCall): number {
    return this.calls(taskId, call).length;
  }

  /** Statuses of one kind of call, in the order they finished. */
  statuses(taskId: string, call: TaskCall): number[] {
    return this.calls(taskId, call).map((r) => r.status);
  }

  /** Waits until `expected` calls of this kind have finished (a delayed one is logged only when it ends). */
  async waitForCount(taskId: string, call: TaskCall, expected: number, timeoutMs = 3000): Promise<void> {
    await pollUntil(() => this.count(taskId, call), (n) => n >= expected, { what: `${expected} × ${call} of ${taskId}`, timeoutMs });
  }
}
