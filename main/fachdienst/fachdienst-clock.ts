/**
 * The Fachdienst's clock as seen from the app (docs/reliability.md, "The Fachdienst's clock"): every answer
 * carries a `Date` header (RFC 7231, whole seconds) in the Fachdienst's time. The offset = that instant − the app's clock when the answer
 * arrived; the latest answer wins. Timestamps the Fachdienst writes (lastMedicationDispense, A_24285-01) are
 * compared with the app's own records only after converting them with this offset (dispense-reconcile.ts).
 *
 * What the offset is worth: the header is cut to the whole second and stamped before the answer travels, so the
 * measured offset is at most 1 s + the answer's travel time SMALLER than the true one, never larger.
 */

export class FachdienstClock {
  private offset: number | undefined;

  /** Records the offset from an answer's `Date` header; an absent or unreadable header changes nothing. */
  observe(dateHeader: string | undefined, receivedAt: Date): void {
    const instant = parseHttpDate(dateHeader);
    if (instant === undefined || Number.isNaN(receivedAt.getTime())) return;
    this.offset = instant - receivedAt.getTime();
  }

  /** Fachdienst time − app time in ms, from the latest answer with a `Date` header; undefined before any. */
  offsetMs(): number | undefined {
    return this.offset;
  }
}

/** IMF-fixdate as HTTP sends it (`Tue, 15 Nov 1994 08:12:31 GMT`); other forms Date.parse reads are taken too. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
