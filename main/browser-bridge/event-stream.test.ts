/**
 * The browser-mode event stream (architecture §2, §4) without HTTP: NDJSON framing, heartbeats, and that a
 * stream gives up its EventHub subscription and timer however it ends (client gone, cancel, server close).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppEvent } from '../../shared/ipc/contract';
import { EventHub } from '../services/events';
import { createEventStreams, HEARTBEAT_LINE } from './event-stream';

class CountingHub extends EventHub {
  active = 0;
  override subscribe(listener: (event: AppEvent) => void): () => void {
    this.active++;
    const unsubscribe = super.subscribe(listener);
    return () => {
      this.active--;
      return unsubscribe();
    };
  }
}

const decoder = new TextDecoder();
async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value, done } = await reader.read();
  return done ? '<end>' : decoder.decode(value);
}

let hub: CountingHub;
beforeEach(() => {
  vi.useFakeTimers();
  hub = new CountingHub();
});
afterEach(() => vi.useRealTimers());

describe('event streams', () => {
  it('starts with a heartbeat, then sends each event as one JSON line', async () => {
    const streams = createEventStreams(hub, 15_000);
    const reader = streams.open(new AbortController().signal).getReader();
    expect(await readText(reader)).toBe(HEARTBEAT_LINE);
    hub.emit({ type: 'case-changed', prescriptionId: '160.000.000.000.123.76' });
    hub.emit({ type: 'cases-changed' });
    expect(await readText(reader)).toBe('{"type":"case-changed","prescriptionId":"160.000.000.000.123.76"}\n');
    expect(await readText(reader)).toBe('{"type":"cases-changed"}\n');
    streams.closeAll();
  });

  it('sends a heartbeat every interval', async () => {
    const streams = createEventStreams(hub, 1000);
    const reader = streams.open(new AbortController().signal).getReader();
    await readText(reader);
    vi.advanceTimersByTime(1000);
    expect(await readText(reader)).toBe(HEARTBEAT_LINE);
    vi.advanceTimersByTime(1000);
    expect(await readText(reader)).toBe(HEARTBEAT_LINE);
    streams.closeAll();
  });

  it('unsubscribes and stops its timer when the client goes away', async () => {
    const streams = createEventStreams(hub, 1000);
    const client = new AbortController();
    const reader = streams.open(client.signal).getReader();
    await readText(reader);
    expect([hub.active, streams.openCount, vi.getTimerCount()]).toEqual([1, 1, 1]);
    client.abort();
    expect([hub.active, streams.openCount, vi.getTimerCount()]).toEqual([0, 0, 0]);
    expect(await readText(reader)).toBe('<end>');
    // events after the end reach nobody and break nothing
    expect(() => hub.emit({ type: 'cases-changed' })).not.toThrow();
  });

  it('unsubscribes when the consumer cancels the stream', async () => {
    const streams = createEventStreams(hub, 1000);
    const reader = streams.open(new AbortController().signal).getReader();
    await readText(reader);
    await reader.cancel();
    expect([hub.active, streams.openCount, vi.getTimerCount()]).toEqual([0, 0, 0]);
  });

  it('ends every open stream on closeAll (server shutdown)', async () => {
    const streams = createEventStreams(hub, 1000);
    const readers = [streams.open(new AbortController().signal).getReader(), streams.open(new AbortController().signal).getReader()];
    for (const reader of readers) await readText(reader);
    expect(streams.openCount).toBe(2);
    streams.closeAll();
    expect([hub.active, streams.openCount, vi.getTimerCount()]).toEqual([0, 0, 0]);
    for (const reader of readers) expect(await readText(reader)).toBe('<end>');
  });
});
