import { describe, expect, it } from 'vitest';
import { HopFailure } from '../errors';
import { TransportError, type Transport } from '../fachdienst/transport';
import { fachdienstCheck, runDiagnosis, type DiagnosisCheck } from './connection-diagnosis';

const at = () => new Date('2026-10-05T08:00:00Z');
const passing = (step: DiagnosisCheck['step'], hop: DiagnosisCheck['hop']): DiagnosisCheck => ({ step, hop, run: async () => `${step} in Ordnung` });
const failing = (step: DiagnosisCheck['step'], hop: DiagnosisCheck['hop'], error: unknown): DiagnosisCheck => ({
  step,
  hop,
  run: async () => {
    throw error;
  },
});
const answering = (status: number): Transport => ({ send: async () => ({ status, headers: {}, body: '' }) });

describe('runDiagnosis', () => {
  it('runs the steps in order and stops at the first failure; a later step is never run', async () => {
    let laterRan = false;
    const diagnosis = await runDiagnosis(
      [
        passing('konnektor', 'konnektor'),
        failing('smcb', 'smcb', new HopFailure('smcb', 'SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben', 'PIN.SMC VERIFIABLE', '4085')),
        { step: 'sign-in', hop: 'idp', run: async () => ((laterRan = true), 'x') },
      ],
      at,
    );
    expect(laterRan).toBe(false);
    expect(diagnosis).toEqual({
      ok: false,
      at: '2026-10-05T08:00:00.000Z',
      steps: [
        { step: 'konnektor', hop: 'konnektor', state: 'ok', message: 'konnektor in Ordnung' },
        { step: 'smcb', hop: 'smcb', state: 'failed', message: 'SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben', detail: '4085: PIN.SMC VERIFIABLE' },
        { step: 'sign-in', hop: 'idp', state: 'skipped' },
      ],
    });
  });

  it('names the hop the error names (a sign-in that failed at the Konnektor), no answer at all as the network', async () => {
    const atKonnektor = await runDiagnosis([failing('sign-in', 'idp', new HopFailure('konnektor', 'Der Konnektor antwortet nicht.', 'ECONNREFUSED'))], at);
    expect(atKonnektor.steps[0]).toMatchObject({ hop: 'konnektor', state: 'failed' });
    const noAnswer = await runDiagnosis([failing('vau-certificate', 'vau', new TransportError('timeout', 'GET /VAUCertificate: 15000 ms'))], at);
    expect(noAnswer.steps[0]).toMatchObject({ hop: 'network', message: expect.stringContaining('Keine Antwort'), detail: 'GET /VAUCertificate: 15000 ms' });
    const unexpected = await runDiagnosis([failing('fachdienst', 'fachdienst', new RangeError('kaputt'))], at);
    expect(unexpected.steps[0]).toMatchObject({ hop: 'fachdienst', message: expect.stringContaining('Support'), detail: 'kaputt' });
  });

  it('the Fachdienst step wants the CapabilityStatement (200); an error page fails it on hop fachdienst', async () => {
    expect((await runDiagnosis([fachdienstCheck(answering(200))], at)).ok).toBe(true);
    const broken = await runDiagnosis([fachdienstCheck(answering(503))], at);
    expect(broken.steps[0]).toMatchObject({ state: 'failed', hop: 'fachdienst', detail: 'GET /metadata: HTTP 503' });
  });
});
