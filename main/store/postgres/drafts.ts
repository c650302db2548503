/** Drafts in the PostgreSQL store: the autosaved dispense list, as the SQLite DraftRepository (../drafts.ts). */
import type { PrescriptionId } from '../../../shared/erezept/identifiers';
import type { Cipher } from '../cipher';
import type { DraftRecord } from '../drafts';
import { decodeEntries, encodeEntries } from '../entries-codec';
import type { DraftStore } from '../repositories';
import { notifyCasesChanged } from './notify';
import type { PostgresUnitsOfWork } from './unit-of-work';

export class PostgresDraftRepository implements DraftStore {
  constructor(
    private readonly units: PostgresUnitsOfWork,
    private readonly cipher: Cipher,
  ) {}

  async save(draft: DraftRecord): Promise<void> {
    await this.units.transaction(async () => {
      await this.units.query(
        `INSERT INTO drafts (prescription_id, entries_enc, saved_at, staff) VALUES ($1, $2, $3, $4)
         ON CONFLICT (prescription_id) DO UPDATE SET entries_enc = excluded.entries_enc,
           saved_at = excluded.saved_at, staff = excluded.staff`,
        [draft.prescriptionId, encodeEntries(this.cipher, draft.entries), draft.savedAt, draft.staff],
      );
      await notifyCasesChanged(this.units, [draft.prescriptionId]);
    });
  }

  async get(id: PrescriptionId): Promise<DraftRecord | undefined> {
    const { rows } = await this.units.query<{ entries_enc: string; saved_at: string; staff: string }>(
      'SELECT entries_enc, saved_at, staff FROM drafts WHERE prescription_id = $1',
      [id],
    );
    const row = rows[0];
    return row ? { prescriptionId: id, entries: decodeEntries(this.cipher, row.entries_enc), savedAt: row.saved_at, staff: row.staff } : undefined;
  }
}
