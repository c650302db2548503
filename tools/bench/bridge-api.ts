/**
 * The browser-mode bridge as a Node client (main/browser-bridge/server.ts): `POST /api/<method>` with the page's
 * bridge key, for preparing what a benchmark needs without clicking through the UI (drafts, whole cases). The key
 * is read the way the page reads it — from the `<meta name="erx-bridge-key">` of the served page — and is never
 * printed.
 */
import type { Channel, IpcResult, Req, Res } from '../../shared/ipc/contract';
import { BenchClient } from './http-client';

type MethodOf<C extends Channel> = C extends `erx:${infer M}` ? M : never;

/** The bridge key from the served page; undefined when the page carries none. */
export function bridgeKeyOf(html: string): string | undefined {
  const meta = /<meta\s+name="erx-bridge-key"\s+content="([A-Za-z0-9_-]+)"/.exec(html);
  return meta?.[1];
}

export class BridgeApi {
  private constructor(
    private readonly client: BenchClient,
    private readonly key: string,
  ) {}

  static async connect(appUrl: string, maxSockets = 4): Promise<BridgeApi> {
    const client = new BenchClient(appUrl, maxSockets);
    const page = await client.send('GET', '/', { accept: 'text/html' });
    const key = bridgeKeyOf(page.body);
    if (page.status !== 200 || !key) {
      client.close();
      throw new Error(`bench: Seite ohne Bridge-Schlüssel (HTTP ${page.status})`);
    }
    return new BridgeApi(client, key);
  }

  /** The data of the call, or an Error with main's German message (never the request: it may carry a token). */
  async call<C extends Channel>(channel: C, request: Req<C>): Promise<Res<C>> {
    const method: MethodOf<C> = channel.slice('erx:'.length) as MethodOf<C>;
    const response = await this.client.send(
      'POST',
      `/api/${method}`,
      { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      JSON.stringify(request),
    );
    if (response.status !== 200) throw new Error(`${method}: HTTP ${response.status}`);
    const result = JSON.parse(response.body) as IpcResult<C>;
    if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
    return result.data;
  }

  close(): void {
    this.client.close();
  }
}
