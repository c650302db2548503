import { describe, expect, it } from 'vitest';
import { AppFailure } from '../errors';
import { jsonResponse, ScriptedTransport } from '../fachdienst/testing';
import { TransportError } from '../fachdienst/transport';
import { INSURANT_PROFESSION_OID, SimulatorControl } from './simulator-control';

const now = (): Date => new Date('2026-10-05T08:00:00Z');

async function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppFailure);
  return error as AppFailure;
}

describe('SimulatorControl', () => {
  it('speaks the control API: deck, load, reset, clock and the insurant token', async () => {
    const loaded = { name: 'standard-gkv-pzn', title: 'T', description: 'D', now: '2026-10-05T09:00:00.000Z', prescriptions: [], faults: [], steps: [] };
    const transport = new ScriptedTransport((request) => {
      switch (request.path) {
        case '_sim/scenarios':
          return jsonResponse(200, { scenarios: [{ name: 'a', title: 'A', description: 'd' }] });
        case '_sim/scenarios/standard-gkv-pzn':
          return jsonResponse(200, loaded);
        case '_sim/clock':
          return jsonResponse(200, { now: '2026-10-05T09:00:00.000Z' });
        case '_sim/token':
          return jsonResponse(200, { access_token: 'jwt', token_type: 'Bearer', expires_in: 43200 });
        default:
          return jsonResponse(200, { ok: true });
      }
    });
    const control = new SimulatorControl(transport, now);
    expect(await control.listScenarios()).toEqual([{ name: 'a', title: 'A', description: 'd' }]);
    expect(await control.loadScenario('standard-gkv-pzn', '3-SMC-B-Testkarte-883110000000001')).toEqual(loaded);
    await control.reset();
    expect(await control.advanceClock('PT1H')).toBe('2026-10-05T09:00:00.000Z');
    expect(await control.insurantToken('X110411675')).toBe('jwt');

    expect(transport.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET _sim/scenarios',
      'POST _sim/scenarios/standard-gkv-pzn',
      'POST _sim/reset',
      'POST _sim/clock',
      'POST _sim/token',
    ]);
    // a scenario load names the app's pharmacy: the scenario's Zuweisungen go there (spec §3.11)
    expect(JSON.parse(transport.requests[1]?.body ?? '')).toEqual({ pharmacy: '3-SMC-B-Testkarte-883110000000001' });
    expect(JSON.parse(transport.requests[3]?.body ?? '')).toEqual({ advance: 'PT1H' });
    expect(JSON.parse(transport.requests[4]?.body ?? '')).toEqual({ professionOID: INSURANT_PROFESSION_OID, kvnr: 'X110411675' });
    expect(transport.requests[4]?.hop).toBe('idp');
  });

  it('an unknown scenario is a German not-found failure', async () => {
    const control = new SimulatorControl(new ScriptedTransport(() => jsonResponse(404, { error: 'unbekanntes Szenario „x“' })), now);
    const failure = await failureOf(control.loadScenario('x'));
    expect(failure.appError).toMatchObject({ code: 'not-found', httpStatus: 404, message: 'Das Szenario „x“ gibt es im Simulator nicht.' });
  });

  it('passes the control API’s German reason on, and names the status when there is none', async () => {
    const refused = new SimulatorControl(new ScriptedTransport(() => jsonResponse(400, { error: 'advance: ISO-8601-Dauer erwartet' })), now);
    expect((await failureOf(refused.advanceClock('P1M'))).appError).toMatchObject({
      code: 'simulator',
      httpStatus: 400,
      retry: 'never',
      message: 'Der Simulator hat das Vorstellen der Uhr abgelehnt (HTTP 400): advance: ISO-8601-Dauer erwartet',
    });
    const broken = new SimulatorControl(new ScriptedTransport(() => ({ status: 503, headers: {}, body: '<html>' })), now);
    expect((await failureOf(broken.reset())).appError).toMatchObject({ httpStatus: 503, retry: 'backoff', message: 'Der Simulator hat das Zurücksetzen abgelehnt (HTTP 503).' });
  });

  it('no answer at all: a network failure that says the simulator does not answer', async () => {
    const control = new SimulatorControl(
      new ScriptedTransport(() => {
        throw new TransportError('network', 'ECONNREFUSED');
      }),
      now,
    );
    expect((await failureOf(control.listScenarios())).appError).toMatchObject({
      code: 'network',
      system: 'network',
      detail: 'ECONNREFUSED',
      message: expect.stringContaining('Der Simulator antwortet nicht'),
    });
  });

  it('an answer of the wrong shape is unreadable, not a crash', async () => {
    const control = new SimulatorControl(new ScriptedTransport(() => jsonResponse(200, { scenario: [] })), now);
    expect((await failureOf(control.listScenarios())).appError.message).toBe('Die Antwort des Simulators auf die Szenarioliste ist nicht lesbar.');
    // a scenario answer that is not one (no fields, or not JSON at all) is refused before the trainer maps it
    const notAScenario = new SimulatorControl(new ScriptedTransport(() => jsonResponse(200, { name: 'x' })), now);
    expect((await failureOf(notAScenario.loadScenario('x'))).appError).toMatchObject({
      code: 'simulator',
      message: 'Die Antwort des Simulators auf das Szenario „x“ ist nicht lesbar.',
    });
    const html = new SimulatorControl(new ScriptedTransport(() => ({ status: 200, headers: {}, body: '<html>' })), now);
    expect((await failureOf(html.loadScenario('x'))).appError.message).toMatch(/nicht lesbar/);
  });
});

describe('SimulatorControl.patientReplies', () => {
  it('asks GET _sim/communications/replies with the KVNR as query, and reads each reply as far as it can', async () => {
    const transport = new ScriptedTransport(() =>
      jsonResponse(200, {
        replies: [
          'kein Objekt',
          { id: 'r-1', taskId: '160.000.000.000.001.54', sent: '2026-10-05T08:00:00.000Z', received: '', contentString: 42, availability: null, payload: { version: 1 } },
        ],
      }),
    );
    const replies = await new SimulatorControl(transport, now).patientReplies('X110411675');
    expect(replies).toEqual([{ id: 'r-1', taskId: '160.000.000.000.001.54', sent: '2026-10-05T08:00:00.000Z' }]);
    expect(transport.requests.map((r) => [r.method, r.path, r.query])).toEqual([['GET', '_sim/communications/replies', { kvnr: 'X110411675' }]]);
  });

  it('an answer without a replies list is unreadable; a refusal names the control API’s reason', async () => {
    const broken = new SimulatorControl(new ScriptedTransport(() => jsonResponse(200, { replies: {} })), now);
    expect((await failureOf(broken.patientReplies('X110411675'))).appError.message).toBe(
      'Die Antwort des Simulators auf das Lesen der Nachrichten an den Patienten ist nicht lesbar.',
    );
    const refused = new SimulatorControl(new ScriptedTransport(() => jsonResponse(400, { error: 'kvnr: KVNR erwartet (Großbuchstabe + 9 Ziffern)' })), now);
    expect((await failureOf(refused.patientReplies('x'))).appError).toMatchObject({ code: 'simulator', httpStatus: 400, message: expect.stringContaining('kvnr: KVNR erwartet') });
  });
});
