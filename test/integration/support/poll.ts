/**
 * Polling with a hard real-time limit: the fault tests never wait longer than a few seconds ("no test waits
 * more than 5 s of real time").
 */

export interface PollOptions {
  /** what is awaited, for the failure message */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Reads until `done(value)` holds and returns that value; throws with the last value after `timeoutMs`. */
export async function pollUntil<T>(read: () => T | Promise<T>, done: (value: T) => boolean, options: PollOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}; last value: ${JSON.stringify(value)?.slice(0, 500)}`);
    }
    await sleep(options.intervalMs ?? 20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
