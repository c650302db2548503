/**
 * Background work, one counter at a time (issue 18 item 5, docs/multi-counter.md §4): owed operations, the waits
 * after a 429, the message fetch and the scheduled jobs run only on the counter that holds the session-level advisory
 * lock BACKGROUND_LOCK on its own connection. The lock ends with that connection — a counter that dies (or loses
 * the server) frees it, and another counter's next attempt (every `retryMs`) takes it over. What a dead owner left
 * half done is safe to continue: every owed operation is reconciled before anything is sent again
 * (docs/reliability.md).
 */
import pg from 'pg';
import { clientConfig } from './client-config';
import type { PostgresConnection } from './open';

/** pg_advisory_lock key of the background owner (any constant the app uses for nothing else). */
export const BACKGROUND_LOCK = 0x65_72_78_01; // 'erx' 1

export interface BackgroundOwnerOptions {
  connection: PostgresConnection;
  /** this counter's name, in the session's application_name (the server's list of sessions says who owns it) */
  counter?: string;
  /** called when this counter becomes (true) or stops being (false) the owner */
  onChange?: (owner: boolean) => void;
  /** how often a counter that is not the owner tries again */
  retryMs?: number;
}

export class BackgroundOwner {
  private client: pg.Client | undefined;
  private owner = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BackgroundOwnerOptions) {}

  /** Tries once now, then every `retryMs` while not the owner. */
  async start(): Promise<void> {
    await this.attempt();
  }

  isOwner(): boolean {
    return this.owner;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.set(false);
    // ending the session releases the lock
    await client?.end().catch(() => undefined);
  }

  private async attempt(): Promise<void> {
    if (this.stopped || this.owner) return;
    const client = new pg.Client(clientConfig(this.options.connection, this.options.counter ? `background ${this.options.counter}` : 'background'));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      const answer = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1) AS held', [BACKGROUND_LOCK]);
      if (answer.rows[0]?.held === true && !this.stopped) {
        this.client = client;
        this.set(true);
        return;
      }
      await client.end();
    } catch {
      await client.end().catch(() => undefined);
    }
    this.schedule();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.set(false);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.attempt();
    }, this.options.retryMs ?? 30_000);
    this.timer.unref();
  }

  private set(owner: boolean): void {
    if (this.owner === owner) return;
    this.owner = owner;
    this.options.onChange?.(owner);
  }
}
