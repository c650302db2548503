/** Test doubles for the Fachdienst seam (used by unit tests of fachdienst/ and services/). */
import type { AccessTokenProvider } from './access-token';
import type { Transport, TransportRequest, TransportResponse } from './transport';

/** A transport that answers from a script and records every request. */
export class ScriptedTransport implements Transport {
  readonly requests: TransportRequest[] = [];

  constructor(private readonly answer: (request: TransportRequest, index: number) => TransportResponse | Promise<TransportResponse>) {}

  async send(request: TransportRequest): Promise<TransportResponse> {
    this.requests.push(request);
    return this.answer(request, this.requests.length - 1);
  }
}

export const jsonResponse = (status: number, body?: unknown): TransportResponse => ({
  status,
  headers: body === undefined ? {} : { 'content-type': 'application/fhir+json;charset=utf-8' },
  body: body === undefined ? '' : JSON.stringify(body),
});

export class FixedTokenProvider implements AccessTokenProvider {
  invalidations = 0;
  issued = 0;

  async getToken(): Promise<string> {
    this.issued++;
    return `token-${this.issued}`;
  }

  invalidate(): void {
    this.invalidations++;
  }
}
