/**
 * pkijs needs a WebCrypto engine. We pass this one explicitly to every pkijs call instead of setting pkijs'
 * global engine, so nothing else in the process is affected.
 */
import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

export const subtle = webcrypto.subtle;

export const cryptoEngine = new pkijs.CryptoEngine({
  name: 'node-webcrypto',
  // Node's webcrypto implements the DOM Crypto interface pkijs expects.
  crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'],
});

/** The simulator's key type: WebCrypto has no brainpool, so P-256 stands in for brainpoolP256r1 (stack notes). */
export const EC_KEY_ALGORITHM: webcrypto.EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };

export const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
