import { afterEach, describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { EGK_FIXTURES, RECORDED_ANSWERS } from '../egk/testing';
import { KonnektorClient } from '../ti/konnektor/konnektor-client';
import { SmcbCardSigner } from '../ti/konnektor/smcb-card-signer';
import { FakeKonnektor } from '../ti/konnektor/testing';
import { KonnektorEgkReader } from './egk-card-reader';

const clock = { now: () => new Date('2026-10-05T08:00:00Z') };
let fake: FakeKonnektor;
afterEach(async () => {
  await fake.stop();
});

async function reader(withEgk: boolean) {
  fake = new FakeKonnektor();
  const recording = readFixture(EGK_FIXTURES, RECORDED_ANSWERS.SECUNET);
  fake.cards = [
    { handle: 'SMC-B-1', iccsn: '80276883110000163972', holderName: 'Apotheke' },
    ...(withEgk ? [{ handle: 'EGK-1', iccsn: '80276001011699901343', holderName: 'Tvsd Gematik', type: 'EGK', readVsd: () => ({ status: 200, body: recording }) }] : []),
  ];
  const konnektor = KonnektorClient.fromConfig({ baseUrl: await fake.start(), allowPlainHttp: true });
  return new KonnektorEgkReader({ konnektor, smcb: new SmcbCardSigner(konnektor), clock });
}

describe('KonnektorEgkReader (spec erezept-pharmacy §3.9)', () => {
  it('finds the inserted eGK and reads it into the proof for GET /Task, with the SMC-B as HpcHandle', async () => {
    const egk = await reader(true);
    expect(await egk.inserted()).toEqual({ ctId: expect.any(String), slotId: expect.any(String) });
    const reading = await egk.read();
    expect(reading).toMatchObject({
      proof: { kind: 'vsdm', kvnr: 'F801004277', hcv: 'ZmSLcTE' },
      patient: { name: 'Dr. Tvsd von Gematik', birthDate: '1981-08-30' },
      pnResult: 1,
    });
    const readVsd = fake.callsOf('ReadVSD')[0]?.document;
    expect(readVsd?.getElementsByTagNameNS('*', 'EhcHandle')[0]?.textContent).toBe('EGK-1');
    expect(readVsd?.getElementsByTagNameNS('*', 'HpcHandle')[0]?.textContent).toBe('SMC-B-1');
  });

  it('no card: nothing inserted, and reading says to insert the eGK', async () => {
    const egk = await reader(false);
    expect(await egk.inserted()).toBeUndefined();
    await expect(egk.read()).rejects.toMatchObject({ appError: { code: 'egk-missing', message: expect.stringContaining('keine Gesundheitskarte') } });
  });

  it('a Konnektor that cannot be reached is named as the hop, in German', async () => {
    const egk = await reader(true);
    await fake.stop();
    await expect(egk.inserted()).rejects.toMatchObject({ appError: { code: 'ti-konnektor', system: 'ti', message: expect.stringContaining('Konnektor') } });
  });
});
