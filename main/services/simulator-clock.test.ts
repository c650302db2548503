import { describe, expect, it } from 'vitest';
import { jsonResponse, ScriptedTransport } from '../fachdienst/testing';
import { SimulatorClock } from './simulator-clock';

const base = () => new Date('2026-10-05T08:00:00.000Z');

describe('SimulatorClock', () => {
  it('follows a simulator clock that was set ahead', async () => {
    const transport = new ScriptedTransport(() => jsonResponse(200, { now: '2027-01-05T08:00:00.000Z' }));
    const clock = new SimulatorClock(base, transport);
    expect(clock.now().toISOString()).toBe('2026-10-05T08:00:00.000Z');
    await clock.sync();
    expect(transport.requests[0]?.path).toBe('_sim/clock');
    expect(clock.now().toISOString()).toBe('2027-01-05T08:00:00.000Z');
  });

  it('ignores latency-sized differences and keeps the last offset when the simulator cannot answer', async () => {
    let answer = jsonResponse(200, { now: '2026-10-05T08:00:00.400Z' });
    const clock = new SimulatorClock(base, new ScriptedTransport(() => answer));
    await clock.sync();
    expect(clock.now().toISOString()).toBe('2026-10-05T08:00:00.000Z');
    answer = jsonResponse(200, { now: '2026-10-06T08:00:00.000Z' });
    await clock.sync();
    answer = jsonResponse(503);
    await clock.sync();
    expect(clock.now().toISOString()).toBe('2026-10-06T08:00:00.000Z');
  });

  it('syncs for reading at most once per interval, sharing one request between concurrent callers', async () => {
    let now = new Date('2026-10-05T08:00:00.000Z');
    const transport = new ScriptedTransport(() => jsonResponse(200, { now: '2026-10-06T08:00:00.000Z' }));
    const clock = new SimulatorClock(() => now, transport);
    await Promise.all([clock.syncIfOlderThan(1000), clock.syncIfOlderThan(1000)]);
    expect(transport.requests).toHaveLength(1);
    await clock.syncIfOlderThan(1000);
    expect(transport.requests).toHaveLength(1);
    now = new Date('2026-10-05T08:00:02.000Z');
    await clock.syncIfOlderThan(1000);
    expect(transport.requests).toHaveLength(2);
  });

  it("reads the embedded simulator's clock in-process, without a request", async () => {
    let simulated = new Date('2027-01-05T08:00:00.000Z');
    const clock = new SimulatorClock(base, { now: () => simulated });
    await clock.sync();
    expect(clock.now().toISOString()).toBe('2027-01-05T08:00:00.000Z');
    simulated = new Date('2027-02-05T08:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2027-01-05T08:00:00.000Z'); // until the next sync, as over HTTP
    await clock.sync();
    expect(clock.now().toISOString()).toBe('2027-02-05T08:00:00.000Z');
  });
});
