import { describe, expect, it } from 'vitest';
import {
  auditOperations,
  casesPerCounterOf,
  countFigure,
  cpuMsOfStat,
  DEFAULT_CASES_PER_COUNTER,
  FachdienstLedger,
  propagationDelays,
  skipReasonOf,
  storedLotsOf,
  taskStatusOf,
  type CaseAtFachdienst,
  type OperationRecord,
} from './shared-store-counters';
import { targetMet } from './stats';
import type { BenchOptions } from './types';

const op = (
  operation: OperationRecord['operation'],
  prescriptionId: string,
  returnedAt: number,
  ok = true,
): OperationRecord => ({
  operation,
  prescriptionId,
  startedAt: returnedAt - 5,
  returnedAt,
  ok,
  warmup: false,
});
const at = (prescriptionId: string, time: number) => ({ prescriptionId, at: time });

describe('propagationDelays (markers delimit each operation, multi-counter §3)', () => {
  const ops = [op('accept', 'P1', 100), op('dispense', 'P1', 200), op('close', 'P2', 300)];

  it('takes the last notification of the operation between its markers, from the moment the call returned', () => {
    const delivered = [
      at('P1', 95),
      at('P1', 104),
      at('M', 106),
      at('P1', 190),
      at('P1', 230),
      at('M', 231),
      at('P2', 320),
      at('M', 321),
    ];
    expect(propagationDelays(ops, 'M', delivered)).toEqual([4, 30, 20]);
  });

  it('is negative when the other counter had it before the call returned, and ignores other cases and markers', () => {
    const delivered = [
      at('P1', 90),
      at('X', 101),
      at('N', 102),
      at('M', 103),
      at('P1', 199),
      at('M', 205),
      at('P2', 299),
      at('M', 305),
    ];
    expect(propagationDelays(ops, 'M', delivered)).toEqual([-10, -1, -1]);
  });

  it('reports an operation without notification, or whose closing marker never came, as missed; a failed one as failed', () => {
    const failing = [
      op('accept', 'P1', 100),
      op('dispense', 'P1', 200, false),
      op('correction', 'P1', 300),
      op('close', 'P1', 400),
    ];
    const delivered = [at('M', 101), at('P1', 210), at('M', 211), at('P1', 320), at('M', 321), at('P1', 410)];
    expect(propagationDelays(failing, 'M', delivered)).toEqual(['missed', 'failed', 20, 'missed']);
  });

  it('does not run past the operations when more markers arrive', () => {
    expect(
      propagationDelays([op('accept', 'P1', 10)], 'M', [at('P1', 12), at('M', 13), at('M', 14)]),
    ).toEqual([2]);
  });
});

describe('FachdienstLedger (the simulator request log)', () => {
  it('counts sent and successful $accept/$dispense/$close per Task; other lines are ignored', () => {
    const ledger = new FachdienstLedger();
    for (const line of [
      'POST /Task/160.000.000.000.001.02/$accept → 200',
      'POST /Task/160.000.000.000.001.02/$dispense → 204',
      'POST /Task/160.000.000.000.001.02/$dispense → 503',
      'POST /Task/160.000.000.000.001.02/$close → 200',
      'GET /Task/160.000.000.000.001.02 → 200',
      'POST /_sim/prescriptions → 201',
      'POST /Task/160.000.000.000.002.99/$accept → 409',
    ]) {
      ledger.record(line);
    }
    expect(ledger.of('160.000.000.000.001.02', '$dispense')).toEqual({ sent: 2, succeeded: 1 });
    expect(ledger.of('160.000.000.000.001.02', '$close')).toEqual({ sent: 1, succeeded: 1 });
    expect(ledger.of('160.000.000.000.002.99', '$accept')).toEqual({ sent: 1, succeeded: 0 });
    expect(ledger.of('160.000.000.000.003.00', '$accept')).toEqual({ sent: 0, succeeded: 0 });
  });
});

describe('auditOperations (lost and duplicated must be 0)', () => {
  const ledgerFor = (lines: string[]): FachdienstLedger => {
    const ledger = new FachdienstLedger();
    lines.forEach(ledger.record);
    return ledger;
  };
  const complete = (id: string): string[] => [
    `POST /Task/${id}/$accept → 200`,
    `POST /Task/${id}/$dispense → 204`,
    `POST /Task/${id}/$dispense → 204`,
    `POST /Task/${id}/$close → 200`,
  ];
  const all = ['accept', 'dispense', 'correction', 'close'] as const;
  const closed = (taskId: string, lots: string[] = ['B', 'B']): CaseAtFachdienst => ({
    taskId,
    confirmed: all,
    correctedLots: ['B', 'B'],
    taskStatus: 'completed',
    storedLots: lots,
  });

  it('finds nothing when every case is closed with exactly the corrected list and each call went once', () => {
    expect(
      auditOperations([closed('T1'), closed('T2')], ledgerFor([...complete('T1'), ...complete('T2')]), 0),
    ).toEqual({
      checked: 8,
      lost: 0,
      failed: 0,
      duplicated: 0,
      problems: [],
    });
  });

  it('counts a confirmed operation without effect as lost: the first list stored, the Task not completed, an owed operation left', () => {
    const audit = auditOperations(
      [closed('T1', ['A', 'A']), { ...closed('T2'), taskStatus: 'in-progress' }],
      ledgerFor([...complete('T1'), ...complete('T2')]),
      1,
    );
    expect(audit).toMatchObject({ checked: 8, lost: 3, failed: 0, duplicated: 0 });
    expect(audit.problems).toEqual([
      '1 geschuldete Operation(en) noch offen',
      'T1: bestätigt, aber beim Fachdienst nicht wirksam: Korrektur',
      'T2: bestätigt, aber beim Fachdienst nicht wirksam: Abschluss',
    ]);
  });

  it('counts what the counter refused, and what the case then left undone, as failed, not lost', () => {
    const audit = auditOperations(
      [
        {
          taskId: 'T3',
          confirmed: ['accept'],
          correctedLots: ['B'],
          taskStatus: 'in-progress',
          storedLots: [],
        },
      ],
      ledgerFor(['POST /Task/T3/$accept → 200']),
      0,
    );
    expect(audit).toMatchObject({ checked: 4, lost: 0, failed: 3, duplicated: 0 });
    expect(audit.problems).toEqual(['T3: nicht ausgeführt: Abgabe, Korrektur, Abschluss']);
  });

  it('counts every call beyond what the case asked for as duplicated, whatever its answer', () => {
    const lines = [...complete('T1'), 'POST /Task/T1/$close → 403', 'POST /Task/T1/$dispense → 204'];
    const audit = auditOperations([closed('T1')], ledgerFor(lines), 0);
    expect(audit).toMatchObject({ lost: 0, failed: 0, duplicated: 2 });
    expect(audit.problems).toContain('T1: $dispense 1× öfter gesendet als verlangt');
    expect(audit.problems).toContain('T1: $close 1× öfter gesendet als verlangt');
  });
});

describe('what the patient app reads (insurant bundles)', () => {
  it('reads the Task status and the batch of each dispensed item through its Medication', () => {
    const task = JSON.stringify({
      resourceType: 'Bundle',
      entry: [{ resource: { resourceType: 'Task', status: 'completed' } }],
    });
    expect(taskStatusOf(task)).toBe('completed');
    expect(taskStatusOf(JSON.stringify({ resourceType: 'Bundle' }))).toBeUndefined();
    const dispenses = JSON.stringify({
      resourceType: 'Bundle',
      entry: [
        {
          resource: { resourceType: 'MedicationDispense', medicationReference: { reference: 'urn:uuid:m1' } },
        },
        { resource: { resourceType: 'Medication', id: 'm1', batch: { lotNumber: 'K1N00001B' } } },
        {
          resource: {
            resourceType: 'MedicationDispense',
            medicationReference: { reference: 'Medication/m2' },
          },
        },
        { resource: { resourceType: 'Medication', id: 'm2', batch: { lotNumber: 'K1N00001B' } } },
        {
          resource: {
            resourceType: 'MedicationDispense',
            medicationReference: { reference: 'Medication/gone' },
          },
        },
      ],
    });
    expect(storedLotsOf(dispenses)).toEqual(['K1N00001B', 'K1N00001B', '']);
  });
});

describe('cpuMsOfStat (/proc/<pid>/stat)', () => {
  it('adds utime and stime in ms (100 ticks/s), with the ended children when asked; a name with spaces and parentheses is skipped', () => {
    const stat = '42 (postgres: erx (x)) S 1 2 3 4 5 6 7 8 9 10 150 50 300 100 20 0 1';
    expect(cpuMsOfStat(stat, false)).toBe(2000);
    expect(cpuMsOfStat(stat, true)).toBe(6000);
  });
});

describe('skipReasonOf (no PostgreSQL server: skipped, not failed)', () => {
  it('skips when the cluster helper names the package, and fails for anything else', () => {
    const missing = new Error(
      "The tests need a PostgreSQL server (initdb, postgres), but none was found (pg_config --bindir, /usr/lib/postgresql/*/bin: none found). Install the Debian package: apt-get install postgresql (CI's .ci/run does this).",
    );
    expect(skipReasonOf(missing)).toBe(
      'kein PostgreSQL-Server auf diesem Rechner (Debian-Paket: apt-get install postgresql)',
    );
    expect(
      skipReasonOf(new Error('initdb (/usr/lib/postgresql/15/bin/initdb, as postgres) failed: exit 1')),
    ).toBeUndefined();
  });
});

describe('figures and size', () => {
  it('a count figure holds the count in every percentile and is met only at 0', () => {
    const figure = countFigure('counters-6.lost-operations', 0, 120);
    expect(figure).toEqual({
      name: 'counters-6.lost-operations',
      unit: 'operations',
      samples: 120,
      p50: 0,
      p95: 0,
      p99: 0,
      target: { stat: 'p99', op: '<=', value: 0 },
    });
    expect(targetMet(figure)).toBe(true);
    expect(targetMet(countFigure('x', 1, 120))).toBe(false);
  });

  it('takes --cases-per-counter when run.ts passes it, else the default', () => {
    const options: BenchOptions = { maxIterations: 1, maxSeconds: 1, clients: 1, log: () => undefined };
    expect(casesPerCounterOf(options)).toBe(DEFAULT_CASES_PER_COUNTER);
    const sized: BenchOptions & { casesPerCounter: number } = { ...options, casesPerCounter: 1000 };
    expect(casesPerCounterOf(sized)).toBe(1000);
  });
});
