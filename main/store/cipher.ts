/**
 * Encryption at rest for personal data and credentials (architecture §7): Secret, AccessCode, QES,
 * prescription, dispense lists and receipts pass through a Cipher before they reach SQLite.
 * This version ships the IdentityCipher; a real one (e.g. AES-GCM with a key from the OS keychain via
 * Electron safeStorage) plugs in through the same interface.
 */
export interface Cipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

/** Stores plain text. Placeholder until the key management exists (see README of main/store). */
export class IdentityCipher implements Cipher {
  encrypt(plain: string): string {
    return plain;
  }

  decrypt(stored: string): string {
    return stored;
  }
}
