import { describe, expect, it } from 'vitest';
import { readJsonBody } from './read-body';

const streamOf = (...parts: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });

const post = (body: string | Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string> = {}): Request =>
  new Request('http://127.0.0.1/api/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('readJsonBody', () => {
  it('parses JSON within the limit', async () => {
    expect(await readJsonBody(post('{"text":"ä"}'), 100)).toEqual({ ok: true, value: { text: 'ä' } });
  });

  it('refuses a declared length over the limit without reading', async () => {
    expect(await readJsonBody(post('{}', { 'content-length': '5000' }), 100)).toEqual({ ok: false, reason: 'too-large' });
  });

  it('counts a streamed body and stops at the limit', async () => {
    expect(await readJsonBody(post(streamOf('{"a":"', 'x'.repeat(80), 'y'.repeat(80), '"}')), 100)).toEqual({
      ok: false,
      reason: 'too-large',
    });
  });

  it('refuses broken JSON, broken UTF-8 and a missing body', async () => {
    expect(await readJsonBody(post('{"a":'), 100)).toEqual({ ok: false, reason: 'invalid-json' });
    expect(await readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])), 100)).toEqual({ ok: false, reason: 'invalid-json' });
    expect(await readJsonBody(new Request('http://127.0.0.1/api/x', { method: 'POST' }), 100)).toEqual({
      ok: false,
      reason: 'invalid-json',
    });
  });
});
