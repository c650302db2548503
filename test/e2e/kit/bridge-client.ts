/**
 * The app's own browser-mode bridge, called from the test process (main/browser-bridge/README.md): the kit loads a
 * deck scenario exactly as the trainer panel does (`trainerLoadScenario`), so the app's training store is reset too —
 * never through the simulator's `/_sim/…`, which the app would not notice. The bridge key is read from the served
 * page like the renderer reads it; it stays in this process. Answers are checked against the IPC contract.
 */
import { contract, type Channel, type Req, type Res } from '../../../shared/ipc/contract';

/** A bridge method as the renderer spells it: `trainerLoadScenario` for the channel `erx:trainerLoadScenario`. */
export type BridgeMethod = Channel extends `erx:${infer M}` ? M : never;

export interface BridgeClient {
  /** Calls one method; resolves with its validated data or throws main's German message. */
  call<M extends BridgeMethod>(method: M, request: Req<`erx:${M}`>): Promise<Res<`erx:${M}`>>;
}

const KEY_META = /<meta\s+name="erx-bridge-key"\s+content="([A-Za-z0-9_-]+)"/;

export async function connectBridge(appUrl: string): Promise<BridgeClient> {
  const page = await fetch(appUrl);
  if (!page.ok) throw new Error(`${appUrl} → ${page.status}`);
  const key = KEY_META.exec(await page.text())?.[1];
  if (!key) throw new Error(`${appUrl}: no bridge key in the page (is out/renderer built?)`);
  const api = new URL('api/', appUrl);

  return {
    async call(method, request) {
      const response = await fetch(new URL(method, api), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const result = (await response.json()) as { ok: boolean; data?: unknown; error?: { message?: string; code?: string } };
      if (!result.ok) throw new Error(`${method}: ${result.error?.message ?? response.status} (${result.error?.code ?? 'no code'})`);
      return contract[`erx:${method}`].response.parse(result.data) as Res<`erx:${typeof method}`>;
    },
  };
}
