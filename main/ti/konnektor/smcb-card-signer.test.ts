/**
 * The SMC-B as `CardSigner` against the fake Konnektor: choosing the card, the PIN check, C.AUT with Crypt=ECC
 * (RSA only without ECC), the api-erp example signature (spec A.8) converted DER → r‖s, and the volatile handle.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawSignatureToDer } from '../../ti-crypto/ecdsa-signature';
import { TiError } from '../ti-error';
import { KonnektorClient } from './konnektor-client';
import { SmcbCardSigner, SmcbError } from './smcb-card-signer';
import { KonnektorFault } from './soap';
import { API_ERP_EXAMPLE, FakeKonnektor, fault, makeTestPki, type FakeCard, type TestPki } from './testing';
import { rejectionOf } from '../../testing';

const EXAMPLE_CARD: FakeCard = { handle: 'SMC-B-1', iccsn: API_ERP_EXAMPLE.iccsn, holderName: API_ERP_EXAMPLE.holderName, ecc: API_ERP_EXAMPLE.certificate };
const OTHER_CARD: FakeCard = { handle: 'SMC-B-2', iccsn: '80276001011699902301', holderName: 'Apotheke Adelheid Ulmendorfer TEST-ONLY', ecc: API_ERP_EXAMPLE.certificate };

let fake: FakeKonnektor;

async function signer(cards: FakeCard[], iccsn?: string): Promise<SmcbCardSigner> {
  fake = new FakeKonnektor();
  fake.cards = cards.map((card) => ({ ...card }));
  const base = await fake.start();
  return new SmcbCardSigner(KonnektorClient.fromConfig({ baseUrl: base, allowPlainHttp: true }), iccsn ? { iccsn } : {});
}

afterEach(async () => {
  await fake.stop();
});

const failureOf = (promise: Promise<unknown>): Promise<TiError> => rejectionOf(promise, TiError);

const operations = () => fake.calls.filter((call) => call.operation).map((call) => `${call.operation}${call.document?.getElementsByTagNameNS('*', 'CardHandle')[0] ? ` ${call.document.getElementsByTagNameNS('*', 'CardHandle')[0]?.textContent}` : ''}`);

describe('SmcbCardSigner: the api-erp example (spec A.8)', () => {
  it('signs the example hash and hands the JWS the DER signature as raw r‖s for BP256R1', async () => {
    const card = await signer([EXAMPLE_CARD]);
    const certificate = await card.readAuthenticationCertificate();
    expect(certificate.equals(API_ERP_EXAMPLE.certificate)).toBe(true);
    const { alg, signature } = await card.signHash(API_ERP_EXAMPLE.hash);
    expect(alg).toBe('BP256R1');
    expect(signature).toHaveLength(64);
    // r = 614cf41b0f290608…, s = 60d9dc8ca4ab5773… (spec A.8), and back to the Konnektor's exact DER
    expect(signature.subarray(0, 8).toString('hex')).toBe('614cf41b0f290608');
    expect(signature.subarray(32, 40).toString('hex')).toBe('60d9dc8ca4ab5773');
    expect(rawSignatureToDer(signature).equals(API_ERP_EXAMPLE.signature)).toBe(true);
    expect(operations()).toEqual(['GetCards', 'ReadCardCertificate SMC-B-1', 'GetPinStatus SMC-B-1', 'ExternalAuthenticate SMC-B-1']);
  });

  it('reads the certificate once per card handle', async () => {
    const card = await signer([EXAMPLE_CARD]);
    await card.readAuthenticationCertificate();
    await card.signHash(API_ERP_EXAMPLE.hash);
    await card.signHash(API_ERP_EXAMPLE.hash);
    expect(fake.callsOf('ReadCardCertificate')).toHaveLength(1);
    expect(fake.callsOf('GetCards')).toHaveLength(1);
  });

  it('refuses a hash that is not 32 bytes', async () => {
    const card = await signer([EXAMPLE_CARD]);
    await expect(card.signHash(Buffer.alloc(48))).rejects.toThrow(RangeError);
  });
});

describe('SmcbCardSigner: choosing the SMC-B', () => {
  it('no SMC-B: "Keine SMC-B im Kartenterminal gefunden"', async () => {
    const card = await signer([]);
    const error = await failureOf(card.readAuthenticationCertificate());
    expect(error).toBeInstanceOf(SmcbError);
    expect(error).toMatchObject({ hop: 'smcb', problem: 'none-found' });
    expect(error.message).toMatch(/^Keine SMC-B im Kartenterminal gefunden/);
  });

  it('one SMC-B: takes it; an eGK beside it does not count', async () => {
    const card = await signer([{ handle: 'EGK-1', iccsn: '80276883110000163963', holderName: 'Patientin', type: 'EGK' }, EXAMPLE_CARD]);
    await card.readAuthenticationCertificate();
    expect(fake.callsOf('ReadCardCertificate')[0]?.document?.getElementsByTagNameNS('*', 'CardHandle')[0]?.textContent).toBe('SMC-B-1');
  });

  it('two SMC-Bs without a choice: asks for one in the settings', async () => {
    const card = await signer([EXAMPLE_CARD, OTHER_CARD]);
    const error = await failureOf(card.signHash(API_ERP_EXAMPLE.hash));
    expect(error).toMatchObject({ hop: 'smcb', problem: 'several-found', message: 'Mehrere SMC-B gefunden – bitte in den Einstellungen eine auswählen.' });
    expect(error.technical).toContain(API_ERP_EXAMPLE.iccsn);
    expect(fake.callsOf('ExternalAuthenticate')).toEqual([]);
  });

  it('two SMC-Bs with the configured ICCSN: takes that one', async () => {
    const card = await signer([OTHER_CARD, EXAMPLE_CARD], API_ERP_EXAMPLE.iccsn);
    await card.signHash(API_ERP_EXAMPLE.hash);
    expect(fake.callsOf('ExternalAuthenticate')[0]?.document?.getElementsByTagNameNS('*', 'CardHandle')[0]?.textContent).toBe('SMC-B-1');
  });

  it('the configured SMC-B is not inserted: says which one is missing instead of taking another', async () => {
    const card = await signer([OTHER_CARD], API_ERP_EXAMPLE.iccsn);
    const error = await failureOf(card.readAuthenticationCertificate());
    expect(error).toMatchObject({ hop: 'smcb', problem: 'configured-not-found' });
    expect(error.message).toContain(API_ERP_EXAMPLE.iccsn);
  });

  it('lists the inserted SMC-Bs for the settings screen', async () => {
    const card = await signer([EXAMPLE_CARD, OTHER_CARD]);
    expect((await card.listSmcbs()).map(({ iccsn, holderName }) => ({ iccsn, holderName }))).toEqual([
      { iccsn: API_ERP_EXAMPLE.iccsn, holderName: API_ERP_EXAMPLE.holderName },
      { iccsn: OTHER_CARD.iccsn, holderName: OTHER_CARD.holderName },
    ]);
  });
});

describe('SmcbCardSigner: PIN status', () => {
  it('a card whose PIN.SMC is not verified is not asked to sign', async () => {
    const card = await signer([{ ...EXAMPLE_CARD, pinStatus: 'VERIFIABLE', leftTries: 3 }]);
    const error = await failureOf(card.signHash(API_ERP_EXAMPLE.hash));
    expect(error).toMatchObject({ hop: 'smcb', problem: 'not-unlocked', code: 'VERIFIABLE' });
    expect(error.message).toBe('SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben.');
    expect(error.technical).toBe('GetPinStatus PIN.SMC: VERIFIABLE, 3 Versuche übrig');
    expect(fake.callsOf('ExternalAuthenticate')).toEqual([]);
  });

  it('a blocked PIN points to the PUK instead', async () => {
    const card = await signer([{ ...EXAMPLE_CARD, pinStatus: 'BLOCKED', leftTries: 0 }]);
    const error = await failureOf(card.signHash(API_ERP_EXAMPLE.hash));
    expect(error.message).toMatch(/^SMC-B nicht freigeschaltet – die PIN ist gesperrt.*PUK/);
  });
});

describe('SmcbCardSigner: volatile card handles (spec §3.3)', () => {
  it('after an unknown-handle fault looks the card up again and repeats the call once with the new handle', async () => {
    const card = await signer([EXAMPLE_CARD]);
    await card.readAuthenticationCertificate();
    // the card was re-inserted: same ICCSN, new handle; the fake answers the old handle with a fault
    fake.cards = [{ ...EXAMPLE_CARD, handle: 'SMC-B-7' }];
    const { alg } = await card.signHash(API_ERP_EXAMPLE.hash);
    expect(alg).toBe('BP256R1');
    expect(operations()).toEqual([
      'GetCards',
      'ReadCardCertificate SMC-B-1',
      'GetPinStatus SMC-B-1',
      'GetCards',
      'GetPinStatus SMC-B-7',
      'ReadCardCertificate SMC-B-7',
      'ExternalAuthenticate SMC-B-7',
    ]);
  });

  it('a fault with an unchanged handle stands as it came, without a second attempt', async () => {
    const card = await signer([EXAMPLE_CARD]);
    fake.override = (call) => (call.operation === 'ExternalAuthenticate' ? fault('4085', 'Zugriffsbedingungen nicht erfüllt') : undefined);
    const error = await failureOf(card.signHash(API_ERP_EXAMPLE.hash));
    expect(error).toBeInstanceOf(KonnektorFault);
    expect(error).toMatchObject({ hop: 'konnektor', code: '4085' });
    expect(fake.callsOf('ExternalAuthenticate')).toHaveLength(1);
    expect(fake.callsOf('GetCards')).toHaveLength(2);
  });

  it('retries only once even if the new handle fails too', async () => {
    const card = await signer([EXAMPLE_CARD]);
    await card.readAuthenticationCertificate();
    let generation = 1;
    fake.override = (call) => {
      if (call.operation === 'GetCards') {
        generation += 1;
        fake.cards = [{ ...EXAMPLE_CARD, handle: `SMC-B-${generation}` }];
      }
      return call.operation === 'GetPinStatus' ? fault('4101', 'Kartenhandle ungültig') : undefined;
    };
    const error = await failureOf(card.signHash(API_ERP_EXAMPLE.hash));
    expect(error).toMatchObject({ code: '4101' });
    expect(fake.callsOf('GetPinStatus')).toHaveLength(2);
  });
});

describe('SmcbCardSigner: RSA-only card', () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki.cleanup());

  it('falls back to Crypt=RSA only when the card has no ECC certificate, and signs PS256 as returned', async () => {
    const rsaCertificate = Buffer.from(new X509Certificate(pki.clientCert).raw);
    const pss = Buffer.alloc(256, 0x5a);
    const seen: string[] = [];
    const card = await signer([
      {
        handle: 'SMC-B-1',
        iccsn: API_ERP_EXAMPLE.iccsn,
        holderName: 'RSA-Karte',
        rsa: rsaCertificate,
        sign: (_hash, type) => {
          seen.push(type);
          return pss;
        },
      },
    ]);
    expect((await card.readAuthenticationCertificate()).equals(rsaCertificate)).toBe(true);
    const signature = await card.signHash(Buffer.alloc(32, 7));
    expect(signature).toEqual({ alg: 'PS256', signature: pss });
    expect(seen).toEqual(['urn:ietf:rfc:3447']);
    expect(fake.callsOf('ReadCardCertificate').map((call) => call.document?.getElementsByTagNameNS('*', 'Crypt')[0]?.textContent)).toEqual(['ECC', 'RSA']);
  });

  it('also falls back when the Konnektor answers the missing ECC key with fault 4149', async () => {
    const rsaCertificate = Buffer.from(new X509Certificate(pki.clientCert).raw);
    const card = await signer([{ handle: 'SMC-B-1', iccsn: API_ERP_EXAMPLE.iccsn, holderName: 'RSA-Karte', rsa: rsaCertificate, missingKeyType: 'fault-4149' }]);
    expect((await card.readAuthenticationCertificate()).equals(rsaCertificate)).toBe(true);
    expect(fake.callsOf('ReadCardCertificate').map((call) => call.document?.getElementsByTagNameNS('*', 'Crypt')[0]?.textContent)).toEqual(['ECC', 'RSA']);
  });
});
