import { describe, expect, it } from 'vitest';
import { assertBackendAvailable, BackendChoiceError, chooseBackend, type BackendRequest } from './choice';
import { TI_NOT_AVAILABLE_MESSAGE } from './policy';

const URL = 'http://127.0.0.1:9000';

describe('chooseBackend', () => {
  it('nothing given: the embedded simulator; --fachdienst: that external simulator', () => {
    expect(chooseBackend({})).toEqual({ kind: 'embedded' });
    expect(chooseBackend({ deterministic: true })).toEqual({ kind: 'embedded' });
    expect(chooseBackend({ fachdienstUrl: URL })).toEqual({ kind: 'simulator', fachdienstUrl: URL });
    expect(chooseBackend({ backend: 'embedded' })).toEqual({ kind: 'embedded' });
    expect(chooseBackend({ backend: 'simulator', fachdienstUrl: URL })).toEqual({ kind: 'simulator', fachdienstUrl: URL });
  });

  it('--backend ti is returned as asked, whatever else was given; assertBackendAvailable refuses it', () => {
    for (const request of [{ backend: 'ti' }, { backend: 'ti', fachdienstUrl: URL, deterministic: true }] satisfies BackendRequest[]) {
      const choice = chooseBackend(request);
      expect(choice).toEqual({ kind: 'ti' });
      expect(() => assertBackendAvailable(choice)).toThrow(TI_NOT_AVAILABLE_MESSAGE);
    }
    expect(() => assertBackendAvailable({ kind: 'embedded' })).not.toThrow();
  });

  it.each([
    [{ backend: 'simulator' }, 'simulator-without-url', /--fachdienst URL/],
    [{ backend: 'embedded', fachdienstUrl: URL }, 'embedded-with-url', /schließen sich aus/],
    [{ fachdienstUrl: URL, deterministic: true }, 'deterministic-external', /--seed und --fixed-time gelten nur für den eingebauten Simulator/],
  ] satisfies [BackendRequest, string, RegExp][])('refuses %j', (request, refusal, message) => {
    const thrown = (() => {
      try {
        chooseBackend(request);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(BackendChoiceError);
    expect(thrown).toMatchObject({ refusal, message: expect.stringMatching(message), english: expect.any(String) });
  });
});
