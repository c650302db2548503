/**
 * Request checks of the browser-mode bridge (architecture §2 "Browser mode"). Pure functions, so the rules
 * are unit-tested apart from the HTTP plumbing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The only authorities the bridge answers to. Anything else is a DNS-rebinding attempt or a misconfiguration. */
export function allowedAuthorities(port: number): { hosts: ReadonlySet<string>; origins: ReadonlySet<string> } {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return { hosts: new Set(hosts), origins: new Set(hosts.map((h) => `http://${h}`)) };
}

/** Host names are case-insensitive (RFC 9110 §4.2.3); the port must be spelled out. */
export function isAllowedHost(host: string | undefined, allowedHosts: ReadonlySet<string>): boolean {
  return host !== undefined && allowedHosts.has(host.trim().toLowerCase());
}

/** An absent Origin is fine (navigations, curl); a present one must be ours — `null` included. */
export function isAllowedOrigin(origin: string | undefined, allowedOrigins: ReadonlySet<string>): boolean {
  return origin === undefined || allowedOrigins.has(origin.trim().toLowerCase());
}

/**
 * Fetch metadata as a second line of defence for the API: browsers mark cross-site requests; our own page
 * sends `same-origin`. Tools without fetch metadata (tests, curl) send nothing.
 */
export function isAllowedFetchSite(secFetchSite: string | undefined): boolean {
  return secFetchSite === undefined || secFetchSite === 'same-origin' || secFetchSite === 'none';
}

/** A fresh bridge key per start: 32 random bytes, hex (architecture §10 "bridge key"). */
export const newBridgeKey = (): string => randomBytes(32).toString('hex');

/** Keys end up inside an HTML attribute: allow only characters that need no escaping there. */
export const isUsableBridgeKey = (key: string): boolean => /^[A-Za-z0-9_-]{32,256}$/.test(key);

/**
 * Checks `Authorization: Bearer <key>` in constant time. Both sides are hashed first so that neither the
 * comparison's duration nor a length mismatch tells an attacker anything about the key.
 */
export function createKeyCheck(key: string): (authorization: string | undefined) => boolean {
  const expected = createHash('sha256').update(key, 'utf8').digest();
  return (authorization) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '', 'utf8')
      .digest();
    return timingSafeEqual(given, expected) && match !== null;
  };
}
