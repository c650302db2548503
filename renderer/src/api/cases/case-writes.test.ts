import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyAppEvent } from '../../app/bridge-events';
import { caseDetail, ids } from '../../test/fixtures';
import { messageKeys } from '../messages/messages-query';
import { caseKeys } from './case-query';
import { answerWindowMs, beginCaseWrite, endCaseWrite, storeCaseDetail } from './case-writes';

/** A detail query shown on screen (an observer), whose reads from main are counted. */
function watchedDetail(client: QueryClient, id: string) {
  const getCase = vi.fn(async () => caseDetail({ prescriptionId: id }));
  const observer = new QueryObserver(client, { queryKey: caseKeys.detail(id), queryFn: getCase, staleTime: 30_000 });
  const unsubscribe = observer.subscribe(() => undefined);
  return { getCase, unsubscribe };
}

/** Lets every read started so far answer and react-query pass it on — fake time does not move. */
const settle = () => vi.advanceTimersByTimeAsync(0);
const changed = (client: QueryClient, id: string) => applyAppEvent(client, { type: 'case-changed', prescriptionId: id });

// fake timers move performance.now() too: the echo window (answerWindowMs) passes when the test says so
beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('own case writes and main’s case-changed echo', () => {
  it('what else the echo asks again (here: the case’s messages) waits until the answer is on screen', async () => {
    const client = new QueryClient();
    const readThread = vi.fn(async () => ({ messages: [], replyVersion: 1, canReply: true }));
    const thread = new QueryObserver(client, { queryKey: messageKeys.thread(ids.first), queryFn: readThread, staleTime: 30_000 });
    const unsubscribe = thread.subscribe(() => undefined);
    await settle();
    expect(readThread).toHaveBeenCalledTimes(1);

    beginCaseWrite(client, ids.first);
    changed(client, ids.first);
    await settle();
    // not while „Abgabe übermitteln“ runs: main would answer it before the submission
    expect(readThread).toHaveBeenCalledTimes(1);
    storeCaseDetail(client, caseDetail({ status: 'dispensed' }));
    endCaseWrite(client, ids.first);
    expect(readThread).toHaveBeenCalledTimes(1);
    // after the frame with the answer it is asked once
    await vi.advanceTimersByTimeAsync(100);
    expect(readThread).toHaveBeenCalledTimes(2);
    unsubscribe();
  });

  it('an event during our write and its answer do not refetch the detail: one render with the answer', async () => {
    const client = new QueryClient();
    const shown = watchedDetail(client, ids.first);
    await settle();
    expect(shown.getCase).toHaveBeenCalledTimes(1);

    beginCaseWrite(client, ids.first);
    changed(client, ids.first);
    const answer = caseDetail({ status: 'dispensed' });
    storeCaseDetail(client, answer);
    endCaseWrite(client, ids.first);
    changed(client, ids.first); // the echo may also come after the answer
    await settle();

    expect(shown.getCase).toHaveBeenCalledTimes(1);
    expect(client.getQueryData(caseKeys.detail(ids.first))).toEqual(answer);
    shown.unsubscribe();
  });

  it('events about other cases, and later events about the same case, still refresh', async () => {
    const client = new QueryClient();
    const first = watchedDetail(client, ids.first);
    const second = watchedDetail(client, ids.second);
    await settle();

    beginCaseWrite(client, ids.first);
    changed(client, ids.second);
    storeCaseDetail(client, caseDetail());
    endCaseWrite(client, ids.first);
    await settle();
    expect(second.getCase).toHaveBeenCalledTimes(2);

    await vi.advanceTimersByTimeAsync(answerWindowMs + 1);
    changed(client, ids.first);
    await settle();
    expect(first.getCase).toHaveBeenCalledTimes(2);
    first.unsubscribe();
    second.unsubscribe();
  });

  it('a failed write refetches the case an event arrived about meanwhile', async () => {
    const client = new QueryClient();
    const shown = watchedDetail(client, ids.first);
    await settle();
    beginCaseWrite(client, ids.first);
    changed(client, ids.first);
    await settle();
    expect(shown.getCase).toHaveBeenCalledTimes(1);
    endCaseWrite(client, ids.first); // no answer stored
    await settle();
    expect(shown.getCase).toHaveBeenCalledTimes(2);
    shown.unsubscribe();
  });

  it('a scan holds back events about any case; those it did not answer for refetch when it ends', async () => {
    const client = new QueryClient();
    const first = watchedDetail(client, ids.first);
    const second = watchedDetail(client, ids.second);
    await settle();
    beginCaseWrite(client, null);
    changed(client, ids.first);
    changed(client, ids.second);
    storeCaseDetail(client, caseDetail());
    endCaseWrite(client, null);
    await settle();
    expect(first.getCase).toHaveBeenCalledTimes(1);
    expect(second.getCase).toHaveBeenCalledTimes(2);
    first.unsubscribe();
    second.unsubscribe();
  });
});
