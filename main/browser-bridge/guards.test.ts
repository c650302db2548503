import { describe, expect, it } from 'vitest';
import {
  allowedAuthorities,
  createKeyCheck,
  isAllowedFetchSite,
  isAllowedHost,
  isAllowedOrigin,
  isUsableBridgeKey,
  newBridgeKey,
} from './guards';

describe('bridge guards', () => {
  const { hosts, origins } = allowedAuthorities(5180);

  it('allows only loopback names with our port as Host', () => {
    expect(isAllowedHost('127.0.0.1:5180', hosts)).toBe(true);
    expect(isAllowedHost('LocalHost:5180', hosts)).toBe(true);
    expect(isAllowedHost('127.0.0.1', hosts)).toBe(false);
    expect(isAllowedHost('127.0.0.1:5181', hosts)).toBe(false);
    expect(isAllowedHost('evil.example:5180', hosts)).toBe(false);
    expect(isAllowedHost('[::1]:5180', hosts)).toBe(false);
    expect(isAllowedHost(undefined, hosts)).toBe(false);
  });

  it('allows an absent Origin or our own, nothing else', () => {
    expect(isAllowedOrigin(undefined, origins)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:5180', origins)).toBe(true);
    expect(isAllowedOrigin('http://localhost:5180', origins)).toBe(true);
    expect(isAllowedOrigin('null', origins)).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:5180', origins)).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:5180.evil.example', origins)).toBe(false);
  });

  it('refuses cross-site fetch metadata', () => {
    expect(isAllowedFetchSite(undefined)).toBe(true);
    expect(isAllowedFetchSite('same-origin')).toBe(true);
    expect(isAllowedFetchSite('cross-site')).toBe(false);
    expect(isAllowedFetchSite('same-site')).toBe(false);
  });

  it('checks the bearer key exactly', () => {
    const key = newBridgeKey();
    const check = createKeyCheck(key);
    expect(check(`Bearer ${key}`)).toBe(true);
    expect(check(`bearer ${key}`)).toBe(true);
    expect(check(`Bearer ${key.slice(0, -1)}`)).toBe(false);
    expect(check(`Bearer ${key} extra`)).toBe(false);
    expect(check(key)).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check(undefined)).toBe(false);
  });

  it('creates a fresh 64-hex key each time and accepts only attribute-safe custom keys', () => {
    const a = newBridgeKey();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(newBridgeKey()).not.toBe(a);
    expect(isUsableBridgeKey(a)).toBe(true);
    expect(isUsableBridgeKey('short')).toBe(false);
    expect(isUsableBridgeKey(`${'a'.repeat(40)}"><script>`)).toBe(false);
  });
});
