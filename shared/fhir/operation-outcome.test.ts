import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import {
  fachdienstErrorFromResponse,
  fachdienstUnreachableError,
  isAcceptedByCaller,
  readOperationOutcome,
  retryClassForStatus,
} from './operation-outcome';

const at = new Date('2026-10-05T09:30:00Z');
const outcome = (text: string, code = 'processing', diagnostics?: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code, details: { text }, ...(diagnostics ? { diagnostics } : {}) }],
});

describe('readOperationOutcome', () => {
  it('reads details.text and diagnostics of the gematik example', () => {
    const issues = readOperationOutcome(JSON.parse(readFixture('gematik/workflow-1.6/OperationOutcome-ExampleOperationCloseError.json')));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.text).toBe('FHIR-Validation error');
    expect(issues[0]?.diagnostics).toContain('MedicationDispense.status');
  });

  it('gives no issues for anything that is not an OperationOutcome', () => {
    expect(readOperationOutcome('<html>Bad Gateway</html>')).toEqual([]);
    expect(readOperationOutcome({ resourceType: 'Bundle' })).toEqual([]);
    expect(readOperationOutcome(null)).toEqual([]);
  });
});

describe('retry classes (spec §8, A_25460)', () => {
  it.each([
    [408, 'backoff'],
    [500, 'backoff'],
    [503, 'backoff'],
    [504, 'backoff'],
    [507, 'backoff'],
    [509, 'backoff'],
    [512, 'backoff'],
    [429, 'hourly'],
    [502, 'never'],
    [506, 'never'],
    [400, 'never'],
    [403, 'never'],
    [404, 'never'],
    [409, 'never'],
    [410, 'never'],
  ])('HTTP %i → %s', (status, retry) => {
    expect(retryClassForStatus(status)).toBe(retry);
    expect(fachdienstErrorFromResponse('dispense', status, undefined, at).retry).toBe(retry);
  });

  it('an unknown outcome of $accept or $close must be reconciled; $dispense may simply be repeated', () => {
    expect(fachdienstUnreachableError('accept', 'timeout', at).retry).toBe('reconcile');
    expect(fachdienstUnreachableError('close', 'network', at).retry).toBe('reconcile');
    expect(fachdienstUnreachableError('dispense', 'timeout', at).retry).toBe('backoff');
  });
});

describe('fachdienstErrorFromResponse', () => {
  it('409 on $accept: another pharmacy is working on it', () => {
    const e = fachdienstErrorFromResponse('accept', 409, outcome('Task has invalid status in-progress', 'conflict'), at);
    expect(e.code).toBe('conflict');
    expect(e.system).toBe('fachdienst');
    expect(e.message).toContain('Das Rezept wird bereits von einer Apotheke bearbeitet');
    expect(e.message).toContain('E-Rezept-Fachdienst');
    expect(e.detail).toContain('HTTP 409');
    expect(e.detail).toContain('Task has invalid status in-progress');
    expect(e.detail).toContain('2026-10-05T09:30:00.000Z');
    expect(isAcceptedByCaller(e)).toBe(false);
  });

  it('409 on $accept with "processed by requesting institution": our own earlier $accept', () => {
    const body = {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'conflict',
          details: { text: 'Task has invalid status in-progress' },
          diagnostics: 'Task is processed by requesting institution',
        },
      ],
    };
    const e = fachdienstErrorFromResponse('accept', 409, body, at);
    expect(isAcceptedByCaller(e)).toBe(true);
    expect(e.message).toContain('bereits von dieser Apotheke abgerufen');
  });

  it('403 expired on $accept shows the Fachdienst text', () => {
    const e = fachdienstErrorFromResponse('accept', 403, outcome('Verordnung bis 04.10.2026 einlösbar.', 'forbidden'), at);
    expect(e.message).toContain('abgelaufen');
    expect(e.message).toContain('Verordnung bis 04.10.2026 einlösbar.');
    expect(e.retry).toBe('never');
  });

  it('403 MVO not yet valid is not called expired', () => {
    const text = 'Teilverordnung zur Mehrfachverordnung 160.000.000.000.001.54 ist ab 01.12.2026 einlösbar.';
    const e = fachdienstErrorFromResponse('accept', 403, outcome(text, 'forbidden'), at);
    expect(e.message).toContain('noch nicht einlösbar');
    expect(e.message).not.toContain('abgelaufen');
  });

  it('403 on $accept without a date text means the AccessCode does not match', () => {
    const e = fachdienstErrorFromResponse('accept', 403, outcome('Operation not allowed', 'forbidden'), at);
    expect(e.message).toContain('AccessCode');
  });

  it('403 on $close without stored dispense data asks to send the dispense first', () => {
    const text = 'Abschluss des Workflows konnte nicht durchgeführt werden. Dispensierinformationen wurden nicht bereitgestellt.';
    const e = fachdienstErrorFromResponse('close', 403, outcome(text, 'forbidden'), at);
    expect(e.message).toContain('keine Abgabedaten');
  });

  it('403 on $dispense for a Task no longer in progress', () => {
    const e = fachdienstErrorFromResponse('dispense', 403, outcome('Task not in-progress.', 'forbidden'), at);
    expect(e.message).toContain('nicht (mehr) in Bearbeitung');
  });

  it('403 on $reject/$abort names the action that was refused (spec §9.3)', () => {
    const rejected = fachdienstErrorFromResponse('reject', 403, outcome('Task not in status in progress, is: completed', 'forbidden'), at);
    expect(rejected.message).toContain('Das Zurückgeben des Rezepts wurde vom E-Rezept-Fachdienst abgelehnt.');
    expect(rejected.message).toContain('nicht (mehr) in Bearbeitung');
    const aborted = fachdienstErrorFromResponse('abort', 403, outcome('No or invalid secret provided for user pharmacy', 'forbidden'), at);
    expect(aborted.message).toContain('Das Löschen des Rezepts wurde vom E-Rezept-Fachdienst abgelehnt.');
    expect(aborted.message).toContain('Secret');
    expect(aborted.detail).toContain('$abort → HTTP 403');
  });

  it('403 on $dispense with a wrong secret', () => {
    const e = fachdienstErrorFromResponse('dispense', 403, outcome('Secret mismatch', 'forbidden'), at);
    expect(e.message).toContain('Secret');
  });

  it('403 for a wrong role names the cause', () => {
    const e = fachdienstErrorFromResponse('accept', 403, outcome('endpoint is forbidden for professionOID 1.2.276.0.76.4.50'), at);
    expect(e.message).toContain('Rolle');
  });

  it('410: the prescription was deleted', () => {
    const e = fachdienstErrorFromResponse('accept', 410, outcome('Task has been cancelled'), at);
    expect(e.message).toContain('Das Rezept wurde gelöscht');
    expect(e.code).toBe('state');
  });

  it('404: unknown prescription', () => {
    expect(fachdienstErrorFromResponse('accept', 404, outcome('Task not found'), at).code).toBe('not-found');
  });

  it('429: try again in an hour', () => {
    const e = fachdienstErrorFromResponse('dispense', 429, outcome('too many requests', 'transient'), at);
    expect(e.message).toContain('in einer Stunde');
    expect(e.retry).toBe('hourly');
  });

  it('5xx without a body: try again later', () => {
    const e = fachdienstErrorFromResponse('close', 503, '', at);
    expect(e.message).toContain('später erneut versuchen');
    expect(e.httpStatus).toBe(503);
  });

  it('400 on $dispense carries the Fachdienst findings', () => {
    const body = outcome('FHIR-Validation error', 'invalid', 'MedicationDispense.whenHandedOver: must be a date');
    const e = fachdienstErrorFromResponse('dispense', 400, body, at);
    expect(e.code).toBe('validation');
    expect(e.findings?.[0]?.message).toContain('whenHandedOver');
    expect(e.message).toContain('Abgabedaten abgelehnt');
  });

  it('never repeats a secret or AccessCode found in the answer', () => {
    const secret = 'a'.repeat(64);
    const e = fachdienstErrorFromResponse('dispense', 403, outcome(`Secret ${secret} does not match`, 'forbidden'), at);
    expect(JSON.stringify(e)).not.toContain(secret);
  });

  it('network failures name the network as the failing system', () => {
    const e = fachdienstUnreachableError('dispense', 'network', at, 'ECONNREFUSED');
    expect(e.system).toBe('network');
    expect(e.code).toBe('network');
    expect(e.message).toContain('nicht erreichbar');
    expect(e.detail).toContain('ECONNREFUSED');
  });
});
