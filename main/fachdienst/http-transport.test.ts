import { describe, expect, it } from 'vitest';
import { HttpTransport } from './http-transport';
import { TransportError } from './transport';

type FetchCall = { url: string; init: RequestInit | undefined };

function recordingFetch(respond: (call: FetchCall) => Promise<Response>) {
  const calls: FetchCall[] = [];
  const fn = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const call = { url: String(input), init };
    calls.push(call);
    return respond(call);
  };
  return { calls, fetch: fn as typeof fetch };
}

describe('HttpTransport', () => {
  it('resolves relative paths and query against the configured base', async () => {
    const { calls, fetch } = recordingFetch(async () => new Response('{}', { status: 200, headers: { 'Content-Type': 'application/fhir+json' } }));
    const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:4711/fd', fetch });
    const res = await transport.send({ method: 'POST', path: 'Task/160.000.000.000.001.54/$accept', query: { ac: 'abc' } });
    expect(calls[0]?.url).toBe('http://127.0.0.1:4711/fd/Task/160.000.000.000.001.54/$accept?ac=abc');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/fhir+json');
  });

  it.each(['https://evil.example/Task/1', '//evil.example/Task', '/Task/1', 'Task/../../admin'])(
    'refuses a path that leaves the base: %s',
    async (path) => {
      const { calls, fetch } = recordingFetch(async () => new Response(''));
      const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:4711/', fetch });
      await expect(transport.send({ method: 'GET', path })).rejects.toThrow();
      expect(calls).toHaveLength(0);
    },
  );

  it('aborts a call that takes longer than the timeout', async () => {
    const { fetch } = recordingFetch(
      (call) =>
        new Promise<Response>((_resolve, reject) => {
          call.init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:4711/', fetch, timeoutMs: 20 });
    const error = await transport.send({ method: 'GET', path: 'Task/x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('timeout');
  });

  it('reads a timeout setting on every call, so a changed setting applies to the next call', async () => {
    const { fetch } = recordingFetch(
      (call) =>
        new Promise<Response>((_resolve, reject) => {
          call.init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    let setting = 20;
    const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:4711/', fetch, timeoutMs: () => setting });
    const first = await transport.send({ method: 'GET', path: 'Task/x' }).catch((e: unknown) => e);
    setting = 35;
    const second = await transport.send({ method: 'GET', path: 'Task/x' }).catch((e: unknown) => e);
    expect((first as TransportError).technical).toBe('nach 20 ms abgebrochen');
    expect((second as TransportError).technical).toBe('nach 35 ms abgebrochen');
  });

  it('reports a refused connection as a network error without the URL', async () => {
    const { fetch } = recordingFetch(async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    });
    const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:4711/', fetch });
    const error = await transport.send({ method: 'GET', path: 'Task/x', query: { secret: 's'.repeat(64) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('network');
    expect((error as TransportError).technical).toBe('ECONNREFUSED');
  });
});
