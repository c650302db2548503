/**
 * The renderer's own writes to a case and main's `case-changed` events about them (docs/performance.md,
 * submit-overhead). Every write ($accept by scan, $dispense, $close, $reject, $abort, receipt re-fetch, Secret
 * recovery) answers with the whole CaseDetail, which goes straight into the query cache. Main also emits
 * `case-changed` for that write — before or after the answer arrives — and refetching the detail then would be a
 * second round trip whose answer re-renders the case view a second time (a race, too: an older read may land after
 * the answer).
 *
 * So a `case-changed` for a case with a write of ours in flight only marks the detail stale; when the write
 * ends, a case it did NOT answer for (an event from another source meanwhile, or a failed write) is refetched
 * then. An event within `answerWindowMs` after an answer was stored marks the detail stale without refetching:
 * the answer is at least as new as that event (main emits before it answers). Lists are always invalidated.
 *
 * What else such an echo asks again — who holds the case, its messages, the pending operations — waits until the
 * answer is on screen (`afterOwnWrite`): those reads changed nothing the pharmacist waits for after „Abgabe
 * übermitteln“, and sent at once they raced the answer — three more round trips to main and their renders between the
 * click and the confirmation (docs/performance.md, submit-overhead).
 */
import type { QueryClient } from '@tanstack/react-query';
import type { CaseDetail } from '../../../../shared/ipc/contract';
import { caseKeys } from './case-query';

/** How long after storing an answer an event about the same case is taken as the echo of that write. */
export const answerWindowMs = 500;

interface Writes {
  /** scans in flight: they may touch any case, the ids are known only from the answer */
  scans: number;
  /** writes in flight by PrescriptionID */
  inFlight: Map<string, number>;
  /** events that arrived while a write was in flight, to be refetched unless the write answered for them */
  deferred: Set<string>;
  /** when an answer for the case was stored (performance.now()) */
  storedAt: Map<string, number>;
  /** reads an echo asked for while a write was in flight, by PrescriptionID: run once its answer is on screen */
  afterAnswer: Map<string, (() => void)[]>;
}

const byClient = new WeakMap<QueryClient, Writes>();

function writesOf(queryClient: QueryClient): Writes {
  let writes = byClient.get(queryClient);
  if (!writes) {
    writes = { scans: 0, inFlight: new Map(), deferred: new Set(), storedAt: new Map(), afterAnswer: new Map() };
    byClient.set(queryClient, writes);
  }
  return writes;
}

/** A write starts: `null` for a scan (any case), else the case's PrescriptionID. */
export function beginCaseWrite(queryClient: QueryClient, prescriptionId: string | null): void {
  const writes = writesOf(queryClient);
  if (prescriptionId === null) writes.scans += 1;
  else writes.inFlight.set(prescriptionId, (writes.inFlight.get(prescriptionId) ?? 0) + 1);
}

/** A write ended (answer or failure): events it held back about cases it did not answer for refetch now. */
export function endCaseWrite(queryClient: QueryClient, prescriptionId: string | null): void {
  const writes = writesOf(queryClient);
  if (prescriptionId === null) writes.scans = Math.max(0, writes.scans - 1);
  else {
    const left = (writes.inFlight.get(prescriptionId) ?? 1) - 1;
    if (left > 0) writes.inFlight.set(prescriptionId, left);
    else writes.inFlight.delete(prescriptionId);
  }
  for (const id of [...writes.deferred]) {
    if (writes.scans > 0 || writes.inFlight.has(id)) continue;
    writes.deferred.delete(id);
    if (!answeredRecently(writes, id)) void queryClient.invalidateQueries({ queryKey: caseKeys.detail(id) });
  }
  for (const [id, reads] of [...writes.afterAnswer]) {
    if (writes.scans > 0 || writes.inFlight.has(id)) continue;
    writes.afterAnswer.delete(id);
    afterNextFrame(() => reads.forEach((read) => read()));
  }
}

/**
 * After the frame that shows what is rendered now: react-query hands an answer to the screen in a task of its own
 * (notifyManager), React renders it before the next frame, so calls started after that frame no longer delay it.
 */
export function afterNextFrame(run: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(run, 0));
  else setTimeout(run, 0);
}

/**
 * Reads a `case-changed` asks for besides the detail (who holds the case, its messages, …): now — or, for the echo of
 * a write of ours (in flight or just answered), once that answer is on screen.
 */
export function afterOwnWrite(queryClient: QueryClient, prescriptionId: string, read: () => void): void {
  const writes = writesOf(queryClient);
  if (writes.scans > 0 || writes.inFlight.has(prescriptionId)) {
    writes.afterAnswer.set(prescriptionId, [...(writes.afterAnswer.get(prescriptionId) ?? []), read]);
    return;
  }
  if (answeredRecently(writes, prescriptionId)) afterNextFrame(read);
  else read();
}

function answeredRecently(writes: Writes, prescriptionId: string, now = performance.now()): boolean {
  const at = writes.storedAt.get(prescriptionId);
  return at !== undefined && now - at < answerWindowMs;
}

/** Puts a write's answer into the cache (no `getCase` round trip) and marks every list stale. */
export function storeCaseDetail(queryClient: QueryClient, detail: CaseDetail): void {
  storeCaseAnswer(queryClient, detail);
  void queryClient.invalidateQueries({ queryKey: caseKeys.lists() });
}

/** The cache part of storeCaseDetail, for a caller that invalidates the lists once for several cases. */
export function storeCaseAnswer(queryClient: QueryClient, detail: CaseDetail): void {
  const writes = writesOf(queryClient);
  writes.storedAt.set(detail.prescriptionId, performance.now());
  // setQueryData also clears a stale mark an event set meanwhile
  queryClient.setQueryData(caseKeys.detail(detail.prescriptionId), detail);
}

/** main's `case-changed` for the detail: refetch, unless it is (or may be) the echo of our own write. */
export function invalidateChangedCase(queryClient: QueryClient, prescriptionId: string): void {
  const writes = writesOf(queryClient);
  const queryKey = caseKeys.detail(prescriptionId);
  if (writes.scans > 0 || writes.inFlight.has(prescriptionId)) {
    writes.deferred.add(prescriptionId);
    void queryClient.invalidateQueries({ queryKey, refetchType: 'none' });
    return;
  }
  if (answeredRecently(writes, prescriptionId)) {
    // stale for the next visit, but no refetch now: the answer on screen is at least as new
    void queryClient.invalidateQueries({ queryKey, refetchType: 'none' });
    return;
  }
  void queryClient.invalidateQueries({ queryKey });
}
