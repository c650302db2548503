import { describe, expect, it } from 'vitest';
import { scenarioAnswerSchema } from '../simulator-client/client';
import { describeFault, mapScenarioAnswer } from './scenario-answer';

const AC = 'a'.repeat(64);
const token = (id: string): string => `Task/${id}/$accept?ac=${AC}`;
const urls = (...ids: string[]): string => JSON.stringify({ urls: ids.map(token) });

/** The shape of `POST /_sim/scenarios/{name}` (main/simulator/scenarios/loader.ts), display fields where T1 adds them. */
const rawAnswer = {
  name: 'stage',
  title: 'Bühne',
  description: 'Drei Rezepte',
  now: '2026-10-05T07:00:00.000Z',
  prescriptions: [
    {
      label: 'Rezept A',
      taskId: '160.000.000.000.001.54',
      accessCode: AC,
      kvnr: 'X110411675',
      token: token('160.000.000.000.001.54'),
      dataMatrix: urls('160.000.000.000.001.54'),
      flowType: '160',
      patientName: 'Erika Mustermann',
      birthDate: '1964-08-12',
      medication: 'Ibuprofen 600 mg, 20 St. N1',
      prescriber: 'Dr. Hans Topp',
      authoredOn: '2026-10-05',
    },
    {
      label: 'Stückelung',
      taskId: '160.000.000.000.002.51',
      accessCode: AC,
      kvnr: 'K220635158',
      token: token('160.000.000.000.002.51'),
      dataMatrix: urls('160.000.000.000.002.51', '160.000.000.000.003.48'),
      patientName: 'Max Muster',
      prescriptions: [
        { taskId: '160.000.000.000.002.51', accessCode: AC, kvnr: 'K220635158', token: token('160.000.000.000.002.51'), medication: 'Teil 1' },
        { taskId: '160.000.000.000.003.48', accessCode: AC, kvnr: 'K220635158', token: token('160.000.000.000.003.48') },
      ],
    },
    // no display fields at all (as before T1's addition): still loads, flow type from the id
    { taskId: '200.000.000.000.004.45', accessCode: AC, kvnr: 'P123456789', token: token('200.000.000.000.004.45'), dataMatrix: urls('200.000.000.000.004.45'), acceptedBy: '3-01.2.2023001.16.101', patientName: null },
  ],
  faults: [
    { operation: 'dispense', remaining: 1, status: 429, delayMs: 0, phase: 'before-commit', drop: false },
    { operation: 'accept', remaining: 1, delayMs: 0, phase: 'after-commit', drop: true },
  ],
  steps: ['Scannen Sie „Rezept A“.'],
};
/** read as the control client reads it (leniently: `patientName: null` is absent) */
const answer = scenarioAnswerSchema.parse(rawAnswer);

describe('mapScenarioAnswer', () => {
  const loadedAt = new Date('2026-11-25T10:00:00Z');

  it('gives one training prescription per Task with its display fields and the printout code', () => {
    const { scenario } = mapScenarioAnswer(answer, loadedAt);
    expect(scenario).toMatchObject({ name: 'stage', title: 'Bühne', now: '2026-10-05T07:00:00.000Z', loadedAt: '2026-11-25T10:00:00.000Z', steps: ['Scannen Sie „Rezept A“.'] });
    expect(scenario.prescriptions[0]).toEqual({
      label: 'Rezept A',
      prescriptionId: '160.000.000.000.001.54',
      flowType: '160',
      token: token('160.000.000.000.001.54'),
      dataMatrix: urls('160.000.000.000.001.54'),
      patientName: 'Erika Mustermann',
      birthDate: '1964-08-12',
      medication: 'Ibuprofen 600 mg, 20 St. N1',
      prescriber: 'Dr. Hans Topp',
      authoredOn: '2026-10-05',
    });
  });

  it('splits a printout with several prescriptions (count > 1) into numbered ones sharing its DataMatrix', () => {
    const { scenario } = mapScenarioAnswer(answer, loadedAt);
    const [first, second] = scenario.prescriptions.slice(1, 3);
    expect(first).toMatchObject({ label: 'Stückelung (1 von 2)', prescriptionId: '160.000.000.000.002.51', medication: 'Teil 1', patientName: 'Max Muster' });
    expect(second).toMatchObject({ label: 'Stückelung (2 von 2)', prescriptionId: '160.000.000.000.003.48', token: token('160.000.000.000.003.48'), patientName: 'Max Muster' });
    expect(second?.medication).toBeUndefined();
    expect(first?.dataMatrix).toBe(urls('160.000.000.000.002.51', '160.000.000.000.003.48'));
    expect(second?.dataMatrix).toBe(first?.dataMatrix);
  });

  it('loads an answer without display fields: flow type from the PrescriptionID, absent fields left out', () => {
    const { scenario } = mapScenarioAnswer(answer, loadedAt);
    expect(scenario.prescriptions[3]).toEqual({
      prescriptionId: '200.000.000.000.004.45',
      flowType: '200',
      token: token('200.000.000.000.004.45'),
      dataMatrix: urls('200.000.000.000.004.45'),
      acceptedBy: '3-01.2.2023001.16.101',
    });
  });

  it('keeps the KVNR of every Task apart from the DTO (the patient view signs in with it)', () => {
    const mapped = mapScenarioAnswer(answer, loadedAt);
    expect(mapped.kvnrs).toEqual({
      '160.000.000.000.001.54': 'X110411675',
      '160.000.000.000.002.51': 'K220635158',
      '160.000.000.000.003.48': 'K220635158',
      '200.000.000.000.004.45': 'P123456789',
    });
    expect(JSON.stringify(mapped.scenario)).not.toContain('X110411675');
  });

  it('names the armed faults in German', () => {
    expect(mapScenarioAnswer(answer, loadedAt).scenario.faults).toEqual(['$dispense: 1× HTTP 429', '$accept: Antwort geht nach dem Speichern verloren']);
  });

  // An unreadable answer never gets here: the control client refuses it, and the trainer says so in German
  // (simulator-control.test.ts, „an answer of the wrong shape is unreadable“).
});

describe('describeFault', () => {
  it('covers status, delay, drop and the after-commit phase', () => {
    expect(describeFault({ operation: 'accept', remaining: 2, status: 503, delayMs: 0, phase: 'before-commit', drop: false })).toBe('$accept: 2× HTTP 503');
    expect(describeFault({ operation: 'close', remaining: 3, delayMs: 0, phase: 'after-commit', drop: true })).toBe('$close: Antwort geht 3× nach dem Speichern verloren');
    expect(describeFault({ operation: 'dispense', remaining: 1, delayMs: 0, phase: 'before-commit', drop: true })).toBe('$dispense: 1× Verbindungsabbruch, nichts gespeichert');
    expect(describeFault({ operation: 'getBySecret', remaining: 1, delayMs: 2500, phase: 'before-commit', drop: false })).toBe('Abruf mit Secret: 1× um 2,5 s verzögert');
    expect(describeFault({ operation: 'any', remaining: 1, status: 500, delayMs: 3000, phase: 'after-commit', drop: false })).toBe(
      'Jede Anfrage: 1× HTTP 500 nach 3 s nach dem Speichern (der Vorgang ist trotzdem ausgeführt)',
    );
    expect(describeFault('kaputt')).toBe('Unbekannte Störung');
  });
});
