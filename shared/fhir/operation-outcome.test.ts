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

  it.each([408, 418, 429, 500, 503, 512])('%i: the status stays in the details, out of the pharmacist\'s sentence', (status) => {
    for (const operation of ['accept', 'dispense', 'close', 'reject', 'abort'] as const) {
      const e = fachdienstErrorFromResponse(operation, status, '', at);
      expect(e.message, operation).not.toMatch(/HTTP|\$[a-z]/);
      expect(e.httpStatus).toBe(status);
      expect(e.detail).toContain(`HTTP ${status}`);
    }
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

describe('the message calls (spec §3.11, §8)', () => {
  it('400 on a reply: not sent, what to check, the Fachdienst\'s words and its findings', () => {
    const body = outcome('Invalid request body', 'invalid', "Invalid payload: Value of 'supplyOptionsType' must be 'onPremise'");
    const e = fachdienstErrorFromResponse('sendCommunication', 400, body, at);
    expect(e).toMatchObject({ code: 'validation', retry: 'never', httpStatus: 400 });
    expect(e.message).toBe(
      'Der E-Rezept-Fachdienst hat die Nachricht abgelehnt; sie wurde nicht gesendet. Meldung des Fachdienstes: „Invalid request body“. Bitte Text, Abholcode und Link prüfen (Länge, Sonderzeichen, Belieferungsart) und erneut senden; besteht der Fehler, den Support informieren.',
    );
    expect(e.findings?.[0]?.message).toContain("must be 'onPremise'");
    expect(e.detail).toContain('POST Communication → HTTP 400');
  });

  it('400 on a reply to a prescription the Fachdienst no longer has (deleted Task)', () => {
    for (const text of ['Task for prescription id 160.000.000.000.001.54 is missing', 'Referenced task does not contain a KVNR']) {
      const e = fachdienstErrorFromResponse('sendCommunication', 400, outcome(text, 'invalid'), at);
      expect(e.code).toBe('state');
      expect(e.message).toContain('kennt das Rezept zu dieser Nachricht nicht (mehr)');
    }
  });

  it('429 on a reply: too many messages, not sent, again later (at most hourly)', () => {
    const e = fachdienstErrorFromResponse('sendCommunication', 429, outcome('there are already 10 messages', 'transient'), at);
    expect(e.retry).toBe('hourly');
    expect(e.message).toBe(
      'Der E-Rezept-Fachdienst nimmt von dieser Apotheke gerade zu viele Nachrichten und Anfragen an (HTTP 429). Die Nachricht wurde nicht gesendet. Bitte später erneut senden, frühestens in einer Stunde.',
    );
  });

  it('a 5xx or no answer to a reply leaves open whether it arrived: reconcile, never repeat blindly (not idempotent)', () => {
    for (const status of [500, 503, 504]) {
      const e = fachdienstErrorFromResponse('sendCommunication', status, undefined, at);
      expect(e.retry).toBe('reconcile');
      expect(e.message).toContain('Ob die Nachricht angekommen ist, ist nicht sicher.');
    }
    expect(fachdienstErrorFromResponse('sendCommunication', 408, undefined, at).retry).toBe('backoff');
    const timeout = fachdienstUnreachableError('sendCommunication', 'timeout', at);
    expect(timeout.retry).toBe('reconcile');
    expect(timeout.message).toContain('Ob die Nachricht angekommen ist, ist unklar.');
    expect(fachdienstUnreachableError('listCommunications', 'timeout', at).retry).toBe('backoff');
    expect(fachdienstUnreachableError('deleteCommunication', 'network', at).retry).toBe('backoff');
  });

  it('403 on a reply: refused for this pharmacy; a wrong role is named as such', () => {
    expect(fachdienstErrorFromResponse('sendCommunication', 403, outcome('Operation not allowed', 'forbidden'), at).message).toContain(
      'verweigert dieser Apotheke das Senden der Nachricht',
    );
    expect(fachdienstErrorFromResponse('sendCommunication', 403, outcome('endpoint is forbidden for professionOID 1.2.276.0.76.4.50'), at).message).toContain('Rolle');
  });

  it('deleting: someone else\'s message (the Fachdienst answers 401), an unknown one (404), a malformed id (400)', () => {
    const foreign = fachdienstErrorFromResponse('deleteCommunication', 401, outcome('3-SMC-B-Testkarte-883110000123465 is not allowed to delete communication for id 79cc4c08-0e7b-4e52-acee-6ec7519ce67f', 'unknown'), at);
    expect(foreign.message).toBe('Der E-Rezept-Fachdienst erlaubt das Löschen nicht: Nur Nachrichten, die diese Apotheke selbst gesendet hat, können gelöscht werden.');
    expect(fachdienstErrorFromResponse('deleteCommunication', 401, outcome('Token expired'), at).message).toContain('Anmeldung');
    const gone = fachdienstErrorFromResponse('deleteCommunication', 404, outcome('No communication found for id 79cc4c08-0e7b-4e52-acee-6ec7519ce67f', 'not-found'), at);
    expect(gone).toMatchObject({ code: 'not-found', httpStatus: 404 });
    expect(gone.message).toContain('bereits gelöscht');
    expect(fachdienstErrorFromResponse('deleteCommunication', 400, outcome('Invalid format of communication id', 'invalid'), at).message).toContain('Kennung der Nachricht ist ungültig');
  });

  it('listing: 429 and 5xx name the action; nothing is said about prescriptions', () => {
    expect(fachdienstErrorFromResponse('listCommunications', 429, undefined, at).message).toContain('Bitte die Nachrichten später erneut abrufen, frühestens in einer Stunde.');
    const down = fachdienstErrorFromResponse('listCommunications', 503, undefined, at);
    expect(down).toMatchObject({ retry: 'backoff' });
    expect(down.message).toContain('Das Abrufen der Nachrichten wurde nicht ausgeführt.');
    expect(down.detail).toContain('GET Communication → HTTP 503');
  });
});

describe('the registration for the ping on new Zuweisungen (POST /Subscription, spec §3.11)', () => {
  it('400: refused as faulty, with the Fachdienst\'s words; polling goes on', () => {
    const e = fachdienstErrorFromResponse('subscribeCommunications', 400, outcome('Missing recipient', 'invalid'), at);
    expect(e).toMatchObject({ code: 'validation', retry: 'never', httpStatus: 400 });
    expect(e.message).toBe(
      'Der E-Rezept-Fachdienst hat die Anmeldung für Benachrichtigungen über neue Zuweisungen als fehlerhaft abgelehnt. Meldung des Fachdienstes: „Missing recipient“. Neue Zuweisungen werden weiter alle 5 Minuten abgerufen. Besteht der Fehler, den Support informieren.',
    );
    expect(e.detail).toContain('POST Subscription → HTTP 400');
  });

  it('403 „ID mismatch“ names the Telematik-ID; another 403 is a refusal, a wrong role stays the role message', () => {
    const mismatch = fachdienstErrorFromResponse('subscribeCommunications', 403, outcome('ID mismatch', 'forbidden'), at);
    expect(mismatch.message).toContain('Die Telematik-ID der Anfrage ist nicht die der angemeldeten Apotheke (SMC-B)');
    expect(mismatch.message).toContain('Neue Zuweisungen werden weiter alle 5 Minuten abgerufen.');
    expect(mismatch.message).not.toContain('Rezeptstatus');
    expect(fachdienstErrorFromResponse('subscribeCommunications', 403, outcome('Forbidden', 'forbidden'), at).message).toContain(
      'verweigert dieser Apotheke die Anmeldung für Benachrichtigungen',
    );
    expect(fachdienstErrorFromResponse('subscribeCommunications', 403, outcome('endpoint is forbidden for professionOID 1.2.276.0.76.4.49'), at).message).toContain('Rolle');
  });

  it('429: again at the earliest in an hour (spec §8); 5xx and no answer name the action', () => {
    const e = fachdienstErrorFromResponse('subscribeCommunications', 429, undefined, at);
    expect(e.retry).toBe('hourly');
    expect(e.message).toContain('Die Anmeldung für Benachrichtigungen wird frühestens in einer Stunde wiederholt.');
    expect(fachdienstErrorFromResponse('subscribeCommunications', 503, undefined, at).message).toContain(
      'Das Anmelden für Benachrichtigungen über neue Zuweisungen wurde nicht ausgeführt.',
    );
    expect(fachdienstUnreachableError('subscribeCommunications', 'network', at)).toMatchObject({ retry: 'backoff', system: 'network' });
  });
});
