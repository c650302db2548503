/**
 * The messages service (messages.ts, spec erezept-pharmacy §3.11) with a scripted Fachdienst: Zuweisungen fetched
 * once and stored, accepted like a scan with their AccessCode, dismissed without a claim; replies checked before
 * sending, sent in the patient's payload version, deletable; content erased after the retention period.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import type { ErezeptToken } from '../../shared/erezept/token';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { AppEvent, ScanOutcome } from '../../shared/ipc/contract';
import { failure } from '../errors';
import { IdentityCipher } from '../store/cipher';
import { openStore, type Store } from '../store/store';
import { EventHub } from './events';
import { MessagesService, type MessagesFachdienst } from './messages';
import { FakeClock } from './testing';

const PHARMACY = '3-SMC-B-Testkarte-883110000095957';
const RX = '160.000.100.000.001.05' as PrescriptionId;
const KVNR = 'X110411675';
const AC = '777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea';

function dispReq(id: string, payload: Record<string, unknown> | string | undefined, basedOn = `Task/${RX}/$accept?ac=${AC}`): FhirResourceJson {
  return {
    resourceType: 'Communication',
    id,
    meta: { profile: ['https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_PR_Communication_DispReq|1.6'] },
    extension: [
      {
        url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_PrescriptionType',
        valueCoding: { code: '160', system: 'https://gematik.de/fhir/erp/CodeSystem/GEM_ERP_CS_FlowType' },
      },
    ],
    status: 'unknown',
    basedOn: [{ reference: basedOn }],
    recipient: [{ identifier: { system: 'https://gematik.de/fhir/sid/telematik-id', value: PHARMACY } }],
    sender: { identifier: { system: 'http://fhir.de/sid/gkv/kvid-10', value: KVNR } },
    sent: '2026-12-07T08:00:00.000+00:00',
    ...(payload === undefined ? {} : { payload: [{ contentString: typeof payload === 'string' ? payload : JSON.stringify(payload) }] }),
  };
}

const bundle = (...resources: FhirResourceJson[]): FhirResourceJson => ({
  resourceType: 'Bundle',
  type: 'searchset',
  total: resources.length,
  entry: resources.map((resource) => ({ fullUrl: `https://erp.example/Communication/${String(resource['id'])}`, resource, search: { mode: 'match' } })),
});

const V1_DELIVERY = {
  version: 1,
  supplyOptionsType: 'delivery',
  name: 'Dr. Maximilian von Muster',
  address: ['Bundesallee 312', '12345 Berlin'],
  hint: 'Bitte klingeln',
  phone: '004916094858168',
};

class ScriptedFachdienst implements MessagesFachdienst {
  lists: FhirResourceJson[] = [];
  sent: FhirResourceJson[] = [];
  deleted: string[] = [];
  failSend: Error | undefined;
  async listCommunications(): Promise<{ status: number; body: unknown }> {
    return { status: 200, body: this.lists.shift() ?? bundle() };
  }
  async sendCommunication(resource: FhirResourceJson): Promise<{ id: string; body: unknown }> {
    if (this.failSend) throw this.failSend;
    this.sent.push(resource);
    return { id: `reply-${this.sent.length}`, body: { ...resource, id: `reply-${this.sent.length}` } };
  }
  async deleteCommunication(id: string): Promise<void> {
    this.deleted.push(id);
  }
}

let store: Store;
let fachdienst: ScriptedFachdienst;
let clock: FakeClock;
let accepted: ErezeptToken[];
let events: AppEvent[];
let service: MessagesService;

beforeEach(() => {
  store = openStore({ file: ':memory:', cipher: new IdentityCipher(), hmacKey: Buffer.alloc(32) });
  fachdienst = new ScriptedFachdienst();
  clock = new FakeClock(new Date('2026-12-07T09:00:00Z'));
  accepted = [];
  events = [];
  const hub = new EventHub();
  hub.subscribe((event) => events.push(event));
  service = new MessagesService({
    store,
    fachdienst,
    accept: async (tokens) => {
      accepted.push(...tokens);
      const results: ScanOutcome[] = tokens.map((t) => ({
        ok: true,
        prescriptionId: t.prescriptionId,
        outcome: 'accepted',
        case: { prescriptionId: t.prescriptionId, flowType: '160', status: 'accepted', acceptedAt: clock.now().toISOString(), hasUnsentChanges: false },
      }));
      return { results };
    },
    staff: () => ({ kuerzel: 'AB', name: 'Anna Becker' }),
    retentionDays: () => 30,
    clock,
    events: hub,
  });
});
afterEach(() => store.close());

describe('MessagesService', () => {
  it('stores a fetched Zuweisung once, shows the wish in the inbox and counts it open', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)), bundle(dispReq('c-1', V1_DELIVERY)));
    expect(await service.refresh()).toEqual({ added: 1, unreadable: [] });
    expect(await service.refresh()).toEqual({ added: 0, unreadable: [] });
    const inbox = await service.inbox();
    expect(inbox.open).toBe(1);
    expect(inbox.requests).toHaveLength(1);
    expect(inbox.requests[0]).toMatchObject({
      communicationId: 'c-1',
      prescriptionId: RX,
      state: 'new',
      hasCase: false,
      wish: { version: 1, supplyOption: 'delivery', name: 'Dr. Maximilian von Muster', phone: '004916094858168' },
    });
    // the AccessCode and KVNR stay in main
    expect(JSON.stringify(inbox)).not.toContain(AC);
    expect(JSON.stringify(inbox)).not.toContain(KVNR);
    expect(events).toContainEqual({ type: 'messages-changed' });
  });

  it('a Zuweisung whose token is an absolute URL is not stored, and named as unreadable', async () => {
    fachdienst.lists.push(bundle(dispReq('evil', V1_DELIVERY, `https://evil.example/Task/${RX}/$accept?ac=${AC}`), dispReq('c-2', V1_DELIVERY)));
    const result = await service.refresh();
    expect(result.added).toBe(1);
    expect(result.unreadable.join(' ')).toContain('evil');
    expect((await service.inbox()).requests.map((r) => r.communicationId)).toEqual(['c-2']);
  });

  it('„Annehmen“ claims with the Zuweisung\'s AccessCode (like a scan) and marks it accepted by the staff member', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)));
    await service.refresh();
    const outcome = await service.acceptRequest('c-1');
    expect(outcome.ok).toBe(true);
    expect(accepted).toEqual([{ prescriptionId: RX, accessCode: AC, token: `Task/${RX}/$accept?ac=${AC}` }]);
    expect(await service.inbox()).toMatchObject({ open: 0, requests: [{ state: 'accepted', handledBy: 'AB' }] });
    expect((await store.audit.list()).map((a) => a.operation)).toContain('message-accept');
  });

  it('„Verwerfen“ claims nothing (A_23152) and cannot be done twice', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)));
    await service.refresh();
    expect((await service.dismissRequest('c-1')).requests[0]?.state).toBe('dismissed');
    expect(accepted).toEqual([]);
    await expect(service.dismissRequest('c-1')).rejects.toThrow(/bereits bearbeitet/);
  });

  it('a reply goes out in v1 for a v1 Zuweisung, addressed to the patient, and is listed with the case', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', { ...V1_DELIVERY, supplyOptionsType: 'onPremise' })));
    await service.refresh();
    const thread = await service.sendReply({ prescriptionId: RX, text: 'Ihr Arzneimittel liegt bereit. Abholcode K7M2QX', pickUpCode: 'K7M2QX', availability: '10' });
    expect(fachdienst.sent).toHaveLength(1);
    const sent = fachdienst.sent[0] as unknown as { basedOn: { reference: string }[]; recipient: { identifier: { value: string } }[]; payload: { contentString: string }[] };
    expect(sent.basedOn[0]?.reference).toBe(`Task/${RX}`);
    expect(sent.recipient[0]?.identifier.value).toBe(KVNR);
    const payload = JSON.parse(sent.payload[0]?.contentString ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({ version: 1, supplyOptionsType: 'onPremise', pickUpCodeHR: 'K7M2QX', pickUpCodeDMC: 'K7M2QX' });
    expect(thread.messages.map((m) => m.kind)).toEqual(['dispreq', 'reply']);
    expect(thread.messages[1]).toMatchObject({ kind: 'reply', state: 'sent', pickUpCode: 'K7M2QX', handledBy: 'AB' });
    expect(thread.replyVersion).toBe(1);
  });

  it('a v3 Zuweisung is answered in v3 with its transactionId', async () => {
    fachdienst.lists.push(
      bundle(dispReq('c-3', { version: 3, supplyOptionsType: 'onPremise', communicationType: 'order', firstname: 'Erika', lastname: 'Mustermann', transactionID: 'tx-42' })),
    );
    await service.refresh();
    expect((await service.caseMessages(RX)).replyVersion).toBe(3);
    await service.sendReply({ prescriptionId: RX, text: 'Liegt bereit.' });
    const payload = JSON.parse((fachdienst.sent[0] as unknown as { payload: { contentString: string }[] }).payload[0]?.contentString ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({ version: 3, transactionID: 'tx-42' });
    // a v3 message carries one kind of content: the readable pick-up code, not also the DataMatrix one
    await service.sendReply({ prescriptionId: RX, text: 'Abholcode K7M2QX', pickUpCode: 'K7M2QX' });
    const second = JSON.parse((fachdienst.sent[1] as unknown as { payload: { contentString: string }[] }).payload[0]?.contentString ?? '{}') as Record<string, unknown>;
    expect(second).toMatchObject({ version: 3, pickupCodeHR: 'K7M2QX' });
    expect(second).not.toHaveProperty('pickupCodeDMC');
  });

  it('a pick-up code answers a delivery wish as pick-up (v1 allows a code only with onPremise)', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)));
    await service.refresh();
    await service.sendReply({ prescriptionId: RX, text: 'Bitte doch abholen: Code K7M2QX', pickUpCode: 'K7M2QX' });
    const payload = JSON.parse((fachdienst.sent[0] as unknown as { payload: { contentString: string }[] }).payload[0]?.contentString ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({ version: 1, supplyOptionsType: 'onPremise' });
  });

  it('a reply with a character the Fachdienst refuses is not sent, with a German reason', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)));
    await service.refresh();
    await expect(service.sendReply({ prescriptionId: RX, text: 'Liegt bereit\u0007' })).rejects.toMatchObject({ appError: { code: 'message-invalid', message: expect.stringContaining('Nicht gesendet') } });
    expect(fachdienst.sent).toEqual([]);
  });

  it('a reply that failed at the Fachdienst is not stored as sent', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)));
    await service.refresh();
    fachdienst.failSend = failure('fachdienst', 'kaputt', { httpStatus: 500 });
    await expect(service.sendReply({ prescriptionId: RX, text: 'Liegt bereit.' })).rejects.toThrow('kaputt');
    expect((await service.caseMessages(RX)).messages.map((m) => m.kind)).toEqual(['dispreq']);
  });

  it('„Löschen“ deletes a sent reply at the Fachdienst and marks it deleted', async () => {
    fachdienst.lists.push(bundle(dispReq('c-1', V1_DELIVERY)));
    await service.refresh();
    await service.sendReply({ prescriptionId: RX, text: 'Liegt bereit.' });
    const thread = await service.deleteReply('reply-1');
    expect(fachdienst.deleted).toEqual(['reply-1']);
    expect(thread.messages[1]).toMatchObject({ kind: 'reply', state: 'deleted' });
    await expect(service.deleteReply('reply-1')).rejects.toMatchObject({ appError: { code: 'not-found' } });
  });

  it('without a KVNR (no case, no Zuweisung) no reply can be addressed', async () => {
    const other = '160.000.100.000.002.02' as PrescriptionId;
    expect(await service.caseMessages(other)).toMatchObject({ canReply: false, cannotReplyReason: expect.stringContaining('Versichertennummer') });
    await expect(service.sendReply({ prescriptionId: other, text: 'Hallo' })).rejects.toMatchObject({ appError: { code: 'message-no-recipient' } });
  });

  it('after the retention period a Zuweisung never accepted loses its content; an accepted one stays', async () => {
    fachdienst.lists.push(bundle(dispReq('c-open', V1_DELIVERY), dispReq('c-taken', V1_DELIVERY, `Task/160.000.100.000.002.02/$accept?ac=${AC}`)));
    await service.refresh();
    await service.acceptRequest('c-taken');
    clock.set('2027-01-07T09:00:01Z');
    expect(await service.eraseExpired()).toBe(1);
    expect((await service.inbox()).requests.map((r) => r.communicationId)).toEqual(['c-taken']);
    expect((await store.messages.get('c-open'))?.content).toBeUndefined();
  });
});
