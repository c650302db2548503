/**
 * Live across counters (docs/multi-counter.md §3): one dedicated connection LISTENs on the channels the
 * repositories notify (notify.ts) and hands every notification on as a StoreChange; core.ts turns them into the
 * app's existing events (`case-changed`, `messages-changed`, …), so another counter's write reaches this counter's
 * inbox and open case without a reload.
 *
 * Notifications sent while the listening connection was down are lost (PostgreSQL keeps none for a session that is
 * not there): after reconnecting, the listener reports `resync` and the app reloads everything once.
 */
import pg from 'pg';
import { clientConfig } from './client-config';
import { ARTICLES_CHANGED, CASE_CHANGED, MESSAGES_CHANGED, PENDING_CHANGED, SETTINGS_CHANGED } from './notify';
import type { PostgresConnection } from './open';

export type StoreChange =
  | { kind: 'case'; prescriptionId: string }
  | { kind: 'messages' }
  | { kind: 'pending' }
  | { kind: 'settings' }
  /** the article master was replaced or cleared (docs/article-master.md) */
  | { kind: 'articles' }
  /** the listening connection was lost and is back: whatever changed meanwhile is unknown */
  | { kind: 'resync' };

/**
 * The listening session's name: while it exists, this counter is alive — its case leases and busy marks count
 * (case-leases.ts); when the process dies the session ends with it.
 */
export const listenerApplicationName = (counterId: string): string => `erx-counter listener ${counterId}`;

export interface ChangeListenerOptions {
  connection: PostgresConnection;
  /** this counter's id (local settings): names the listening session, see listenerApplicationName */
  counterId?: string;
  onChange: (change: StoreChange) => void;
  /** the listening connection went down (false) or came back (true) — the store hop of the indicator (§6) */
  onConnection?: (up: boolean) => void;
  /** first wait before reconnecting; doubles up to `maxRetryMs` */
  retryMs?: number;
  maxRetryMs?: number;
}

const CHANNELS = [CASE_CHANGED, MESSAGES_CHANGED, PENDING_CHANGED, SETTINGS_CHANGED, ARTICLES_CHANGED] as const;

export class ChangeListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private retryMs: number;

  constructor(private readonly options: ChangeListenerOptions) {
    this.retryMs = options.retryMs ?? 500;
  }

  /** Connects and listens; resolves once listening (throws when the first connection fails). */
  async start(): Promise<void> {
    await this.connect(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(afterLoss: boolean): Promise<void> {
    const client = new pg.Client({ ...clientConfig(this.options.connection, 'listener'), application_name: listenerApplicationName(this.options.counterId ?? '') });
    client.on('notification', (message) => {
      const change = changeOf(message.channel, message.payload);
      if (change) this.options.onChange(change);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of CHANNELS) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = this.options.retryMs ?? 500;
    if (afterLoss) {
      this.options.onConnection?.(true);
      this.options.onChange({ kind: 'resync' });
    }
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.options.onConnection?.(false);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const wait = this.retryMs;
    this.retryMs = Math.min(wait * 2, this.options.maxRetryMs ?? 10_000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.connect(true).catch(() => this.scheduleReconnect());
    }, wait);
    this.timer.unref();
  }
}

function changeOf(channel: string, payload: string | undefined): StoreChange | undefined {
  switch (channel) {
    case CASE_CHANGED:
      return payload ? { kind: 'case', prescriptionId: payload } : undefined;
    case MESSAGES_CHANGED:
      return { kind: 'messages' };
    case PENDING_CHANGED:
      return { kind: 'pending' };
    case SETTINGS_CHANGED:
      return { kind: 'settings' };
    case ARTICLES_CHANGED:
      return { kind: 'articles' };
    default:
      return undefined;
  }
}
