/**
 * Calls a running browser-mode app through its HTTP bridge (main/browser-bridge/server.ts) the way the page
 * does: the bridge key is read from the served index.html (meta `erx-bridge-key`), every call is
 * `POST /api/<method>` with `Authorization: Bearer <key>` and answers an IpcResult (`{ok, data}` or
 * `{ok: false, error}`) — the same handlers as the Electron IPC.
 */
import type { AppError, CaseDetail, CaseSummary, PendingOperation } from '../../../shared/ipc/contract';
import type { AppView } from './consistency';

export type BridgeResult<T> = { ok: true; data: T } | { ok: false; error: AppError };

const KEY_META = /<meta name="erx-bridge-key" content="([A-Za-z0-9_-]+)">/;

export class BridgeClient implements AppView {
  private constructor(
    readonly appUrl: string,
    private readonly key: string,
  ) {}

  static async connect(appUrl: string): Promise<BridgeClient> {
    const page = await fetch(appUrl, { headers: { accept: 'text/html' } });
    const key = KEY_META.exec(await page.text())?.[1];
    if (page.status !== 200 || !key) throw new Error(`no bridge key in the page of ${appUrl} (HTTP ${page.status})`);
    return new BridgeClient(appUrl, key);
  }

  /** One call; the IpcResult as it came. A cut connection rejects (e.g. the app process was killed). */
  async call<T>(method: string, request: unknown = {}): Promise<BridgeResult<T>> {
    const response = await fetch(new URL(`api/${method}`, this.appUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
      body: JSON.stringify(request),
    });
    if (response.status !== 200) throw new Error(`${method}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as BridgeResult<T>;
  }

  /** One call that must succeed; its data. */
  async invoke<T>(method: string, request: unknown = {}): Promise<T> {
    const result = await this.call<T>(method, request);
    if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  getCase(prescriptionId: string): Promise<CaseDetail> {
    return this.invoke('getCase', { prescriptionId });
  }

  async listCases(): Promise<CaseSummary[]> {
    // The widest page the contract allows (`limit`, default 200): tests see every case they made.
    return (await this.invoke<{ cases: CaseSummary[] }>('listCases', { limit: 1000 })).cases;
  }

  listPendingOperations(): Promise<PendingOperation[]> {
    return this.invoke('listPendingOperations', {});
  }
}
