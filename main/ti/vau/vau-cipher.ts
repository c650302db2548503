/**
 * The VAU's two ciphers, client side (spec ti-transport §1.3, §1.5): the request is ECIES to the VAU's
 * brainpoolP256r1 key (HKDF-SHA-256 "ecies-vau-transport", AES-128-GCM), the answer is AES-128-GCM under the
 * one-time response key the client chose.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { gcmDecrypt, gcmEncrypt, GCM_IV_LENGTH, GCM_TAG_LENGTH } from '../../ti-crypto/aes-gcm';
import { generateBrainpoolKeyPair, pointOf, sharedSecret } from '../../ti-crypto/brainpool';
import { hkdfSha256 } from '../../ti-crypto/kdf';

const VERSION = 0x01;
const HKDF_INFO = 'ecies-vau-transport';
const AES_KEY_LENGTH = 16;

export interface VauEncryptionInputs {
  /** fresh for every request; given only by known-answer tests */
  ephemeralPrivateKey?: KeyObject;
  iv?: Uint8Array;
}

/** `0x01 ‖ E.x ‖ E.y ‖ IV ‖ ciphertext ‖ tag` (spec ti-transport §1.3 step 5). */
export function encryptVauRequest(vauPublicKey: KeyObject, plaintext: Uint8Array, inputs: VauEncryptionInputs = {}): Buffer {
  const ephemeral = inputs.ephemeralPrivateKey ?? generateBrainpoolKeyPair().privateKey;
  const key = hkdfSha256(sharedSecret(ephemeral, vauPublicKey), HKDF_INFO, AES_KEY_LENGTH);
  const iv = inputs.iv ?? randomBytes(GCM_IV_LENGTH);
  const { ciphertext, tag } = gcmEncrypt(key, iv, plaintext);
  const { x, y } = pointOf(ephemeral);
  return Buffer.concat([Buffer.of(VERSION), x, y, iv, ciphertext, tag]);
}

/** The outer 200 body `IV(12) ‖ ciphertext ‖ tag(16)` under the response key (spec ti-transport §1.5). */
export function decryptVauResponse(responseKey: Uint8Array, body: Uint8Array): Buffer {
  if (body.length < GCM_IV_LENGTH + GCM_TAG_LENGTH) throw new RangeError(`VAU-Antwort mit nur ${body.length} Bytes`);
  const bytes = Buffer.from(body);
  return gcmDecrypt(responseKey, bytes.subarray(0, GCM_IV_LENGTH), {
    ciphertext: bytes.subarray(GCM_IV_LENGTH, bytes.length - GCM_TAG_LENGTH),
    tag: bytes.subarray(bytes.length - GCM_TAG_LENGTH),
  });
}
