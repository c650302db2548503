/**
 * The app's IDP sign-in against the simulated IDP over real HTTP (`--ti`, spec ti-transport §2, §4.2), and the
 * whole chain without the Konnektor: the card is a soft SMC-B here (a TEST-ONLY Ulmendorfer key signing the given
 * hash as a card does); the Konnektor's SOAP has its own tests. The token it brings is accepted inside the VAU.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccessCode, parsePrescriptionId } from '../../shared/erezept/identifiers';
import { readAcceptBundle } from '../../shared/fhir/fachdienst-responses';
import { FachdienstClient } from '../../main/fachdienst/client';
import { startSimulatorServer, type SimulatorHandle } from '../../main/simulator/server';
import { signDigest } from '../../main/simulator/ti/konnektor/digest-signature';
import { loadTiSimulationMaterial } from '../../main/simulator/ti/material';
import { derSignatureToRaw } from '../../main/ti-crypto/ecdsa-signature';
import type { CardSigner } from '../../main/ti/idp/card-signer';
import type { IdpCertificateTrust } from '../../main/ti/idp/discovery';
import { IdpTokenProvider } from '../../main/ti/idp/idp-token-provider';
import type { SignedIn } from '../../main/ti/idp/sign-in';
import { TiError } from '../../main/ti/ti-error';
import { VauCertificateError } from '../../main/ti/vau/vau-certificate';
import { VauTransport } from '../../main/ti/vau/vau-transport';

const material = loadTiSimulationMaterial();
const card = material.smcbs.get('80276001011699902301')!;
const USER_AGENT = 'eRxCounter/0.1.0 eRxCounter/gematikTestPs';
const trustSimulation: IdpCertificateTrust = async (certificate) => {
  if (!certificate.verify(material.simulationCa.publicKey)) throw new TiError('idp', 'nicht vertrauenswürdig', 'nicht von der TI-Simulation');
};

let simulator: SimulatorHandle;
let signatures = 0;
const softSmcb: CardSigner = {
  readAuthenticationCertificate: async () => card.certificate.raw,
  signHash: async (hash) => {
    signatures += 1;
    return { alg: 'BP256R1', signature: derSignatureToRaw(signDigest(card.privateKey, hash)) };
  },
};

function provider(options: { now?: () => Date; trust?: IdpCertificateTrust; consents?: unknown[]; signedIn?: SignedIn[] } = {}) {
  return new IdpTokenProvider({
    idpBaseUrl: `${simulator.url}/idp/`,
    clientId: 'gematikTestPs',
    redirectUri: 'http://test-ps.gematik.de/erezept',
    scope: 'openid e-rezept',
    http: { userAgent: USER_AGENT, timeoutMs: 10_000 },
    trust: options.trust ?? trustSimulation,
    card: softSmcb,
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
