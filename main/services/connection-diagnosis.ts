/**
 * „Verbindung prüfen“ (spec §9.3, A_23814: say which system failed and what to do): the way to the Fachdienst
 * walked step by step, in order, each step only after the one before it held — a failed Konnektor makes the
 * SMC-B unknowable, not broken. The steps come from the backend (main/services/ti-diagnosis.ts for the TI; the
 * Fachdienst alone for the simulators); this file runs them and words what they found.
 */
import type { ConnectionDiagnosis, ConnectionHop, DiagnosisStep, DiagnosisStepId } from '../../shared/ipc/contract';
import { HopFailure } from '../errors';
import type { AccessTokenProvider } from '../fachdienst/access-token';
import { TransportError, type Transport } from '../fachdienst/transport';

export interface DiagnosisCheck {
  step: DiagnosisStepId;
  hop: ConnectionHop;
  /** resolves with the German finding („SMC-B … freigeschaltet“), rejects with what failed */
  run(): Promise<string>;
}

export async function runDiagnosis(checks: readonly DiagnosisCheck[], now: () => Date): Promise<ConnectionDiagnosis> {
  const steps: DiagnosisStep[] = [];
  let failed = false;
  for (const check of checks) {
    if (failed) {
      steps.push({ step: check.step, hop: check.hop, state: 'skipped' });
      continue;
    }
    try {
      steps.push({ step: check.step, hop: check.hop, state: 'ok', message: await check.run() });
    } catch (e) {
      failed = true;
      steps.push({ step: check.step, ...failureOf(check.hop, e) });
    }
  }
  return { ok: !failed, at: now().toISOString(), steps };
}

/** The hop that failed may lie before the step's own (a sign-in fails at the SMC-B); the error knows. */
function failureOf(hop: ConnectionHop, e: unknown): Pick<DiagnosisStep, 'hop' | 'state' | 'message' | 'detail'> {
  if (e instanceof HopFailure) {
    return { hop: e.hop, state: 'failed', message: e.message, detail: [e.code, e.technical].filter(Boolean).join(': ') };
  }
  if (e instanceof DiagnosisFailure) return { hop, state: 'failed', message: e.message, detail: e.technical };
  if (e instanceof TransportError) {
    return {
      hop: 'network',
      state: 'failed',
      message:
        e.kind === 'timeout'
          ? 'Keine Antwort in der Zeitgrenze. Bitte Netzwerk und TI-Zugang (Konnektor, Router) prüfen.'
          : 'Keine Verbindung. Bitte Netzwerkkabel, Router und den TI-Zugang des Konnektors prüfen.',
      detail: e.technical,
    };
  }
  return { hop, state: 'failed', message: 'Die Prüfung ist mit einem unerwarteten Fehler abgebrochen. Bitte den Support verständigen.', detail: e instanceof Error ? e.message : String(e) };
}

/**
 * The last step of every walk: the Fachdienst's CapabilityStatement (`GET /metadata`), through whatever transport
 * the backend uses — the VAU with a bearer for the TI (spec ti-transport §1.3).
 */
export function fachdienstCheck(transport: Transport, tokens?: AccessTokenProvider): DiagnosisCheck {
  return {
    step: 'fachdienst',
    hop: 'fachdienst',
    run: async () => {
      const headers: Record<string, string> = { Accept: 'application/fhir+json' };
      if (tokens) headers['Authorization'] = `Bearer ${await tokens.getToken()}`;
      const response = await transport.send({ method: 'GET', path: 'metadata', headers });
      if (response.status !== 200) {
        throw new DiagnosisFailure(
          'Der E-Rezept-Fachdienst antwortet, aber nicht mit seiner Schnittstellenbeschreibung. Bitte später erneut prüfen; bleibt es dabei, den Support verständigen.',
          `GET /metadata: HTTP ${response.status}`,
        );
      }
      return 'Der E-Rezept-Fachdienst antwortet (CapabilityStatement gelesen).';
    },
  };
}

/** A step's own finding that failed, in German, with the technical detail for support. */
export class DiagnosisFailure extends Error {
  constructor(
    message: string,
    readonly technical: string,
  ) {
    super(message);
    this.name = 'DiagnosisFailure';
  }
}
