/**
 * The KVNR is personal data: the store keeps only an HMAC of it for exact-match search (architecture §7).
 * The HMAC key lives in a key file beside the database, created on first start with owner-only rights.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** `initialKey`: the key to keep when the file does not exist yet (a counter joining a shared store, §5). */
export function loadOrCreateKey(file: string, initialKey?: Buffer): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length >= 32) return key;
    throw new Error(`Schlüsseldatei ${file} ist beschädigt`);
  }
  const key = initialKey ?? randomBytes(32);
  // 'wx' fails instead of overwriting a key another process wrote in the meantime.
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export type KvnrHasher = (kvnr: string) => string;

export const kvnrHasher =
  (key: Buffer): KvnrHasher =>
  (kvnr) =>
    createHmac('sha256', key).update(kvnr.trim().toUpperCase(), 'utf8').digest('hex');
