import { describe, expect, it } from 'vitest';
import { TI_NOT_AVAILABLE_MESSAGE } from '../backend/policy';
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

  it('--backend ti refuses to start with „TI-Anbindung noch nicht verfügbar“', () => {
    expect(() => parseAppArgs(['--backend', 'ti'])).toThrow(TI_NOT_AVAILABLE_MESSAGE);
    expect(() => parseAppArgs(['--data', '/tmp/x', '--backend', 'ti', '--fachdienst', 'http://127.0.0.1:8080'])).toThrow(/^TI-Anbindung noch nicht verfügbar/);
  });
  it('accepts the training backends when they fit --fachdienst, and nothing else', () => {
    expect(parseAppArgs(['--backend', 'embedded'])).toEqual({ backend: 'embedded' });
    expect(parseAppArgs(['--backend', 'simulator', '--fachdienst', 'http://127.0.0.1:8080'])).toEqual({ backend: 'simulator', fachdienstUrl: 'http://127.0.0.1:8080' });
    expect(() => parseAppArgs(['--backend', 'simulator'])).toThrow(/--fachdienst URL/);
    expect(() => parseAppArgs(['--backend', 'embedded', '--fachdienst', 'http://127.0.0.1:8080'])).toThrow(/schließen sich aus/);
    expect(() => parseAppArgs(['--backend', 'real'])).toThrow(/gibt es nicht/);
  });
});
