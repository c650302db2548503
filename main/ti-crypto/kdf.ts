/** The two key derivations of the TI transport. */
import { createHash, hkdfSync } from 'node:crypto';

/**
 * HKDF-SHA-256 (RFC 5869) with an empty salt, as the VAU derives its AES key from the ECDH secret with
 * info "ecies-vau-transport" (spec ti-transport §1.3 step 3).
 */
export function hkdfSha256(inputKeyMaterial: Uint8Array, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', inputKeyMaterial, Buffer.alloc(0), Buffer.from(info, 'ascii'), length));
}

/**
 * JWE ECDH-ES key derivation: the Concat KDF of RFC 7518 §4.6 with SHA-256, in one round (key lengths up to
 * 256 bits). `algorithmId` is the `enc` value for direct key agreement (spec ti-transport §2.1).
 */
export function concatKdf(
  sharedSecret: Uint8Array,
  algorithmId: string,
  keyBits: number,
  partyUInfo: Uint8Array = Buffer.alloc(0),
  partyVInfo: Uint8Array = Buffer.alloc(0),
): Buffer {
  if (keyBits <= 0 || keyBits > 256 || keyBits % 8 !== 0) throw new RangeError(`Schlüssellänge ${keyBits} Bit`);
  const algorithm = Buffer.from(algorithmId, 'ascii');
  const digest = createHash('sha256')
    .update(uint32(1))
    .update(sharedSecret)
    .update(uint32(algorithm.length))
    .update(algorithm)
    .update(uint32(partyUInfo.length))
    .update(partyUInfo)
    .update(uint32(partyVInfo.length))
    .update(partyVInfo)
    .update(uint32(keyBits))
    .digest();
  return digest.subarray(0, keyBits / 8);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
