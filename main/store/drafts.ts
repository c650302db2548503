/** The autosaved dispense list being edited (architecture §7): the pharmacy's authoritative copy (spec §3.10). */
import type { Database } from 'better-sqlite3';
import type { DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { Cipher } from './cipher';
import { decodeEntries, encodeEntries } from './entries-codec';

export interface DraftRecord {
  prescriptionId: PrescriptionId;
  entries: DispenseEntry[];
  savedAt: string;
  staff: string;
}

export class DraftRepository {
  constructor(
    private readonly db: Database,
    private readonly cipher: Cipher,
  ) {}

  save(draft: DraftRecord): void {
    this.db
      .prepare(
        `INSERT INTO drafts (prescription_id, entries_enc, saved_at, staff) VALUES (?, ?, ?, ?)
         ON CONFLICT (prescription_id) DO UPDATE SET entries_enc = excluded.entries_enc,
           saved_at = excluded.saved_at, staff = excluded.staff`,
      )
      .run(draft.prescriptionId, encodeEntries(this.cipher, draft.entries), draft.savedAt, draft.staff);
  }

  get(id: PrescriptionId): DraftRecord | undefined {
    const row = this.db
      .prepare<[string], { entries_enc: string; saved_at: string; staff: string }>(
        'SELECT entries_enc, saved_at, staff FROM drafts WHERE prescription_id = ?',
      )
      .get(id);
    return row ? { prescriptionId: id, entries: decodeEntries(this.cipher, row.entries_enc), savedAt: row.saved_at, staff: row.staff } : undefined;
  }
}
