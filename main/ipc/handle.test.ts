import { describe, expect, it, vi } from 'vitest';
import { channels, type AppInfo, type Channel } from '../../shared/ipc/contract';
import { makePrescriptionId } from '../../shared/erezept/identifiers';
import { failure } from '../errors';
import { createDispatcher, isTrustedSenderUrl, redact, type CallerCheck } from './handle';
import type { HandlerTable } from './types';

const trusted: CallerCheck = { trusted: true, description: 'test' };
const fixedNow = () => new Date('2025-03-01T10:00:00.000Z');

const appInfo: AppInfo = {
  version: '0.1.0',
  backend: 'embedded',
  training: true,
  fachdienstUrl: 'http://127.0.0.1:1',
  dataProtection: 'key-file',
  network: { requestTimeoutMs: 15_000, retryBaseMs: 1_000, maxAttempts: 10 },
  messageRetentionDays: 30,
  pharmacy: { telematikId: '3-SMC-B-Testkarte-883110000095957', name: 'Test-Apotheke' },
  staff: null,
  staffList: [],
};

/** Every channel gets a spy; a test overrides the ones it cares about. */
function fakeHandlers(overrides: Partial<HandlerTable> = {}): HandlerTable {
  const table: Partial<Record<Channel, (req: unknown) => Promise<unknown>>> = {};
  for (const channel of channels) table[channel] = vi.fn(async () => ({ channel }));
  return { ...(table as HandlerTable), ...overrides };
}

const secretLike = 'a'.repeat(64);

describe('createDispatcher', () => {
  it('validates the payload, calls the one handler with the parsed request and wraps its answer', async () => {
    const getAppInfo = vi.fn(async () => appInfo);
    const dispatcher = createDispatcher(fakeHandlers({ 'erx:getAppInfo': getAppInfo }));
    const result = await dispatcher.dispatch('erx:getAppInfo', {}, trusted);
    expect(result).toEqual({ ok: true, data: appInfo });
    expect(getAppInfo).toHaveBeenCalledWith({});
  });

  it('hands the handler the parsed (branded) request, not the raw payload', async () => {
    const getCase = vi.fn(async () => {
      throw failure('not-found', 'Rezept nicht gefunden');
    });
    const dispatcher = createDispatcher(fakeHandlers({ 'erx:getCase': getCase }));
    const id = makePrescriptionId('160', 123n);
    await dispatcher.dispatch('erx:getCase', { prescriptionId: id, extra: 'dropped' }, trusted);
    expect(getCase).toHaveBeenCalledWith({ prescriptionId: id });
  });

  it('answers an unknown channel with a German error instead of throwing', async () => {
    const dispatcher = createDispatcher(fakeHandlers(), { now: fixedNow });
    const result = await dispatcher.dispatch('erx:deleteEverything', {}, trusted);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('unknown-channel');
    expect(result.error.message).toContain('Unbekannte Funktion');
    expect(result.error.at).toBe('2025-03-01T10:00:00.000Z');
  });

  it('does not treat Object.prototype members as channels', async () => {
    const dispatcher = createDispatcher(fakeHandlers());
    const result = await dispatcher.dispatch('constructor', {}, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses an invalid payload, naming the wrong fields without echoing values, and never calls the handler', async () => {
    const handlers = fakeHandlers();
    const dispatcher = createDispatcher(handlers);
    const result = await dispatcher.dispatch(
      'erx:saveDraft',
      { prescriptionId: secretLike, entries: 'not a list' },
      trusted,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation');
    expect(result.error.system).toBe('app');
    expect(result.error.retry).toBe('never');
    const paths = result.error.findings?.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['prescriptionId', 'entries']));
    expect(result.error.message).toContain('entries');
    expect(result.error.message).toContain('Rezept-ID');
    expect(JSON.stringify(result.error)).not.toContain(secretLike);
    expect(handlers['erx:saveDraft']).not.toHaveBeenCalled();
  });

  it('reports a missing required field by its name', async () => {
    const dispatcher = createDispatcher(fakeHandlers());
    const result = await dispatcher.dispatch('erx:scanCode', {}, trusted);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation', findings: [{ path: 'text', severity: 'error' }] },
    });
  });

  it('keeps the message short for many wrong fields but lists every one as a finding', async () => {
    const dispatcher = createDispatcher(fakeHandlers());
    const result = await dispatcher.dispatch(
      'erx:saveDraft',
      { prescriptionId: makePrescriptionId('160', 1n), entries: [{}, {}, {}] },
      trusted,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.findings?.length).toBeGreaterThan(5);
    expect(result.error.findings?.[0]).toMatchObject({ path: 'entries.0.key', message: expect.stringContaining('erwartet: Text') });
    expect(result.error.message).toMatch(/\(und \d+ weitere\)$/);
  });

  it('passes an AppFailure through unchanged', async () => {
    const appFailure = failure('fachdienst', 'Der Fachdienst hat das Rezept abgelehnt.', {
      httpStatus: 409,
      retry: 'never',
      system: 'fachdienst',
      detail: 'OperationOutcome: Task not in status ready',
    });
    const dispatcher = createDispatcher(
      fakeHandlers({
        'erx:scanCode': async () => {
          throw appFailure;
        },
      }),
    );
    const result = await dispatcher.dispatch('erx:scanCode', { text: 'Task/x' }, trusted);
    expect(result).toEqual({ ok: false, error: appFailure.appError });
  });

  it('turns any other throw into an internal error and logs it without the payload or secrets', async () => {
    const log = vi.fn<(line: string) => void>();
    const dispatcher = createDispatcher(
      fakeHandlers({
        'erx:scanCode': async () => {
          throw new TypeError(`fetch failed for Task/160.000.000.000.123.76/$accept?ac=${secretLike}`);
        },
      }),
      { log, now: fixedNow },
    );
    const payload = { text: 'PATIENT-DATA-Müller' };
    const result = await dispatcher.dispatch('erx:scanCode', payload, trusted);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('internal');
    expect(result.error.message).toContain('Interner Fehler');
    expect(JSON.stringify(result.error)).not.toContain('fetch failed');
    expect(log).toHaveBeenCalledTimes(1);
    const line = log.mock.calls[0]?.[0] ?? '';
    expect(line).toContain('erx:scanCode');
    expect(line).toContain('TypeError');
    expect(line).not.toContain(secretLike);
    expect(line).not.toContain('PATIENT-DATA');
    // the incident number links the pharmacist's message to the support log
    const incident = /Incident (\w+)/.exec(result.error.detail ?? '')?.[1];
    expect(incident).toBeDefined();
    expect(line).toContain(`incident ${incident}`);
  });

  it('never rejects, even when something that is not an Error is thrown', async () => {
    const dispatcher = createDispatcher(
      fakeHandlers({
        'erx:listCases': () => Promise.reject(42),
      }),
    );
    await expect(dispatcher.dispatch('erx:listCases', {}, trusted)).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('refuses an untrusted caller before looking at channel or payload', async () => {
    const handlers = fakeHandlers();
    const log = vi.fn<(line: string) => void>();
    const dispatcher = createDispatcher(handlers, { log });
    const result = await dispatcher.dispatch('erx:getAppInfo', {}, { trusted: false, description: 'https://evil.example' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!result.ok) expect(result.error.message).toContain('abgelehnt');
    expect(handlers['erx:getAppInfo']).not.toHaveBeenCalled();
    expect(log.mock.calls[0]?.[0]).toContain('evil.example');
  });
});

describe('isTrustedSenderUrl', () => {
  const allowed = { fileRoot: '/opt/erx/out/renderer', devServerUrl: 'http://localhost:5173' };

  it('accepts our built page and files below it', () => {
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html', allowed)).toBe(true);
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html#/cases/1', allowed)).toBe(true);
  });

  it('accepts a root given as file URL or with a trailing slash', () => {
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html', { fileRoot: 'file:///opt/erx/out/renderer/' })).toBe(true);
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html', { fileRoot: '/opt/erx/out/renderer/' })).toBe(true);
  });

  it('accepts exactly the page when the root names index.html (file path or file URL)', () => {
    for (const fileRoot of ['/opt/erx/out/renderer/index.html', 'file:///opt/erx/out/renderer/index.html']) {
      expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html', { fileRoot })).toBe(true);
      expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html#/cases', { fileRoot })).toBe(true);
      expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html.evil', { fileRoot })).toBe(false);
      expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/other.html', { fileRoot })).toBe(false);
    }
  });

  it('accepts a root path with spaces and umlauts, as pathToFileURL encodes them', () => {
    const fileRoot = '/home/Apotheke Müller/erx/out/renderer';
    expect(isTrustedSenderUrl('file:///home/Apotheke%20M%C3%BCller/erx/out/renderer/index.html', { fileRoot })).toBe(true);
  });

  it('accepts the dev server origin only', () => {
    expect(isTrustedSenderUrl('http://localhost:5173/', allowed)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5173/index.html?x=1', allowed)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', allowed)).toBe(false);
    expect(isTrustedSenderUrl('https://localhost:5173/', allowed)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost.evil.example:5173/', allowed)).toBe(false);
  });

  it('refuses other files, sibling folders with the same prefix and traversal', () => {
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer-evil/index.html', allowed)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer', allowed)).toBe(false);
    expect(isTrustedSenderUrl('file:///tmp/evil.html', allowed)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/../../../tmp/evil.html', allowed)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/%2e%2e/x.html', allowed)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/..%2F..%2Ftmp/evil.html', allowed)).toBe(false);
    expect(isTrustedSenderUrl('file://remote-host/opt/erx/out/renderer/index.html', allowed)).toBe(false);
  });

  it('refuses remote pages, odd schemes and garbage', () => {
    expect(isTrustedSenderUrl('https://evil.example/', allowed)).toBe(false);
    expect(isTrustedSenderUrl('about:blank', allowed)).toBe(false);
    expect(isTrustedSenderUrl('data:text/html,<h1>x</h1>', allowed)).toBe(false);
    expect(isTrustedSenderUrl('', allowed)).toBe(false);
    expect(isTrustedSenderUrl('not a url', allowed)).toBe(false);
  });

  it('trusts nothing when nothing is allowed', () => {
    expect(isTrustedSenderUrl('file:///opt/erx/out/renderer/index.html', {})).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/', {})).toBe(false);
  });
});

describe('redact', () => {
  it('masks 64-hex values, JWTs, ac= parameters and bearer tokens', () => {
    const text = redact(`ac=${secretLike} Bearer abc.def eyJhbGciOi.eyJzdWIi.sig ${'F'.repeat(64)}`);
    expect(text).not.toContain(secretLike);
    expect(text).not.toContain('eyJhbGciOi');
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('F'.repeat(64));
  });
});
