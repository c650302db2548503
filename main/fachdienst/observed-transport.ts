/**
 * A Transport that tells an observer how every call ended — an answer (with its status) or none (timeout,
 * network) — on which hop (IDP or Fachdienst). The connection indicator is fed from it (spec §9.3, A_23814:
 * say when the TI or Fachdienst is unreachable): the calls the pharmacist makes anyway are the cheapest
 * connection check there is.
 * It never changes a call's outcome.
 */
import { TransportError, type Transport, type TransportHop, type TransportRequest, type TransportResponse } from './transport';

export type TransportOutcome =
  | { hop: TransportHop; kind: 'answer'; status: number }
  /** `technical` is the TransportError's text (e.g. ECONNREFUSED) — never the URL or its query */
  | { hop: TransportHop; kind: 'no-answer'; cause: 'timeout' | 'network'; technical: string };

export class ObservedTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly observe: (outcome: TransportOutcome) => void,
  ) {}

  async send(request: TransportRequest): Promise<TransportResponse> {
    const hop = request.hop ?? 'fachdienst';
    let response: TransportResponse;
    try {
      response = await this.inner.send(request);
    } catch (e) {
      // Anything but a TransportError (e.g. a refused path) says nothing about the connection.
      if (e instanceof TransportError) this.report({ hop, kind: 'no-answer', cause: e.kind, technical: e.technical });
      throw e;
    }
    this.report({ hop, kind: 'answer', status: response.status });
    return response;
  }

  /** An observer that throws must not turn a good answer into a failure. */
  private report(outcome: TransportOutcome): void {
    try {
      this.observe(outcome);
    } catch {
      // ignored on purpose
    }
  }
}
