/**
 * Events from main to the page in browser mode (architecture §2, §4): one long-lived, authenticated response
 * of newline-delimited JSON — one AppEvent per line. The page reads it with fetch + ReadableStream, because
 * EventSource cannot send the Authorization header.
 */
import type { AppEvent } from '../../shared/ipc/contract';
import type { EventHub } from '../services/events';

/** Not an AppEvent: keeps proxies and the client's staleness watchdog aware that the stream is alive. */
export const HEARTBEAT_LINE = '{"type":"heartbeat"}\n';

export interface EventStreams {
  /** a new stream for one client; it ends when the client goes away or `closeAll` runs */
  open(abortSignal: AbortSignal): ReadableStream<Uint8Array>;
  closeAll(): void;
  readonly openCount: number;
}

export function createEventStreams(events: EventHub, heartbeatMs: number): EventStreams {
  const encoder = new TextEncoder();
  const active = new Set<() => void>();

  function open(abortSignal: AbortSignal): ReadableStream<Uint8Array> {
    let finish = (): void => undefined;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        let finished = false;
        const send = (line: string): void => {
          try {
            controller.enqueue(encoder.encode(line));
          } catch {
            finish();
          }
        };
        const unsubscribe = events.subscribe((event: AppEvent) => send(`${JSON.stringify(event)}\n`));
        const heartbeat = setInterval(() => send(HEARTBEAT_LINE), heartbeatMs);
        finish = () => {
          if (finished) return;
          finished = true;
          unsubscribe();
          clearInterval(heartbeat);
          active.delete(finish);
          abortSignal.removeEventListener('abort', finish);
          try {
            controller.close();
          } catch {
            // already closed or errored by the consumer
          }
        };
        active.add(finish);
        abortSignal.addEventListener('abort', finish);
        // The first line flushes the response headers, so the client knows it is subscribed.
        send(HEARTBEAT_LINE);
      },
      cancel() {
        finish();
      },
    });
  }

  return {
    open,
    closeAll: () => [...active].forEach((finish) => finish()),
    get openCount() {
      return active.size;
    },
  };
}
