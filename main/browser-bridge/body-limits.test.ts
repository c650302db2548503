import { describe, expect, it } from 'vitest';
import { articleLimits } from '../../shared/ipc/contract';
import { formatBodyLimit, MAX_IMPORT_BODY_BYTES, MAX_JSON_BODY_BYTES, maxBodyBytes } from './body-limits';

describe('body limits of the bridge', () => {
  it('reads 1 MB for every call but the article import, which carries a file of 64 MiB', () => {
    expect(maxBodyBytes('scanCode')).toBe(MAX_JSON_BODY_BYTES);
    expect(maxBodyBytes('savePharmacySetup')).toBe(1024 * 1024);
    expect(maxBodyBytes('importArticles')).toBe(MAX_IMPORT_BODY_BYTES);
    // a file of quotes and line breaks only doubles in JSON; the usual 1 MB stays for the rest of the request
    expect(MAX_IMPORT_BODY_BYTES).toBeGreaterThanOrEqual(2 * articleLimits.importTextChars + 1024 * 1024);
  });

  it('gives names that are no channel the usual limit', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'importarticles', '']) expect(maxBodyBytes(name), name).toBe(MAX_JSON_BODY_BYTES);
  });

  it('names the limit in MB for the refusal', () => {
    expect(formatBodyLimit(MAX_JSON_BODY_BYTES)).toBe('1 MB');
    expect(formatBodyLimit(MAX_IMPORT_BODY_BYTES)).toBe('129 MB');
  });
});
