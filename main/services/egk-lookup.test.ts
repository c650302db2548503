import { describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { ErezeptToken } from '../../shared/erezept/token';
import { AppFailure } from '../errors';
import { EgkLookupService, type EgkCardReader } from './egk-lookup';
import { FakeClock } from './testing';

const AC = (n: number) => n.toString(16).padStart(64, '0');
const task = (id: string, accessCode: string | undefined, expiryDate = '2026-12-31') => ({
  resource: {
    resourceType: 'Task',
    id,
    status: 'ready',
    identifier: [
      { system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId', value: id },
      ...(accessCode ? [{ system: 'https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_AccessCode', value: accessCode }] : []),
    ],
    extension: [{ url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_ExpiryDate', valueDate: expiryDate }],
    authoredOn: '2026-10-01',
  },
});
const FIRST = '160.000.100.000.001.05';
const SECOND = '160.000.100.000.002.02';

const reader: EgkCardReader = {
  inserted: async () => ({ ctId: 'CT1', slotId: '2' }),
  read: async () => ({ proof: { kind: 'vsdm', kvnr: 'X110411675', hcv: 'F9ZD7cI', pnw: 'H4sI' }, patient: { name: 'Erika Mustermann', birthDate: '1964-08-12' } }),
};

function setup(pages: Array<{ status: number; body: unknown }>) {
  const asked: Array<string | undefined> = [];
  const accepted: ErezeptToken[][] = [];
  const clock = new FakeClock(new Date('2026-10-05T08:00:00Z'));
  const service = new EgkLookupService({
    reader: () => reader,
    fachdienst: {
      listByEgk: async (_proof, page) => {
        asked.push(page);
        return pages[asked.length - 1] ?? { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: 0 } };
      },
    },
    accept: async (tokens) => {
      accepted.push([...tokens]);
      return { results: [] };
    },
    clock,
  });
  return { service, asked, accepted, clock };
}

describe('EgkLookupService (spec §3.9)', () => {
  it('lists every page, keeps the AccessCodes in main, and names an entry it cannot use', async () => {
    const { service, asked } = setup([
      { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: 3, entry: [task(FIRST, AC(1))], link: [{ relation: 'next', url: 'https://fd/Task?kvnr=X110411675&__offset=50' }] } },
      { status: 202, body: { resourceType: 'Bundle', type: 'searchset', total: 3, entry: [task(SECOND, AC(2)), task('160.000.100.000.003.96', undefined)] } },
    ]);
    const lookup = await service.lookup();
    expect(asked).toEqual([undefined, 'kvnr=X110411675&__offset=50']);
    expect(lookup).toMatchObject({ patient: { name: 'Erika Mustermann' }, offlineProofAccepted: true, total: 3 });
    expect(lookup.prescriptions.map((p) => p.prescriptionId)).toEqual([FIRST, SECOND]);
    expect(lookup.unreadable).toEqual(['Eintrag 2 (160.000.100.000.003.96): ohne AccessCode']);
    expect(JSON.stringify(lookup)).not.toContain(AC(1));
  });

  it('claims only the ticked ones, with their listed AccessCodes; the lookup is then used up', async () => {
    const { service, accepted } = setup([{ status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: 2, entry: [task(FIRST, AC(1)), task(SECOND, AC(2))] } }]);
    const { lookupId } = await service.lookup();
    await service.accept(lookupId, [SECOND as PrescriptionId]);
    expect(accepted).toEqual([[{ prescriptionId: SECOND, accessCode: AC(2), token: `Task/${SECOND}/$accept?ac=${AC(2)}` }]]);
    await expect(service.accept(lookupId, [FIRST as PrescriptionId])).rejects.toMatchObject({ appError: { code: 'egk-lookup-expired' } });
  });

  it('refuses an id that was not listed, and a lookup older than ten minutes', async () => {
    const { service, clock, accepted } = setup([{ status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [task(FIRST, AC(1))] } }]);
    const { lookupId } = await service.lookup();
    await expect(service.accept(lookupId, [SECOND as PrescriptionId])).rejects.toMatchObject({ appError: { code: 'not-found', message: expect.stringContaining(SECOND) } });
    clock.set('2026-10-05T08:10:00Z');
    await expect(service.accept(lookupId, [FIRST as PrescriptionId])).rejects.toBeInstanceOf(AppFailure);
    expect(accepted).toEqual([]);
  });

  it('an unreadable list is a German error, not an empty one', async () => {
    const { service } = setup([{ status: 200, body: '<Bundle/>' }]);
    await expect(service.lookup()).rejects.toMatchObject({ appError: { code: 'fachdienst', message: expect.stringContaining('Rezeptliste des E-Rezept-Fachdienstes ist nicht lesbar') } });
  });

  it('poll says whether a card is inserted', async () => {
    expect(await setup([]).service.poll()).toEqual({ card: { ctId: 'CT1', slotId: '2' } });
  });
});
