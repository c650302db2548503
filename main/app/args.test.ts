import { describe, expect, it } from 'vitest';
import { parseAppArgs } from './args';

describe('parseAppArgs', () => {
  it('reads --data and --fachdienst among Electron/Chromium switches', () => {
    expect(parseAppArgs(['--no-sandbox', '--data', '/tmp/x', '--fachdienst', 'http://127.0.0.1:8080/'])).toEqual({
      dataDir: '/tmp/x',
      fachdienstUrl: 'http://127.0.0.1:8080',
    });
  });
  it('refuses a backend URL that is not http(s)', () => {
    expect(() => parseAppArgs(['--fachdienst', 'file:///etc/passwd'])).toThrow(/unsupported/);
    expect(() => parseAppArgs(['--fachdienst', 'nonsense'])).toThrow();
  });

  it('--backend ti: with all three addresses (the TI simulation on loopback, or the real TI), or with none (the settings\' environment); two of three refuse', () => {
    const simulation = ['--backend', 'ti', '--fachdienst', 'http://127.0.0.1:8080/', '--idp', 'http://127.0.0.1:8080/idp/', '--konnektor', 'http://127.0.0.1:8080/konnektor'];
    expect(parseAppArgs(simulation)).toEqual({
      backend: 'ti',
      fachdienstUrl: 'http://127.0.0.1:8080',
      idpUrl: 'http://127.0.0.1:8080/idp',
      konnektorUrl: 'http://127.0.0.1:8080/konnektor',
    });
    expect(parseAppArgs(['--backend', 'ti'])).toEqual({ backend: 'ti' });
    expect(() => parseAppArgs(['--data', '/tmp/x', '--backend', 'ti', '--fachdienst', 'http://127.0.0.1:8080'])).toThrow(/--idp URL --konnektor URL/);
    expect(parseAppArgs(simulation.map((arg) => arg.replace('http://127.0.0.1:8080/idp/', 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de')))).toMatchObject({
      backend: 'ti',
      idpUrl: 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de',
    });
  });
  it('accepts the training backends when they fit --fachdienst, and nothing else', () => {
    expect(parseAppArgs(['--backend', 'embedded'])).toEqual({ backend: 'embedded' });
    expect(parseAppArgs(['--backend', 'simulator', '--fachdienst', 'http://127.0.0.1:8080'])).toEqual({ backend: 'simulator', fachdienstUrl: 'http://127.0.0.1:8080' });
    expect(() => parseAppArgs(['--backend', 'simulator'])).toThrow(/--fachdienst URL/);
    expect(() => parseAppArgs(['--backend', 'embedded', '--fachdienst', 'http://127.0.0.1:8080'])).toThrow(/schließen sich aus/);
    expect(() => parseAppArgs(['--backend', 'real'])).toThrow(/gibt es nicht/);
  });
  it('takes the shared store and its enrolment file like browser mode (issue 18)', () => {
    expect(parseAppArgs(['--store', 'postgres://erx@127.0.0.1:5432/apotheke', '--enrol-passphrase-file', '/etc/erx/enrol'])).toEqual({
      store: { host: '127.0.0.1', port: 5432, user: 'erx', database: 'apotheke' },
      enrolPassphraseFile: '/etc/erx/enrol',
    });
    expect(() => parseAppArgs(['--store', 'postgres://erx:geheim@127.0.0.1:5432/apotheke'])).toThrow(/Passwort/);
  });
  it('takes --import-articles FILE like browser mode (docs/article-master.md)', () => {
    expect(parseAppArgs(['--import-articles', '/srv/artikel.csv', '--no-sandbox'])).toEqual({ importArticles: '/srv/artikel.csv' });
    expect(() => parseAppArgs(['--import-articles'])).toThrow(/--import-articles braucht einen Wert/);
  });
});
