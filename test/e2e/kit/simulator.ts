/**
 * A handle on the simulator's control API (`/_sim/…`, docs/simulator.md) for tests: prescriptions, tokens,
 * reset. The control API only answers loopback hosts; the app's bridge never forwards it.
 */
export interface CreatedPrescription {
  taskId: string;
  accessCode: string;
  kvnr: string;
  token: string;
  dataMatrix: string;
  prescriptions?: { taskId: string; accessCode: string; kvnr: string; token: string }[];
}

export interface PrescriptionRequest {
  flowType: '160' | '166' | '169' | '200' | '209';
  kvnr?: string;
  medication?: 'pzn' | 'freitext' | 'wirkstoff' | 'rezeptur';
  authoredOn?: string;
  mvo?: { part: number; of: number; start: string };
  count?: number;
}

export class SimulatorHandle {
  constructor(readonly url: string) {}

  private async post<T>(path: string, body: unknown, expected: number): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  createPrescription(request: PrescriptionRequest = { flowType: '160' }): Promise<CreatedPrescription> {
    return this.post('/_sim/prescriptions', request, 201);
  }

  async accessToken(claims: { professionOID: string; telematikId?: string; kvnr?: string }): Promise<string> {
    const { access_token } = await this.post<{ access_token: string }>('/_sim/token', claims, 200);
    return access_token;
  }

  /** what the patient's app sees (insurant read), e.g. to verify the stored dispense list */
  async insurantGet(path: string, kvnr: string): Promise<unknown> {
    const token = await this.accessToken({ professionOID: '1.2.276.0.76.4.49', kvnr });
    const response = await fetch(`${this.url}/${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
    });
    if (!response.ok) throw new Error(`${path} → ${response.status}`);
    return response.json();
  }

  async reset(): Promise<void> {
    await this.post('/_sim/reset', {}, 200);
  }
}
