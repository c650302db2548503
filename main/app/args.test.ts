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
});
