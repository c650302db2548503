import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import type { ReplyContent } from '../../erezept/communication';
import type { PrescriptionId } from '../../erezept/identifiers';
import type { FhirResourceJson } from '../xml';
import { buildReply } from './build-reply';
import { readCommunications } from './read-communications';
import { readReplyPayload } from '.';

const id = '160.000.033.491.280.78' as PrescriptionId;
const KVNR = 'X110411675';
/** gematik's 1.6 Reply example, as the Fachdienst answers it (with sender and sent) */
const EXAMPLE = JSON.parse(readFixture('gematik/workflow-1.6', 'Communication-7977a4ab-97a9-4d95-afb3-6c4c1e2ac596.json')) as {
  meta: { profile: unknown };
  status: unknown;
  basedOn: unknown;
  payload: Array<{ extension: unknown }>;
};

const payloadOf = (resource: FhirResourceJson): unknown => JSON.parse((resource['payload'] as Array<{ contentString: string }>)[0]!.contentString);

describe('buildReply: GEM_ERP_PR_Communication_Reply|1.6 (spec §3.11)', () => {
  const content: ReplyContent = {
    version: 1,
    supplyOption: 'onPremise',
    text: 'Ihr Arzneimittel liegt bereit.\nBitte den Abholcode nennen.',
    pickUpCodeHR: '12341234',
    availability: '20',
    offeredSupplyOptions: ['delivery', 'onPremise'],
  };
  const reply = buildReply({ prescriptionId: id, recipientKvnr: KVNR, content });

  it('has the example\'s profile, status and Task reference, the KVNR as recipient, and neither sender nor sent', () => {
    expect(reply.resourceType).toBe('Communication');
    // the example's meta.tag are display texts only; the profile is what counts
    expect(reply['meta']).toEqual({ profile: EXAMPLE.meta.profile });
    expect(reply['status']).toBe(EXAMPLE.status);
    expect(reply['basedOn']).toEqual(EXAMPLE.basedOn);
    expect(reply['recipient']).toEqual([{ identifier: { system: 'http://fhir.de/sid/gkv/kvid-10', value: KVNR } }]);
    expect(Object.keys(reply)).not.toContain('sender');
    expect(Object.keys(reply)).not.toContain('sent');
    expect(Object.keys(reply)).not.toContain('id');
  });

  it('carries the availability and the offered supply options exactly as gematik\'s example does', () => {
    expect((reply['payload'] as Array<{ extension: unknown }>)[0]?.extension).toEqual(EXAMPLE.payload[0]?.extension);
  });

  it('v1 payload: version 1, supplyOptionsType, info_text with its line break, the code; nothing empty', () => {
    expect(payloadOf(reply)).toEqual({
      version: 1,
      supplyOptionsType: 'onPremise',
      info_text: 'Ihr Arzneimittel liegt bereit.\nBitte den Abholcode nennen.',
      pickUpCodeHR: '12341234',
    });
    // the Fachdienst refuses "url": "" and an empty code with another supply option, so empty fields are left out
    const plain = buildReply({ prescriptionId: id, recipientKvnr: KVNR, content: { version: 1, supplyOption: 'delivery', text: '', pickUpCodeDMC: '', url: '' } });
    expect(payloadOf(plain)).toEqual({ version: 1, supplyOptionsType: 'delivery' });
    expect((plain['payload'] as object[])[0]).not.toHaveProperty('extension');
  });

  it.each<[string, ReplyContent, unknown]>([
    ['a text', { version: 3, text: 'Leider nicht vorrätig.', transactionId: 'T-1' }, { version: 3, communicationType: 'text', transactionID: 'T-1', text: 'Leider nicht vorrätig.' }],
    ['an empty text', { version: 3, text: '', transactionId: 'T-1' }, { version: 3, communicationType: 'text', transactionID: 'T-1', text: '' }],
    [
      'a pick-up code',
      { version: 3, text: 'Liegt bereit.', pickUpCodeHR: 'AB12CD34', transactionId: 'T-1' },
      { version: 3, communicationType: 'pickupCodeHR', transactionID: 'T-1', text: 'Liegt bereit.', pickupCodeHR: 'AB12CD34' },
    ],
    ['a DataMatrix code without text', { version: 3, text: '', pickUpCodeDMC: '{"order":"4711"}', transactionId: 'T-1' }, { version: 3, communicationType: 'pickupCodeDMC', transactionID: 'T-1', pickupCodeDMC: '{"order":"4711"}' }],
    [
      'a link',
      { version: 3, text: 'Zum Warenkorb:', url: 'https://apotheke.example/korb', transactionId: 'T-1' },
      { version: 3, communicationType: 'link', transactionID: 'T-1', text: 'Zum Warenkorb:', url: 'https://apotheke.example/korb' },
    ],
  ])('v3 payload with %s: one communicationType and its fields', (_label, v3, expected) => {
    expect(payloadOf(buildReply({ prescriptionId: id, recipientKvnr: KVNR, content: v3 }))).toEqual(expected);
  });
});

describe('a built reply read back (readCommunications / readReplyPayload)', () => {
  it.each<[string, ReplyContent]>([
    ['v1 with everything', { version: 1, supplyOption: 'onPremise', text: 'Ä\tö\r\nü 😀', pickUpCodeHR: 'A1', pickUpCodeDMC: 'DMC-1', url: 'https://apotheke.example', availability: '90', offeredSupplyOptions: [] }],
    ['v1 plain', { version: 1, supplyOption: 'shipment', text: 'Versand heute.' }],
    ['v3 code', { version: 3, text: 'Bitte abholen.', pickUpCodeHR: 'AB12', transactionId: 'T-9', availability: '10', offeredSupplyOptions: ['shipment'] }],
    ['v3 link', { version: 3, text: 'Shop', url: 'https://apotheke.example/x', transactionId: 'T-9' }],
  ])('%s comes back as it was sent', (_label, content) => {
    const sent = { ...buildReply({ prescriptionId: id, recipientKvnr: KVNR, content }), id: 'c-1', sent: '2026-10-05T08:00:00Z' };
    const read = readCommunications(sent);
    expect(read.ok && read.data.messages).toEqual([{ kind: 'reply', communicationId: 'c-1', sent: '2026-10-05T08:00:00Z', recipientKvnr: KVNR, prescriptionId: id, content }]);
  });

  it('tolerates what another app may have sent: unknown fields, the version as a string, other v3 types, free text', () => {
    expect(readReplyPayload('{"version":"1","supplyOptionsType":"onPremise","info_text":"Hallo","extra":1}')).toEqual({ version: 1, supplyOption: 'onPremise', text: 'Hallo' });
    expect(readReplyPayload('{"version":3,"communicationType":"reservationStatus","readyForCollection":"sameDay","transactionID":"T"}')).toEqual({ version: 3, text: '', transactionId: 'T' });
    expect(readReplyPayload('{"version":1,"supplyOptionsType":"teleport","info_text":42}')).toEqual({ version: 1, text: '' });
    expect(readReplyPayload('Eisern')).toEqual({ version: 1, text: 'Eisern' });
    expect(readReplyPayload(undefined, [{ url: 'https://gematik.de/fhir/erp/StructureDefinition/GEM_ERP_EX_AvailabilityState', valueCoding: { code: '77' } }])).toEqual({ version: 1, text: '' });
  });
});
