import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TiError } from '../ti-error';
import { KonnektorConfigError, normaliseFingerprint, requireKonnektorSettings, validateKonnektorConfig, type KonnektorConfig } from './konnektor-config';

const CA_PEM = readFileSync(new URL('../../../test/fixtures/gematik/test-cards/ca/GEM.RCA5-TEST-ONLY.pem', import.meta.url), 'utf8');
const P12 = readFileSync(new URL('../../../test/fixtures/gematik/test-cards/smcb/80276001011699902301/80276001011699902301-C_SMCB_AUT_E256_X509.p12', import.meta.url));
const PIN = 'ab'.repeat(32);

function problemsOf(config: KonnektorConfig) {
  const result = validateKonnektorConfig(config);
  return result.ok ? [] : result.problems;
}

describe('validateKonnektorConfig', () => {
  it('fills the context defaults Mandant1/CS1/AP1 and makes the base URL a folder', () => {
    const result = validateKonnektorConfig({ baseUrl: 'https://192.168.1.10:8443/konnektor', trust: { kind: 'pin', sha256Fingerprint: PIN } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings.baseUrl.href).toBe('https://192.168.1.10:8443/konnektor/');
    expect(result.settings.context).toEqual({ mandantId: 'Mandant1', clientSystemId: 'CS1', workplaceId: 'AP1' });
    expect(result.settings.clientAuth).toEqual({ kind: 'none' });
    expect(new URL('connector.sds', result.settings.baseUrl).href).toBe('https://192.168.1.10:8443/konnektor/connector.sds');
  });

  it('tolerates a trailing slash and keeps a configured context including the user', () => {
    const result = validateKonnektorConfig({
      baseUrl: 'https://konnektor.local/',
      trust: { kind: 'ca', caPem: CA_PEM },
      context: { mandantId: ' Apotheke-3 ', clientSystemId: 'eRxCounter', workplaceId: 'HV-1', userId: 'user-7' },
    });
    expect(result.ok && result.settings.baseUrl.href).toBe('https://konnektor.local/');
    expect(result.ok && result.settings.context).toEqual({ mandantId: 'Apotheke-3', clientSystemId: 'eRxCounter', workplaceId: 'HV-1', userId: 'user-7' });
  });

  it('refuses http:// with a German explanation unless plain HTTP is explicitly allowed', () => {
    const problems = problemsOf({ baseUrl: 'http://192.168.1.10/' });
    expect(problems).toEqual([expect.objectContaining({ field: 'baseUrl', code: 'plain-http-not-allowed' })]);
    expect(problems[0]?.message).toMatch(/http:\/\/.*nur für Testaufbauten/);
    expect(validateKonnektorConfig({ baseUrl: 'http://192.168.1.10/', allowPlainHttp: true }).ok).toBe(true);
  });

  it('never accepts https:// without a CA or a pin', () => {
    expect(problemsOf({ baseUrl: 'https://192.168.1.10/' })).toEqual([expect.objectContaining({ field: 'trust', code: 'trust-missing' })]);
  });

  it('normalises the pin to the colon form and refuses anything that is not SHA-256', () => {
    expect(normaliseFingerprint(`${'AB:'.repeat(31)}AB`)).toBe(`${'AB:'.repeat(31)}AB`);
    expect(normaliseFingerprint(PIN)).toBe(`${'AB:'.repeat(31)}AB`);
    expect(normaliseFingerprint('ab'.repeat(20))).toBeUndefined();
    expect(problemsOf({ baseUrl: 'https://k/', trust: { kind: 'pin', sha256Fingerprint: 'SHA1:00' } })).toEqual([expect.objectContaining({ code: 'pin-invalid' })]);
  });

  it('refuses a CA that is not a readable PEM certificate', () => {
    expect(problemsOf({ baseUrl: 'https://k/', trust: { kind: 'ca', caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' } })).toEqual([
      expect.objectContaining({ code: 'ca-invalid' }),
    ]);
  });

  it('checks Basic auth and refuses to send credentials over plain http', () => {
    const trust = { kind: 'pin' as const, sha256Fingerprint: PIN };
    expect(problemsOf({ baseUrl: 'https://k/', trust, clientAuth: { kind: 'basic', username: 'a:b', password: 'x' } })).toEqual([expect.objectContaining({ code: 'basic-auth-invalid' })]);
    expect(problemsOf({ baseUrl: 'http://k/', allowPlainHttp: true, clientAuth: { kind: 'basic', username: 'admin', password: 'geheim' } })).toEqual([
      expect.objectContaining({ code: 'credentials-over-plain-http' }),
    ]);
  });

  it('opens the PKCS#12 client certificate with its passphrase, and says so without the passphrase when it cannot', () => {
    const trust = { kind: 'pin' as const, sha256Fingerprint: PIN };
    expect(validateKonnektorConfig({ baseUrl: 'https://k/', trust, clientAuth: { kind: 'pkcs12', pfx: P12, passphrase: '00' } }).ok).toBe(true);
    const problems = problemsOf({ baseUrl: 'https://k/', trust, clientAuth: { kind: 'pkcs12', pfx: P12, passphrase: 'falsch-123' } });
    expect(problems).toEqual([expect.objectContaining({ field: 'clientAuth', code: 'client-certificate-invalid' })]);
    expect(JSON.stringify(problems)).not.toContain('falsch-123');
  });

  it('refuses credentials inside the URL, a bad ICCSN and resolves endpoint overrides against the base', () => {
    const trust = { kind: 'pin' as const, sha256Fingerprint: PIN };
    expect(problemsOf({ baseUrl: 'https://admin:pw@k/', trust })).toEqual([expect.objectContaining({ code: 'credentials-in-url' })]);
    expect(problemsOf({ baseUrl: 'https://k/', trust, smcbIccsn: '8027' })).toEqual([expect.objectContaining({ code: 'iccsn-invalid' })]);
    const result = validateKonnektorConfig({ baseUrl: 'https://k/base/', trust, serviceEndpoints: { AuthSignatureService: 'ws/auth' } });
    expect(result.ok && result.settings.serviceEndpoints.AuthSignatureService?.href).toBe('https://k/base/ws/auth');
  });

  it('requireKonnektorSettings throws a TiError on hop konnektor listing every problem', () => {
    let error: unknown;
    try {
      requireKonnektorSettings({ baseUrl: 'nix', context: { mandantId: 'a\u0000b' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KonnektorConfigError);
    expect(error).toBeInstanceOf(TiError);
    expect((error as KonnektorConfigError).hop).toBe('konnektor');
    expect((error as KonnektorConfigError).problems.map((problem) => problem.code)).toEqual(['invalid-url', 'context-invalid']);
  });
});
