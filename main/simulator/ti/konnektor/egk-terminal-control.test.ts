import { describe, expect, it } from 'vitest';
import { defaultIccsn, toCardText } from './egk-card';
import type { KnownPatient } from './egk-patient-lookup';
import { egkTerminalControl } from './egk-terminal-control';
import { KonnektorState } from './konnektor-state';

const NOW = new Date('2026-10-05T08:00:00Z');
const KNOWN: Record<string, KnownPatient> = {
  X110411675: { givenName: 'Greta', surname: 'Tannhäuser', birthDate: '19620314', street: 'Lindenallee', houseNumber: '7', postcode: '17489', city: 'Greifswald', insurerName: 'AOK Nordost', insurerId: '109719018' },
};

function setup() {
  const state = new KonnektorState([], { now: () => NOW });
  const app = egkTerminalControl({ state, knownPatient: (kvnr) => KNOWN[kvnr] });
  const post = async (path: string, body?: unknown) => {
    const response = await app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { state, app, post };
}

describe('/_sim/egk (egkTerminalControl)', () => {
  it('insert with only a KVNR the simulator knows: the card carries that prescription patient, at AP1', async () => {
    const { state, post } = setup();
    const { status, json } = await post('/insert', { kvnr: 'X110411675' });
    expect(status).toBe(200);
    expect(json['inserted']).toEqual({ workplaceId: 'AP1', handle: 'EGK-1', from: 'prescription' });
    expect(state.egkAt('AP1')?.card).toEqual({
      iccsn: defaultIccsn('X110411675'),
      kvnr: 'X110411675',
      givenName: 'Greta',
      surname: 'Tannhäuser',
      birthDate: '19620314',
      sex: 'X',
      street: 'Lindenallee',
      houseNumber: '7',
      postcode: '17489',
      city: 'Greifswald',
      insuranceStart: '20180111',
      insurerName: 'AOK Nordost',
      insurerId: '109719018',
    });
    expect(defaultIccsn('X110411675')).toMatch(/^80276\d{15}$/);
  });

  it('insert of an unknown KVNR at another workplace: defaults, overridden by the fields given', async () => {
    const { state, post } = setup();
    const { json } = await post('/insert', { kvnr: 'X110580065', workplace: 'AP2', givenName: 'Ben', street: '', insuranceStart: '20240101', sex: 'M' });
    expect(json['inserted']).toEqual({ workplaceId: 'AP2', handle: 'EGK-1', from: 'defaults' });
    expect(state.egkAt('AP2')?.card).toMatchObject({ kvnr: 'X110580065', givenName: 'Ben', surname: 'Mustermann', street: '', insuranceStart: '20240101', sex: 'M' });
    expect(state.egkAt('AP1')).toBeUndefined();
    // a second card at the same workplace replaces the first, with a new handle
    await post('/insert', { kvnr: 'X110411675', workplace: 'AP2' });
    expect([state.egkAt('AP2')?.card.kvnr, state.egkAt('AP2')?.handle]).toEqual(['X110411675', 'EGK-2']);
  });

  it('staleCard: the card keeps its street, the insurer\'s online check holds another one; without it none', async () => {
    const { state, post } = setup();
    await post('/insert', { kvnr: 'X110411675', staleCard: true });
    expect(state.egkAt('AP1')?.card).toMatchObject({ street: 'Lindenallee', insurerStreet: 'Neue Straße' });
    await post('/insert', { kvnr: 'X110411675', street: 'Neue Straße', staleCard: true });
    expect(state.egkAt('AP1')?.card).toMatchObject({ street: 'Neue Straße', insurerStreet: 'Am Neuen Markt' });
    await post('/insert', { kvnr: 'X110411675', staleCard: false });
    expect(state.egkAt('AP1')?.card.insurerStreet).toBeUndefined();
    expect((await post('/insert', { kvnr: 'X110411675', staleCard: 'yes' })).status).toBe(400);
  });

  it('GET / shows the terminals; remove pulls the card and keeps the terminal; online-check flips the switch', async () => {
    const { app, state, post } = setup();
    await post('/insert', { kvnr: 'X110411675', workplace: 'AP1' });
    const before = (await (await app.request('/')).json()) as { onlineCheck: string; terminals: { workplaceId: string; ctId: string; egk: { handle: string; kvnr: string; insertTime: string } | null }[] };
    expect(before.onlineCheck).toBe('ok');
    expect(before.terminals).toHaveLength(1);
    expect(before.terminals[0]).toMatchObject({ workplaceId: 'AP1', ctId: 'CT-AP1', egk: { handle: 'EGK-1', kvnr: 'X110411675', insertTime: NOW.toISOString() } });

    const removed = await post('/remove', { workplace: 'AP1' });
    expect(removed.json).toMatchObject({ removed: true, terminals: [{ workplaceId: 'AP1', egk: null }] });
    expect((await post('/remove')).json['removed']).toBe(false);
    expect(state.hasEgkTerminal('AP1')).toBe(true);

    expect((await post('/online-check', { available: false })).json['onlineCheck']).toBe('unavailable');
    expect(state.onlineCheck).toBe('unavailable');
    await post('/online-check', { available: true });
    expect(state.onlineCheck).toBe('ok');
  });

  it('refuses a bad KVNR, a bad date, a character the card cannot hold, unknown fields and non-JSON with 400', async () => {
    const { state, post } = setup();
    const refusals: unknown[] = [
      { kvnr: 'x110411675' },
      { kvnr: 'X110411675', birthDate: '19620231' },
      { kvnr: 'X110411675', insuranceStart: '2018-01-11' },
      { kvnr: 'X110411675', surname: 'Aydın' },
      { kvnr: 'X110411675', workplace: 'AP 1' },
      { kvnr: 'X110411675', insurerId: '1097190' },
      { kvnr: 'X110411675', telematikId: '3-1' },
      '{not json',
    ];
    for (const body of refusals) {
      const { status, json } = await post('/insert', body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(typeof json['error']).toBe('string');
    }
    expect((await post('/online-check', { available: 'no' })).status).toBe(400);
    expect(state.egkSnapshot().terminals).toEqual([]);
  });

  it('other methods: 405', async () => {
    const { app } = setup();
    expect((await app.request('/insert')).status).toBe(405);
    expect((await app.request('/', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('toCardText', () => {
  it('keeps what ISO-8859-15 holds, drops accents it lacks, writes ı as i and anything else as ?', () => {
    expect(toCardText('Tannhäuser Straße 5 €')).toBe('Tannhäuser Straße 5 €');
    expect(toCardText('Aydın Dvořák')).toBe('Aydin Dvorák');
    expect(toCardText('李')).toBe('?');
  });
});
