import { describe, expect, it } from 'vitest';
import { jwtExpiry, PHARMACY_PROFESSION_OID, SimulatorTokenProvider } from './access-token';
import { jsonResponse, ScriptedTransport } from './testing';

describe('SimulatorTokenProvider', () => {
  it('asks the configured simulator for a pharmacy token and caches it until shortly before expiry', async () => {
    let t = Date.parse('2026-10-05T08:00:00Z');
    let n = 0;
    const transport = new ScriptedTransport(() => jsonResponse(200, { access_token: `tok-${++n}`, expires_in: 300 }));
    const provider = new SimulatorTokenProvider({ transport, telematikId: '3-SMC-B-Testkarte-883110000095957', now: () => new Date(t) });

    expect(await provider.getToken()).toBe('tok-1');
    const req = transport.requests[0]!;
    expect(req.path).toBe('_sim/token');
    expect(req.hop).toBe('idp'); // a failed sign-in is reported as the IDP hop, not the Fachdienst (A_23814)
    expect(JSON.parse(req.body ?? '')).toEqual({ professionOID: PHARMACY_PROFESSION_OID, telematikId: '3-SMC-B-Testkarte-883110000095957' });

    t += 200_000;
    expect(await provider.getToken()).toBe('tok-1');
    t += 60_000; // 40 s before expiry: renew
    expect(await provider.getToken()).toBe('tok-2');
    provider.invalidate();
    expect(await provider.getToken()).toBe('tok-3');
  });

  it('a pharmacy whose Telematik-ID changed while the app runs gets a new token for the new one, not the cached one', async () => {
    let n = 0;
    let telematikId = '3-SMC-B-Testkarte-883110000095957';
    const transport = new ScriptedTransport(() => jsonResponse(200, { access_token: `tok-${++n}`, expires_in: 300 }));
    const provider = new SimulatorTokenProvider({ transport, telematikId: () => telematikId, now: () => new Date() });
    expect(await provider.getToken()).toBe('tok-1');
    expect(await provider.getToken()).toBe('tok-1');
    telematikId = '3-SMC-B-Testkarte-883110000000001';
    expect(await provider.getToken()).toBe('tok-2');
    expect(JSON.parse(transport.requests[1]?.body ?? '')).toMatchObject({ telematikId: '3-SMC-B-Testkarte-883110000000001' });
  });

  it('concurrent callers share one request', async () => {
    const transport = new ScriptedTransport(() => jsonResponse(200, { access_token: 'x', expires_in: 300 }));
    const provider = new SimulatorTokenProvider({ transport, telematikId: '3-a', now: () => new Date() });
    await Promise.all([provider.getToken(), provider.getToken(), provider.getToken()]);
    expect(transport.requests).toHaveLength(1);
  });

  it('fails on a non-2xx answer', async () => {
    const transport = new ScriptedTransport(() => jsonResponse(500));
    const provider = new SimulatorTokenProvider({ transport, telematikId: '3-a', now: () => new Date() });
    await expect(provider.getToken()).rejects.toThrow('HTTP 500');
  });

  it('reads exp from a JWT when expires_in is absent', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1_800_000_000 })).toString('base64url');
    expect(jwtExpiry(`h.${payload}.s`)).toBe(1_800_000_000_000);
    expect(jwtExpiry('not-a-jwt')).toBeUndefined();
  });
});
