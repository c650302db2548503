/**
 * The whole TI chain of the app against the simulated TI over real HTTP (`--ti`, spec ti-transport §2–§4): the
 * Konnektor client finds the SMC-B in the simulated Konnektor (connector.sds, GetCards, GetPinStatus,
 * ReadCardCertificate, ExternalAuthenticate), the IDP sign-in gets the card to sign the challenge, and the token it
 * brings is accepted inside the VAU. Plus the Konnektor's and the IDP's failures as the pharmacist would meet them.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccessCode, parsePrescriptionId } from '../../shared/erezept/identifiers';
import { readAcceptBundle } from '../../shared/fhir/fachdienst-responses';
import { FachdienstClient } from '../../main/fachdienst/client';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import { loadTiSimulationMaterial } from '../../main/simulator/ti/material';
import type { CardSigner } from '../../main/ti/idp/card-signer';
import { KonnektorClient } from '../../main/ti/konnektor/konnektor-client';
import { SmcbCardSigner } from '../../main/ti/konnektor/smcb-card-signer';
import type { IdpCertificateTrust } from '../../main/ti/idp/discovery';
import { IdpTokenProvider } from '../../main/ti/idp/idp-token-provider';
import type { SignedIn } from '../../main/ti/idp/sign-in';
import { TiError } from '../../main/ti/ti-error';
import { VauCertificateError } from '../../main/ti/vau/vau-certificate';
import { VauTransport } from '../../main/ti/vau/vau-transport';

const material = loadTiSimulationMaterial();
const USER_AGENT = 'eRxCounter/0.1.0 eRxCounter/gematikTestPs';
const trustSimulation: IdpCertificateTrust = async (certificate) => {
  if (!certificate.verify(material.simulationCa.publicKey)) throw new TiError('idp', 'nicht vertrauenswürdig', 'nicht von der TI-Simulation');
};

let simulator: SimulatorHandle;
let signatures = 0;

/** The pharmacy's SMC-B in the simulated Konnektor, through the app's Konnektor client (plain HTTP on loopback). */
function smcb(): CardSigner {
  const konnektor = KonnektorClient.fromConfig({ baseUrl: `${simulator.url}/konnektor/`, allowPlainHttp: true, timeoutMs: 10_000 });
  const signer = new SmcbCardSigner(konnektor);
  return {
    readAuthenticationCertificate: () => signer.readAuthenticationCertificate(),
    signHash: async (hash) => {
      signatures += 1;
      return signer.signHash(hash);
    },
  };
}

function provider(options: { now?: () => Date; trust?: IdpCertificateTrust; consents?: unknown[]; signedIn?: SignedIn[]; card?: CardSigner } = {}) {
  return new IdpTokenProvider({
    idpBaseUrl: `${simulator.url}/idp/`,
    clientId: 'gematikTestPs',
    redirectUri: 'http://test-ps.gematik.de/erezept',
    scope: 'openid e-rezept',
    http: { userAgent: USER_AGENT, timeoutMs: 10_000 },
    trust: options.trust ?? trustSimulation,
    card: options.card ?? smcb(),
    consent: async (consent) => {
      options.consents?.push(consent);
    },
    now: options.now ?? (() => new Date()),
    onSignedIn: (signedIn) => options.signedIn?.push(signedIn),
  });
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${simulator.url}/_sim/${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return response.json();
}

beforeAll(async () => {
  simulator = await startSimulatorServer({ port: 0, ti: true });
});

afterAll(async () => {
  await simulator?.close();
});

describe('IDP sign-in with the SMC-B against the simulated IDP', () => {
  it('signs in: consent shown, the card signs once, the token names the pharmacy of the card certificate', async () => {
    const consents: unknown[] = [];
    const signedIn: SignedIn[] = [];
    const before = signatures;
    const token = await provider({ consents, signedIn }).getToken();
    expect(token.split('.')).toHaveLength(3);
    expect(signatures - before).toBe(1);
    expect(consents[0]).toMatchObject({ requested_scopes: { 'e-rezept': expect.any(String) } });
    expect(signedIn[0]?.claims).toMatchObject({
      idNummer: '3-01.2.2023001.16.101',
      professionOID: '1.2.276.0.76.4.54',
      organizationName: 'Apotheke Adelheid Ulmendorfer TEST-ONLY',
      acr: 'gematik-ehealth-loa-high',
    });
    expect((signedIn[0]!.expiresAt - Date.now()) / 1000).toBeGreaterThan(290);
  });

  it('the token is kept until 120 s before exp, then a new sign-in (a new card signature) runs; invalidate() forces one', async () => {
    // the app and the IDP move on together (in a TI simulation the app takes its time from the simulator)
    let offset = 0;
    const tokens = provider({ now: () => new Date(Date.now() + offset) });
    const advance = async (seconds: number): Promise<void> => {
      offset += seconds * 1000;
      await control('POST', 'clock', { advance: `PT${seconds}S` });
    };
    try {
      const before = signatures;
      const first = await tokens.getToken();
      expect(await tokens.getToken()).toBe(first);
      await advance(170); // 130 s left of 300
      expect(await tokens.getToken()).toBe(first);
      await advance(20); // 110 s left: renewed
      const second = await tokens.getToken();
      expect(second).not.toBe(first);
      tokens.invalidate();
      await tokens.getToken();
      expect(signatures - before).toBe(3);
    } finally {
      await control('POST', 'clock', { reset: true });
    }
  });

  it('concurrent callers share one sign-in', async () => {
    const tokens = provider();
    const before = signatures;
    const all = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    expect(new Set(all).size).toBe(1);
    expect(signatures - before).toBe(1);
  });

  it('33-byte (Java BigInteger) key coordinates in the IDP\'s JWKs are read', async () => {
    await control('POST', 'ti/idp', { paddedJwkCoordinates: true });
    try {
      await expect(provider().getToken()).resolves.toMatch(/^eyJ/);
    } finally {
      await control('POST', 'ti/idp', { paddedJwkCoordinates: false });
    }
  });

  it('an IDP error (fault idp-error) is a TiError on hop idp with the IDP\'s gematik_code', async () => {
    await control('POST', 'ti/faults', { kind: 'idp-error' });
    const failure = await provider().getToken().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TiError);
    expect(failure).toMatchObject({ hop: 'idp', code: '5000' });
    expect((failure as TiError).message).toMatch(/Identity Provider/);
  });

  it('a discovery document whose certificate is not trusted stops the sign-in before the card signs', async () => {
    const before = signatures;
    const refuse: IdpCertificateTrust = async (_certificate, purpose) => {
      throw new TiError('idp', 'nicht vertrauenswürdig', `abgelehnt: ${purpose}`);
    };
    await expect(provider({ trust: refuse }).getToken()).rejects.toMatchObject({ hop: 'idp', technical: 'abgelehnt: discovery-document' });
    expect(signatures).toBe(before);
  });

  it('an SMC-B whose PIN is not verified stops the sign-in with the message for the counter (hop smcb)', async () => {
    await control('POST', 'ti/konnektor/pin', { iccsn: '80276001011699902301', verified: false });
    try {
      const failure = await provider().getToken().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(TiError);
      expect(failure).toMatchObject({ hop: 'smcb', message: expect.stringMatching(/^SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben/) });
    } finally {
      await control('POST', 'ti/konnektor/reset', {});
    }
  });

  it('a Konnektor that is down is named as the failing hop', async () => {
    await control('POST', 'ti/konnektor/down', { down: true });
    try {
      await expect(provider().getToken()).rejects.toMatchObject({ hop: 'konnektor' });
    } finally {
      await control('POST', 'ti/konnektor/reset', {});
    }
  });

  it('two SMC-Bs: without a choice the sign-in asks for one; with the ICCSN configured it signs in as that pharmacy', async () => {
    await control('POST', 'ti/konnektor/cards', { iccsns: ['80276001011699902301', '80276001011699902302'] });
    try {
      await expect(provider().getToken()).rejects.toMatchObject({ hop: 'smcb', message: expect.stringMatching(/Mehrere SMC-B/) });
      const konnektor = KonnektorClient.fromConfig({ baseUrl: `${simulator.url}/konnektor/`, allowPlainHttp: true, smcbIccsn: '80276001011699902302' });
      const signedIn: SignedIn[] = [];
      await provider({ card: new SmcbCardSigner(konnektor, { iccsn: '80276001011699902302' }), signedIn }).getToken();
      expect(signedIn[0]?.claims['idNummer']).toBe('3-01.2.2023001.16.102');
    } finally {
      await control('POST', 'ti/konnektor/reset', {});
    }
  });

  it('a card re-inserted between two sign-ins (new handle) is found again', async () => {
    const card = smcb();
    const tokens = provider({ card });
    await tokens.getToken();
    await control('POST', 'ti/konnektor/reinsert', {});
    tokens.invalidate();
    await expect(tokens.getToken()).resolves.toMatch(/^eyJ/);
  });

  it('the whole chain: the IDP token is accepted inside the VAU — $accept of a prescription succeeds', async () => {
    const vau = new VauTransport({
      baseUrl: simulator.url,
      userAgent: USER_AGENT,
      trust: async (certificate) => {
        if (!new X509Certificate(certificate.der).verify(material.simulationCa.publicKey)) throw new VauCertificateError('nicht von der TI-Simulation');
      },
      now: () => new Date(),
    });
    const client = new FachdienstClient({ transport: vau, tokens: provider(), now: () => new Date() });
    const created = (await control('POST', 'prescriptions', { flowType: '160' })) as { taskId: string; accessCode: string };
    const id = parsePrescriptionId(created.taskId);
    const accessCode = parseAccessCode(created.accessCode);
    if (!id.ok || !accessCode.ok) throw new Error('ids');
    const accepted = readAcceptBundle(await client.accept(id.data, accessCode.data));
    expect(accepted.ok && accepted.data.task.status).toBe('in-progress');
  });
});
