import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataProtectionError,
  KEY_FILE_NAME,
  openDataProtection,
  WRAPPED_KEY_FILE_NAME,
  type SafeStorageLike,
} from './data-protection';

const posix = process.platform !== 'win32';
const SECRET = 'c36ca26502892b371d252c99b496e31505ff449aca9bc69e231c58148f6233cf';

/** A keychain stand-in: reversible, but its output is not the input (like the OS keychain's wrapping). */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  wraps = 0;
  constructor(
    private readonly backend: string | undefined,
    private readonly secret = 0x5a,
  ) {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer {
    this.wraps++;
    return Buffer.concat([Buffer.from('FAKEKC'), Buffer.from(plain, 'utf8').map((b) => b ^ this.secret)]);
  }
  decryptString(encrypted: Buffer): string {
    if (!encrypted.subarray(0, 6).equals(Buffer.from('FAKEKC'))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(6).map((b) => b ^ this.secret)).toString('utf8');
  }
}

const keychain = (backend?: string, secret?: number): FakeSafeStorage => {
  const fake = new FakeSafeStorage(backend, secret);
  if (backend !== undefined) fake.getSelectedStorageBackend = () => backend;
  return fake;
};

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'erx-data-protection-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const keyFile = () => join(dataDir, KEY_FILE_NAME);
const wrappedFile = () => join(dataDir, WRAPPED_KEY_FILE_NAME);
const keyHex = () => readFileSync(keyFile(), 'utf8').trim();

function thrown(fn: () => unknown): DataProtectionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DataProtectionError) return e;
    throw e;
  }
  throw new Error('expected a DataProtectionError');
}

describe('key file (browser mode, no usable keychain)', () => {
  it('creates a 32-byte key readable by the owner only', () => {
    const protection = openDataProtection({ dataDir });
    expect(protection.kind).toBe('key-file');
    expect(keyHex()).toMatch(/^[0-9a-f]{64}$/);
    if (posix) expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(existsSync(wrappedFile())).toBe(false);
  });

  it('uses the same key after a restart: data written before is readable', () => {
    const stored = openDataProtection({ dataDir }).cipher.encrypt(SECRET);
    expect(openDataProtection({ dataDir }).cipher.decrypt(stored)).toBe(SECRET);
  });

  it('two data directories get different keys', () => {
    const other = mkdtempSync(join(tmpdir(), 'erx-data-protection-'));
    try {
      const stored = openDataProtection({ dataDir }).cipher.encrypt(SECRET);
      expect(() => openDataProtection({ dataDir: other }).cipher.decrypt(stored)).toThrow();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it.runIf(posix)('sets a key file readable by others back to 0600 and keeps using it', () => {
    const stored = openDataProtection({ dataDir }).cipher.encrypt(SECRET);
    chmodSync(keyFile(), 0o644);
    const reopened = openDataProtection({ dataDir });
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(reopened.cipher.decrypt(stored)).toBe(SECRET);
  });

  it.each([
    ['short', 'abcd\n'],
    ['not hex', `${'z'.repeat(64)}\n`],
    ['empty', ''],
  ])('refuses a %s key file instead of replacing it', (_kind, content) => {
    writeFileSync(keyFile(), content, { mode: 0o600 });
    expect(thrown(() => openDataProtection({ dataDir })).reason).toBe('key-corrupt');
    expect(readFileSync(keyFile(), 'utf8')).toBe(content);
  });

  it('uses the key file when the keychain is the basic_text fallback, unknown (before ready) or unavailable', () => {
    const basic = keychain('basic_text');
    const unknown = keychain('unknown');
    const unavailable = keychain('gnome_libsecret');
    unavailable.available = false;
    for (const safeStorage of [basic, unknown, unavailable]) {
      expect(openDataProtection({ dataDir, safeStorage }).kind).toBe('key-file');
    }
    expect(existsSync(keyFile())).toBe(true);
    expect(existsSync(wrappedFile())).toBe(false);
    expect(basic.wraps + unknown.wraps + unavailable.wraps).toBe(0);
  });
});

describe('OS keychain (Electron safeStorage)', () => {
  it('keeps the key wrapped by the keychain and never writes it in clear', () => {
    const safeStorage = keychain('gnome_libsecret');
    const protection = openDataProtection({ dataDir, safeStorage });
    expect(protection.kind).toBe('safe-storage');
    expect(existsSync(keyFile())).toBe(false);
    const wrapped = readFileSync(wrappedFile());
    const key = Buffer.from(safeStorage.decryptString(wrapped), 'hex');
    expect(key).toHaveLength(32);
    expect(wrapped.toString('latin1')).not.toContain(key.toString('hex'));
    expect(wrapped.includes(key)).toBe(false);
    expect(wrapped.toString('latin1')).not.toContain(key.toString('base64'));
    const stored = protection.cipher.encrypt(SECRET);
    expect(openDataProtection({ dataDir, safeStorage }).cipher.decrypt(stored)).toBe(SECRET);
  });

  it('uses the keychain on macOS/Windows, where there is no backend name', () => {
    expect(openDataProtection({ dataDir, safeStorage: keychain(undefined) }).kind).toBe('safe-storage');
  });

  it('moves an existing key file into the keychain once it is usable; the data stays readable', () => {
    const before = openDataProtection({ dataDir, safeStorage: keychain('basic_text') });
    const stored = before.cipher.encrypt(SECRET);
    const hex = keyHex();
    const safeStorage = keychain('kwallet5');
    const after = openDataProtection({ dataDir, safeStorage });
    expect(after.kind).toBe('safe-storage');
    expect(existsSync(keyFile())).toBe(false);
    expect(safeStorage.decryptString(readFileSync(wrappedFile()))).toBe(hex);
    expect(after.cipher.decrypt(stored)).toBe(SECRET);
    expect(openDataProtection({ dataDir, safeStorage }).cipher.decrypt(stored)).toBe(SECRET);
  });

  it('finishes a move a crash interrupted (both files, same key)', () => {
    const safeStorage = keychain('gnome_libsecret');
    const stored = openDataProtection({ dataDir }).cipher.encrypt(SECRET);
    const hex = keyHex();
    writeFileSync(wrappedFile(), safeStorage.encryptString(hex));
    const protection = openDataProtection({ dataDir, safeStorage });
    expect(protection.kind).toBe('safe-storage');
    expect(protection.cipher.decrypt(stored)).toBe(SECRET);
    expect(existsSync(keyFile())).toBe(false);
  });

  it('refuses two different keys rather than guessing', () => {
    const safeStorage = keychain('gnome_libsecret');
    openDataProtection({ dataDir, safeStorage });
    writeFileSync(keyFile(), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    expect(thrown(() => openDataProtection({ dataDir, safeStorage })).reason).toBe('key-conflict');
    expect(existsSync(keyFile())).toBe(true);
  });

  it.each([
    ['no safeStorage (browser mode)', undefined],
    ['basic_text', keychain('basic_text')],
    ['encryption unavailable', Object.assign(keychain('gnome_libsecret'), { available: false })],
  ])('never creates a new key when the keychain holds one and is not usable: %s', (_case, safeStorage) => {
    const stored = openDataProtection({ dataDir, safeStorage: keychain('gnome_libsecret') }).cipher.encrypt(SECRET);
    const wrapped = readFileSync(wrappedFile());
    const error = thrown(() => openDataProtection({ dataDir, safeStorage }));
    expect(error.reason).toBe('keychain-unavailable');
    expect(error.message).toMatch(/Schlüsselbund.*nicht erreichbar.*Support/);
    expect(existsSync(keyFile())).toBe(false);
    expect(readFileSync(wrappedFile())).toEqual(wrapped);
    // still readable once the keychain is back
    expect(openDataProtection({ dataDir, safeStorage: keychain('gnome_libsecret') }).cipher.decrypt(stored)).toBe(SECRET);
  });

  it('refuses a wrapped key another keychain cannot unwrap, without creating a new one', () => {
    openDataProtection({ dataDir, safeStorage: keychain('gnome_libsecret') });
    const error = thrown(() => openDataProtection({ dataDir, safeStorage: keychain('gnome_libsecret', 0x33) }));
    expect(error.reason).toBe('key-corrupt');
    expect(error.message).toMatch(/anderen Schlüsselbund/);
    expect(existsSync(keyFile())).toBe(false);
  });

  it('falls back to the key file when the keychain does not give the key back', () => {
    const broken = keychain('gnome_libsecret');
    broken.decryptString = () => 'garbage';
    const stored = openDataProtection({ dataDir }).cipher.encrypt(SECRET);
    const protection = openDataProtection({ dataDir, safeStorage: broken });
    expect(protection.kind).toBe('key-file');
    expect(existsSync(wrappedFile())).toBe(false);
    expect(protection.cipher.decrypt(stored)).toBe(SECRET);
  });
});
