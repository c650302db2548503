import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCard } from './card-material';
import { konnektorControl } from './konnektor-control';
import { KonnektorState } from './konnektor-state';

const SMCB = join(__dirname, '../../../../test/fixtures/gematik/test-cards/smcb');
const CARDS = [loadCard(join(SMCB, '80276001011699902301')), loadCard(join(SMCB, '80276001011699902302'))];
const [ADELHEID, BERND] = ['80276001011699902301', '80276001011699902302'];

function setup() {
  const state = new KonnektorState(CARDS);
  const app = konnektorControl(state);
  const post = (path: string, body?: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return { state, app, post };
}

describe('konnektorControl', () => {
  it('GET / shows the start state: the first SMC-B inserted as SMC-B-1 and unlocked, the second loaded only', async () => {
    const { app } = setup();
    expect(await (await app.request('/')).json()).toEqual({
      down: false,
      cards: [
        { iccsn: ADELHEID, holderName: 'Apotheke Adelheid Ulmendorfer TEST-ONLY', telematikId: '3-01.2.2023001.16.101', inserted: true, handle: 'SMC-B-1', pinVerified: true },
        { iccsn: BERND, holderName: 'Apotheke Bernd Ulmendorfer TEST-ONLY', telematikId: '3-01.2.2023001.16.102', inserted: false, handle: null, pinVerified: true },
      ],
    });
  });

  it('POST /cards inserts exactly the listed cards; a card that stays keeps its handle', async () => {
    const { state, post } = setup();
    expect((await post('/cards', { iccsns: [BERND, ADELHEID] })).status).toBe(200);
    expect(state.insertedCards().map((slot) => [slot.card.iccsn, slot.handle])).toEqual([
      [ADELHEID, 'SMC-B-1'],
      [BERND, 'SMC-B-2'],
    ]);
    await post('/cards', { iccsns: [BERND] });
    expect(state.insertedCards().map((slot) => slot.handle)).toEqual(['SMC-B-2']);
    await post('/cards', { iccsns: [] });
    expect(state.insertedCards()).toHaveLength(0);
  });

  it('POST /pin, /down, /reinsert and /reset flip the switches', async () => {
    const { state, post } = setup();
    await post('/pin', { iccsn: ADELHEID, verified: false });
    expect(state.pinVerified(ADELHEID)).toBe(false);
    await post('/down', { down: true });
    expect(state.down).toBe(true);
    const reinserted = await post('/reinsert');
    expect(reinserted.status).toBe(200);
    expect(state.cardByHandle('SMC-B-1')).toBeUndefined();
    expect(state.cardByHandle('SMC-B-2')?.card.iccsn).toBe(ADELHEID);
    // the PIN status belongs to the card and survives the re-insert
    expect(state.pinVerified(ADELHEID)).toBe(false);
    await post('/reset', {});
    expect([state.down, state.pinVerified(ADELHEID), state.insertedCards().map((slot) => slot.handle)]).toEqual([false, true, ['SMC-B-3']]);
  });

  it.each([
    ['/cards', { iccsns: ['123'] }, /ICCSN: 20 Ziffern/],
    ['/cards', { iccsns: ['80276001011699909999'] }, /nicht geladen/],
    ['/cards', { iccsn: ADELHEID }, /./],
    ['/pin', { iccsn: ADELHEID, verified: 'no' }, /verified/],
    ['/pin', { iccsn: ADELHEID, verified: true, extra: 1 }, /./],
    ['/down', {}, /down/],
    ['/down', '{kaputt', /kein gültiges JSON/],
    ['/reinsert', { all: true }, /./],
  ])('POST %s %j → 400 with a German error', async (path, body, message) => {
    const { state, post } = setup();
    const before = JSON.stringify(state.snapshot());
    const response = await post(path, body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string };
    expect(answer.error).toMatch(message);
    expect(JSON.stringify(state.snapshot())).toBe(before);
  });
});
