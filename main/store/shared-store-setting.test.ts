import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSharedStoreSetting, SHARED_STORE_SETTING_FILE } from './shared-store-setting';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'erx-shared-setting-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const write = (content: string) => writeFileSync(join(dir, SHARED_STORE_SETTING_FILE), content);

describe('readSharedStoreSetting (the Electron app’s local setting for the shared store)', () => {
  it('no file: the counter keeps its own store', () => {
    expect(readSharedStoreSetting(dir)).toBeUndefined();
  });

  it('reads the store and the passphrase file', () => {
    write(JSON.stringify({ store: 'postgres://erx@127.0.0.1:5432/apotheke', enrolPassphraseFile: '/etc/erx/enrol' }));
    expect(readSharedStoreSetting(dir)).toEqual({
      store: { host: '127.0.0.1', port: 5432, user: 'erx', database: 'apotheke' },
      enrolPassphraseFile: '/etc/erx/enrol',
    });
  });

  it('refuses with a German message what --store refuses, and never falls back to a local store', () => {
    write(JSON.stringify({ store: 'postgres://erx:geheim@127.0.0.1:5432/apotheke' }));
    expect(() => readSharedStoreSetting(dir)).toThrow(/Passwort/);
    write(JSON.stringify({ store: 'postgres://erx@db.apotheke.lan:5432/apotheke' }));
    expect(() => readSharedStoreSetting(dir)).toThrow(/verify-full/);
    write('{ kein json');
    expect(() => readSharedStoreSetting(dir)).toThrow(/kein gültiges JSON/);
    write(JSON.stringify({ store: 'postgres://erx@127.0.0.1/x', password: 'x' }));
    expect(() => readSharedStoreSetting(dir)).toThrow(/darf nur noch/);
    write(JSON.stringify({ store: 'postgres://erx@127.0.0.1/x', enrolPassphraseFile: 'relativ' }));
    expect(() => readSharedStoreSetting(dir)).toThrow(/absoluter Pfad/);
  });
});
