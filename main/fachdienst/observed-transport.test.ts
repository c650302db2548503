import { describe, expect, it } from 'vitest';
import { ObservedTransport, type TransportOutcome } from './observed-transport';
import { jsonResponse, ScriptedTransport } from './testing';
import { TransportError } from './transport';

describe('ObservedTransport', () => {
  it('reports every answer with its hop and status and returns it unchanged', async () => {
    const outcomes: TransportOutcome[] = [];
    const inner = new ScriptedTransport((_request, index) => jsonResponse(index === 0 ? 200 : 503, { ok: index }));
    const transport = new ObservedTransport(inner, (o) => outcomes.push(o));

    const token = await transport.send({ method: 'POST', path: '_sim/token', hop: 'idp' });
    const task = await transport.send({ method: 'GET', path: 'Task/x' });

    expect(token).toEqual(jsonResponse(200, { ok: 0 }));
    expect(task.status).toBe(503);
    expect(outcomes).toEqual([
      { hop: 'idp', kind: 'answer', status: 200 },
      { hop: 'fachdienst', kind: 'answer', status: 503 },
    ]);
  });

  it('reports a call without answer and rethrows the same error', async () => {
    const outcomes: TransportOutcome[] = [];
    const cut = new TransportError('network', 'ECONNREFUSED');
    const transport = new ObservedTransport(
      new ScriptedTransport(() => {
        throw cut;
      }),
      (o) => outcomes.push(o),
    );
    await expect(transport.send({ method: 'GET', path: 'Task/x', query: { secret: 'a'.repeat(64) } })).rejects.toBe(cut);
    expect(outcomes).toEqual([{ hop: 'fachdienst', kind: 'no-answer', cause: 'network', technical: 'ECONNREFUSED' }]);
  });

  it('does not report errors that say nothing about the connection', async () => {
    const outcomes: TransportOutcome[] = [];
    const transport = new ObservedTransport(
      new ScriptedTransport(() => {
        throw new Error('Pfad muss relativ zur Fachdienst-Adresse sein');
      }),
      (o) => outcomes.push(o),
    );
    await expect(transport.send({ method: 'GET', path: '/etc' })).rejects.toThrow('Pfad');
    expect(outcomes).toEqual([]);
  });

  it('a throwing observer breaks neither an answer nor a failure', async () => {
    const throwing = () => {
      throw new Error('observer broken');
    };
    const ok = new ObservedTransport(new ScriptedTransport(() => jsonResponse(204)), throwing);
    expect((await ok.send({ method: 'POST', path: 'Task/x/$dispense' })).status).toBe(204);

    const timeout = new TransportError('timeout', 'nach 20 ms abgebrochen');
    const slow = new ObservedTransport(
      new ScriptedTransport(() => {
        throw timeout;
      }),
      throwing,
    );
    await expect(slow.send({ method: 'GET', path: 'Task/x' })).rejects.toBe(timeout);
  });
});
