/**
 * The local copy of a list that cannot be saved yet. `erx:saveDraft` accepts only lists that pass the shared
 * schema (a half-typed batch does not), so an incomplete list is kept in the page's storage until it becomes
 * valid and main has saved it — then the copy goes. Reopening the case restores the copy (the draft
 * survives a restart). It holds articles and batches, never patient data, and is removed after
 * $reject/$abort with everything else (A_19251). The editor (features/dispense) reads and writes the copies;
 * the case actions and the trainer's reset remove them.
 */

const PREFIX = 'erx.unsavedDraft.';

/** The least an entry of a copy must have for the editor to render it; its resolver checks the rest before sending. */
interface LocalDraftEntry {
  key: string;
  medication: { kind: string };
}

interface LocalDraft<E extends LocalDraftEntry> {
  entries: E[];
  savedAt: string;
}

const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};

/** The copy kept for this prescription; `E` is the editor's entry type, of which only LocalDraftEntry is checked. */
export function readLocalDraft<E extends LocalDraftEntry>(prescriptionId: string): LocalDraft<E> | undefined {
  try {
    const raw = storage()?.getItem(PREFIX + prescriptionId);
    if (!raw) return undefined;
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { entries, savedAt } = parsed as Record<string, unknown>;
    if (!Array.isArray(entries) || entries.length === 0 || typeof savedAt !== 'string') return undefined;
    // Only the shape the form needs to render; the resolver validates the rest before anything is sent.
    const usable = entries.every(
      (e: unknown) => typeof e === 'object' && e !== null && typeof (e as { key?: unknown }).key === 'string' && typeof (e as { medication?: { kind?: unknown } }).medication?.kind === 'string',
    );
    return usable ? { entries: entries as E[], savedAt } : undefined;
  } catch {
    return undefined;
  }
}

export function writeLocalDraft(prescriptionId: string, entries: readonly LocalDraftEntry[], savedAt: string): boolean {
  try {
    storage()?.setItem(PREFIX + prescriptionId, JSON.stringify({ entries, savedAt }));
    return true;
  } catch {
    return false;
  }
}

export function clearLocalDraft(prescriptionId: string): void {
  try {
    storage()?.removeItem(PREFIX + prescriptionId);
  } catch {
    // nothing stored, nothing to remove
  }
}

/**
 * Removes every local copy — when the trainer resets the training store: a scenario loaded
 * again creates the same PrescriptionIDs, whose old copies must not come back as „wiederhergestellt“.
 */
export function clearAllLocalDrafts(): void {
  try {
    const store = storage();
    if (!store) return;
    const keys = Array.from({ length: store.length }, (_, i) => store.key(i)).filter((k): k is string => k?.startsWith(PREFIX) === true);
    for (const key of keys) store.removeItem(key);
  } catch {
    // nothing readable, nothing to remove
  }
}
