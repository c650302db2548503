/**
 * Encryption at rest for personal data and credentials (architecture §7): Secret, AccessCode,
 * QES, prescription, dispense lists and receipts pass through a Cipher before they reach SQLite (columns `*_enc`,
 * secret settings). The app uses AesGcmCipher (aes-gcm-cipher.ts) with the data key from data-protection.ts;
 * IdentityCipher remains for unit tests on `:memory:` databases and describes what earlier versions wrote.
 */
export interface Cipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /**
   * Whether `stored` is output of this cipher. A cipher that can tell lets openStore encrypt the plaintext an
   * earlier version (IdentityCipher) left in the database (legacy-plaintext.ts); IdentityCipher cannot tell.
   */
  isCiphertext?(stored: string): boolean;
}

/** A Cipher that recognises its own output. */
export type CiphertextAwareCipher = Cipher & { isCiphertext(stored: string): boolean };

export const recognisesCiphertext = (cipher: Cipher): cipher is CiphertextAwareCipher =>
  typeof cipher.isCiphertext === 'function';

/** Stores plain text: for tests and what versions before the data key wrote. */
export class IdentityCipher implements Cipher {
  encrypt(plain: string): string {
    return plain;
  }

  decrypt(stored: string): string {
    return stored;
  }
}
