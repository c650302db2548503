import { describe, expect, it } from 'vitest';
import { availableBackend, BackendChoiceError, chooseBackend, type BackendRequest } from './choice';

const URL = 'http://127.0.0.1:9000';

describe('chooseBackend', () => {
  it('nothing given: the embedded simulator; --fachdienst: that external simulator', () => {
    expect(chooseBackend({})).toEqual({ kind: 'embedded' });
    expect(chooseBackend({ deterministic: true })).toEqual({ kind: 'embedded' });
    expect(chooseBackend({ fachdienstUrl: URL })).toEqual({ kind: 'simulator', fachdienstUrl: URL });
    expect(chooseBackend({ backend: 'embedded' })).toEqual({ kind: 'embedded' });
    expect(chooseBackend({ backend: 'simulator', fachdienstUrl: URL })).toEqual({ kind: 'simulator', fachdienstUrl: URL });
  });

  const LOOPBACK_TI = { fachdienstUrl: URL, idpUrl: `${URL}/idp`, konnektorUrl: `${URL}/konnektor` };

  it('--backend ti with its three addresses on this machine is the TI simulation, a training backend', () => {
    const choice = chooseBackend({ backend: 'ti', ...LOOPBACK_TI });
    expect(choice).toEqual({ kind: 'ti', addresses: LOOPBACK_TI });
    expect(availableBackend(choice)).toEqual({ kind: 'ti', addresses: LOOPBACK_TI, simulation: true });
    expect(availableBackend({ kind: 'embedded' })).toEqual({ kind: 'embedded' });
  });

  it('any address off this machine is the real TI — never the TI simulation; without addresses the settings decide', () => {
    for (const addresses of [
      { ...LOOPBACK_TI, fachdienstUrl: 'https://erp-ref.zentral.erp.splitdns.ti-dienste.de' },
      { ...LOOPBACK_TI, idpUrl: 'https://idp-ref.zentral.idp.splitdns.ti-dienste.de' },
      { ...LOOPBACK_TI, konnektorUrl: 'https://192.168.1.10' },
    ]) {
      expect(availableBackend(chooseBackend({ backend: 'ti', ...addresses }))).toEqual({ kind: 'ti', addresses, simulation: false });
    }
    expect(availableBackend(chooseBackend({ backend: 'ti' }))).toEqual({ kind: 'ti', simulation: false });
  });

  it.each([
    [{ backend: 'simulator' }, 'simulator-without-url', /--fachdienst URL/],
    [{ backend: 'embedded', fachdienstUrl: URL }, 'embedded-with-url', /schließen sich aus/],
    [{ fachdienstUrl: URL, deterministic: true }, 'deterministic-external', /--seed und --fixed-time gelten nur für den eingebauten Simulator/],
    [{ backend: 'ti', fachdienstUrl: URL }, 'ti-without-addresses', /--fachdienst URL --idp URL --konnektor URL/],
    [{ idpUrl: URL }, 'ti-addresses-without-ti', /nur mit --backend ti/],
    [{ fachdienstUrl: URL, konnektorUrl: URL }, 'ti-addresses-without-ti', /nur mit --backend ti/],
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
