import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AesGcmCipher } from './aes-gcm-cipher';
import { LocalSettingsFile, splitSettings } from './local-settings';
import type { SettingsStore } from './repositories';

let dir: string;
const cipher = new AesGcmCipher(Buffer.alloc(32, 3));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-local-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalSettingsFile', () => {
  it('keeps values across a restart, owner-only, secrets encrypted', async () => {
    const file = join(dir, 'local-settings.json');
    const first = new LocalSettingsFile(file, cipher);
    await first.set('counterName', 'Kasse 2');
    await first.setSecret('tiSecrets', { passphrase: 'geheim-123' });
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toContain('geheim-123');
    const again = new LocalSettingsFile(file, cipher);
    expect(again.get('counterName')).toBe('Kasse 2');
    expect(again.getSecret('tiSecrets')).toEqual({ passphrase: 'geheim-123' });
  });

  it('writes issued one after the other end with the last value', async () => {
    const file = join(dir, 'local-settings.json');
    const settings = new LocalSettingsFile(file, cipher);
    await Promise.all([settings.set('counterName', 'A'), settings.set('counterName', 'B'), settings.set('currentStaff', 'AB')]);
    const again = new LocalSettingsFile(file, cipher);
    expect(again.get('counterName')).toBe('B');
    expect(again.get('currentStaff')).toBe('AB');
  });

  it('an unreadable file is named, not silently replaced', () => {
    const file = join(dir, 'local-settings.json');
    writeFileSync(file, '{ kaputt');
    expect(() => new LocalSettingsFile(file, cipher)).toThrow(/nicht lesbar/);
  });
});

describe('splitSettings', () => {
  it('routes the workplace keys to the file and the pharmacy keys to the store', async () => {
    const shared = new Map<string, unknown>();
    const store: SettingsStore = {
      get: (k) => shared.get(k),
      getSecret: (k) => shared.get(k),
      set: async (k, v) => void shared.set(k, v),
      setSecret: async (k, v) => void shared.set(k, v),
    };
    const local = new LocalSettingsFile(join(dir, 'local-settings.json'), cipher);
    const settings = splitSettings(local, store);
    await settings.set('counterName', 'Kasse 3');
    await settings.set('staffList', [{ kuerzel: 'AB', name: 'Anna Becker' }]);
    expect(local.get('counterName')).toBe('Kasse 3');
    expect(shared.has('counterName')).toBe(false);
    expect(shared.get('staffList')).toEqual([{ kuerzel: 'AB', name: 'Anna Becker' }]);
    expect(settings.get('staffList')).toEqual([{ kuerzel: 'AB', name: 'Anna Becker' }]);
  });
});
