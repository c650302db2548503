/**
 * An RSA-only SMC-B through the app's TI chain against the simulated TI over real HTTP (spec ti-transport §3.4,
 * §3.5, §4.4 K16): the card signer reads C.AUT with `Crypt=ECC` first and, finding none, with `Crypt=RSA`; the
 * simulated Konnektor signs the challenge hash with RSASSA-PSS; the sign-in sends it as PS256 and the simulated IDP
 * issues the token for the card's Telematik-ID. An ECC card in the same Konnektor is still taken with ECC.
 *
 * The RSA card is not in the simulator's default card list: it comes with `ERX_TI_SIMULATION_RSA_CARD=1`
 * (main/simulator/ti/material.ts), and only then does the simulated IDP trust its CA.
 */
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import { signDigestRsaPss } from '../../main/simulator/ti/konnektor/digest-signature-rsa';
import { loadTiSimulationMaterial } from '../../main/simulator/ti/material';
import type { CardSigner } from '../../main/ti/idp/card-signer';
import type { IdpCertificateTrust } from '../../main/ti/idp/discovery';
import { IdpTokenProvider } from '../../main/ti/idp/idp-token-provider';
import type { SignedIn } from '../../main/ti/idp/sign-in';
import type { CardCrypt } from '../../main/ti/konnektor/konnektor-client';
import { KonnektorClient } from '../../main/ti/konnektor/konnektor-client';
import { SmcbCardSigner, type SmcbKonnektor } from '../../main/ti/konnektor/smcb-card-signer';
import { TiError } from '../../main/ti/ti-error';

const RSA_ICCSN = '80276001011699902399';
const ECC_ICCSN = '80276001011699902301';
const USER_AGENT = 'eRxCounter/0.1.0 eRxCounter/gematikTestPs';
const material = loadTiSimulationMaterial(undefined, { rsaCard: true });
const trustSimulation: IdpCertificateTrust = async (certificate) => {
  if (!certificate.verify(material.simulationCa.publicKey)) throw new TiError('idp', 'nicht vertrauenswürdig', 'nicht von der TI-Simulation');
};

/** with the RSA card in play */
let simulator: SimulatorHandle;
/** the default `--ti` simulator: the two ECC cards, the RSA card's CA not trusted */
let plain: SimulatorHandle;

beforeAll(async () => {
  try {
    vi.stubEnv('ERX_TI_SIMULATION_RSA_CARD', '0');
    plain = await startSimulatorServer({ port: 0, ti: true });
    vi.stubEnv('ERX_TI_SIMULATION_RSA_CARD', '1');
    simulator = await startSimulatorServer({ port: 0, ti: true });
  } finally {
    vi.unstubAllEnvs();
  }
});

afterAll(async () => {
  await Promise.all([simulator?.close(), plain?.close()]);
});

async function control(server: SimulatorHandle, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}/_sim/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(response.ok).toBe(true);
  return response.json();
}

/** What the sign-in did at the Konnektor and the card: the `Crypt` of each ReadCardCertificate, the JWS alg of each signature. */
interface Recorded {
  crypts: CardCrypt[];
  algs: string[];
}

/** The app's Konnektor client and card signer against the simulated Konnektor, recording what they asked and got. */
function recordingSmcb(server: SimulatorHandle): { card: CardSigner; recorded: Recorded } {
  const client = KonnektorClient.fromConfig({ baseUrl: `${server.url}/konnektor/`, allowPlainHttp: true, timeoutMs: 10_000 });
  const recorded: Recorded = { crypts: [], algs: [] };
  const konnektor: SmcbKonnektor = {
    getCards: (type) => client.getCards(type),
    readCardCertificate: (handle, crypt) => {
      recorded.crypts.push(crypt);
      return client.readCardCertificate(handle, crypt);
    },
    externalAuthenticate: (handle, hash, crypt) => client.externalAuthenticate(handle, hash, crypt),
    getPinStatus: (handle, pinType) => client.getPinStatus(handle, pinType),
  };
  const signer = new SmcbCardSigner(konnektor);
  const card: CardSigner = {
    readAuthenticationCertificate: () => signer.readAuthenticationCertificate(),
    signHash: async (hash) => {
      const signature = await signer.signHash(hash);
      recorded.algs.push(signature.alg);
      return signature;
    },
  };
  return { card, recorded };
}

function provider(server: SimulatorHandle, card: CardSigner, signedIn: SignedIn[]): IdpTokenProvider {
  return new IdpTokenProvider({
    idpBaseUrl: `${server.url}/idp/`,
    clientId: 'gematikTestPs',
    redirectUri: 'http://test-ps.gematik.de/erezept',
    scope: 'openid e-rezept',
    http: { userAgent: USER_AGENT, timeoutMs: 10_000 },
    trust: trustSimulation,
    card,
    consent: async () => {},
    now: () => new Date(),
    onSignedIn: (entry) => signedIn.push(entry),
  });
}

describe('sign-in with an RSA-only SMC-B (PS256) against the simulated TI', () => {
  it('only the RSA card inserted: Crypt=ECC finds no C.AUT, Crypt=RSA does; the card signs PS256; the token names the RSA card\'s pharmacy', async () => {
    await control(simulator, 'POST', 'ti/konnektor/cards', { iccsns: [RSA_ICCSN] });
    try {
      const { card, recorded } = recordingSmcb(simulator);
      const signedIn: SignedIn[] = [];
      const token = await provider(simulator, card, signedIn).getToken();
      expect(token.split('.')).toHaveLength(3);
      expect(recorded).toEqual({ crypts: ['ECC', 'RSA'], algs: ['PS256'] });
      expect(signedIn[0]?.claims).toMatchObject({
        idNummer: '3-SMC-B-Testkarte-RSA-99902399',
        professionOID: '1.2.276.0.76.4.54',
        organizationName: 'Apotheke Renate Sander RSA TEST-ONLY',
        acr: 'gematik-ehealth-loa-high',
      });
    } finally {
      await control(simulator, 'POST', 'ti/konnektor/reset', {});
    }
  });

  it('the ECC card in the same Konnektor is still taken with ECC: Crypt=ECC only, BP256R1', async () => {
    const state = (await control(simulator, 'GET', 'ti/konnektor')) as { cards: { iccsn: string; inserted: boolean }[] };
    expect(state.cards.map((card) => [card.iccsn, card.inserted])).toEqual([
      [ECC_ICCSN, true],
      ['80276001011699902302', false],
      [RSA_ICCSN, false],
    ]);
    const { card, recorded } = recordingSmcb(simulator);
    const signedIn: SignedIn[] = [];
    await provider(simulator, card, signedIn).getToken();
    expect(recorded).toEqual({ crypts: ['ECC'], algs: ['BP256R1'] });
    expect(signedIn[0]?.claims['idNummer']).toBe('3-01.2.2023001.16.101');
  });

  it('without the RSA card in play the Konnektor does not list it and the IDP does not trust its CA (gematik_code 2020)', async () => {
    const state = (await control(plain, 'GET', 'ti/konnektor')) as { cards: { iccsn: string }[] };
    expect(state.cards.map((card) => card.iccsn)).toEqual([ECC_ICCSN, '80276001011699902302']);
    // the RSA card's key and certificate used directly, as if another Konnektor held the card
    const folder = join(material.rsaSmcbFolder ?? '', RSA_ICCSN);
    const file = (suffix: string): Buffer => readFileSync(join(folder, readdirSync(folder).find((name) => name.endsWith(suffix)) ?? suffix));
    const key = createPrivateKey(file('.prv.pem'));
    const direct: CardSigner = {
      readAuthenticationCertificate: async () => file('.crt'),
      signHash: async (hash) => ({ alg: 'PS256', signature: signDigestRsaPss(key, hash) }),
    };
    await expect(provider(plain, direct, []).getToken()).rejects.toMatchObject({ hop: 'idp', code: '2020' });
    // the same card against the simulator that has it in play: accepted
    const signedIn: SignedIn[] = [];
    await provider(simulator, direct, signedIn).getToken();
    expect(signedIn[0]?.claims['idNummer']).toBe('3-SMC-B-Testkarte-RSA-99902399');
  });
});
