import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentityCipher } from './cipher';
import { DataProtectionError, KEY_FILE_NAME, openDataProtection } from './data-protection';
import { assertDataKeyNotLost } from './key-loss';
import { openStore } from './store';

let dataDir: string;
let dbFile: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'erx-keyloss-'));
  dbFile = join(dataDir, 'erx.db');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const hmacKey = Buffer.alloc(32, 3);

describe('assertDataKeyNotLost', () => {
  it('lets a first start through (no database yet)', () => {
    expect(() => assertDataKeyNotLost({ dataDir, dbFile })).not.toThrow();
  });

  it('lets a database of an earlier, unencrypted version through (it gets encrypted on open)', async () => {
    const legacy = openStore({ file: dbFile, cipher: new IdentityCipher(), hmacKey });
    await legacy.settings.setSecret('demo.seededTokens', ['Task/160.000.000.000.001.54/$accept?ac=…']);
    await legacy.close();
    expect(() => assertDataKeyNotLost({ dataDir, dbFile })).not.toThrow();
  });

  it('refuses to start when the key file of an encrypted database is gone', async () => {
    const { cipher } = openDataProtection({ dataDir });
    const store = openStore({ file: dbFile, cipher, hmacKey });
    await store.settings.setSecret('demo.seededTokens', ['Task/160.000.000.000.001.54/$accept?ac=…']);
    await store.close();
    expect(() => assertDataKeyNotLost({ dataDir, dbFile })).not.toThrow();

    unlinkSync(join(dataDir, KEY_FILE_NAME));
    expect(() => assertDataKeyNotLost({ dataDir, dbFile })).toThrow(DataProtectionError);
    expect(() => assertDataKeyNotLost({ dataDir, dbFile })).toThrow(/Schlüssel der verschlüsselten Daten fehlt/);
  });
});
