import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository, type AuditEntry } from './audit';
import { migrate, migrations } from './migrations';

const now = () => new Date('2026-11-25T08:00:00Z');
const entry = (operation: string, result: AuditEntry['result'] = 'ok'): AuditEntry => ({
  at: '2026-11-25T08:00:00.000Z',
  staff: 'AB',
  operation,
  prescriptionId: '160.000.000.000.001.54',
  result,
  httpStatus: result === 'ok' ? 200 : 503,
});

let db: Database.Database;
let audit: AuditRepository;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, now);
  audit = new AuditRepository(db);
  for (const op of ['accept', 'dispense', 'close']) audit.append(entry(op));
});
afterEach(() => db.close());

describe('hash-chained audit trail: tampering is detected', () => {
  it('verifies an untouched trail', () => {
    expect(audit.verify()).toEqual({ ok: true, chained: 3, unchained: 0 });
    expect(audit.list().map((e) => e.operation)).toEqual(['accept', 'dispense', 'close']);
  });

  it('detects an edited entry', () => {
    db.prepare("UPDATE audit SET result = 'failed' WHERE id = 2").run();
    expect(audit.verify()).toEqual({ ok: false, brokenAtId: 2, reason: 'hash-mismatch' });
  });

  it('detects a deleted entry', () => {
    db.prepare('DELETE FROM audit WHERE id = 2').run();
    expect(audit.verify()).toEqual({ ok: false, brokenAtId: 3, reason: 'hash-mismatch' });
  });

  it('detects an entry slipped in without a valid hash', () => {
    db.prepare(
      "INSERT INTO audit (at, staff, operation, prescription_id, result, hash) VALUES ('2026-11-25T09:00:00Z', 'XY', 'close', NULL, 'ok', NULL)",
    ).run();
    expect(audit.verify()).toMatchObject({ ok: false, reason: 'missing-hash' });
    db.prepare("UPDATE audit SET hash = '" + 'f'.repeat(64) + "' WHERE staff = 'XY'").run();
    expect(audit.verify()).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });

  it('counts entries from before the chain existed as unchained and chains the new ones', () => {
    const legacy = new Database(':memory:');
    migrate(legacy, now, migrations.filter((m) => m.version < 3));
    legacy
      .prepare("INSERT INTO audit (at, staff, operation, result) VALUES ('2026-10-01T08:00:00Z', 'AB', 'accept', 'ok')")
      .run();
    migrate(legacy, now);
    const repo = new AuditRepository(legacy);
    repo.append(entry('dispense'));
    expect(repo.verify()).toEqual({ ok: true, chained: 1, unchained: 1 });
    legacy.close();
  });
});

describe('override entries (docs/checks.md, „Begründungen“)', () => {
  it('name the overridden rule as the result and the staff member, and chain like every entry', () => {
    audit.append({ at: '2026-11-25T08:05:00.000Z', staff: 'CD', operation: 'override', prescriptionId: '160.000.000.000.001.54', result: 'PH_SUBSTANCE_DIFFERS' });
    expect(audit.list().at(-1)).toEqual({
      at: '2026-11-25T08:05:00.000Z',
      staff: 'CD',
      operation: 'override',
      prescriptionId: '160.000.000.000.001.54',
      result: 'PH_SUBSTANCE_DIFFERS',
      httpStatus: undefined,
    });
    expect(audit.verify()).toEqual({ ok: true, chained: 4, unchained: 0 });
    db.prepare("UPDATE audit SET result = 'PH_FORM_DIFFERS' WHERE operation = 'override'").run();
    expect(audit.verify()).toMatchObject({ ok: false, reason: 'hash-mismatch' });
  });
});
