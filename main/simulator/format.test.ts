import { describe, expect, it } from 'vitest';
import { ProfessionOids } from '../../shared/fhir/profiles';
import { negotiateFormat, parseFhirBody } from './format';
import { FachdienstError } from './operation-outcome';

const PHARMACY = ProfessionOids.publicPharmacy;
const INSURANT = ProfessionOids.insurant;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof FachdienstError ? error.status : -1;
  }
}

describe('negotiateFormat (A_19537–A_19539)', () => {
  it('defaults to XML for institutions and JSON for insurants', () => {
    expect(negotiateFormat(undefined, undefined, PHARMACY)).toBe('xml');
    expect(negotiateFormat(undefined, undefined, INSURANT)).toBe('json');
  });

  it('lets _format win over Accept, also with the + decoded to a space', () => {
    expect(negotiateFormat('fhir+json', 'application/fhir+xml', PHARMACY)).toBe('json');
    expect(negotiateFormat('fhir json', undefined, PHARMACY)).toBe('json');
    expect(negotiateFormat('fhir+xml', 'application/fhir+json', INSURANT)).toBe('xml');
  });

  it('reads Accept with q-values; a tie goes to XML like the FD', () => {
    expect(negotiateFormat(undefined, 'application/fhir+json', PHARMACY)).toBe('json');
    expect(negotiateFormat(undefined, 'application/fhir+xml;q=0.5, application/fhir+json', PHARMACY)).toBe('json');
    expect(negotiateFormat(undefined, 'application/fhir+xml, application/fhir+json', INSURANT)).toBe('xml');
    expect(negotiateFormat(undefined, 'application/json', PHARMACY)).toBe('json');
  });

  it('treats wildcards as "the default for this caller"', () => {
    expect(negotiateFormat(undefined, '*/*', PHARMACY)).toBe('xml');
    expect(negotiateFormat(undefined, '*/*', INSURANT)).toBe('json');
  });

  it('answers 406 for formats it cannot give', () => {
    expect(statusOf(() => negotiateFormat('turtle', undefined, PHARMACY))).toBe(406);
    expect(statusOf(() => negotiateFormat(undefined, 'text/html', PHARMACY))).toBe(406);
    expect(statusOf(() => negotiateFormat(undefined, 'application/fhir+json;q=0', PHARMACY))).toBe(406);
  });
});

describe('parseFhirBody', () => {
  const json = '{"resourceType":"Parameters"}';
  const xml = '<Parameters xmlns="http://hl7.org/fhir"><id value="p1"/></Parameters>';

  it('reads JSON and XML into the same JSON shape', () => {
    expect(parseFhirBody(bytes(json), 'application/fhir+json; charset=UTF-8')).toEqual({ resourceType: 'Parameters' });
    expect(parseFhirBody(bytes(xml), 'application/fhir+xml')).toEqual({ resourceType: 'Parameters', id: 'p1' });
  });

  it('refuses a charset other than UTF-8 with 415 and an unknown media type with 415', () => {
    expect(statusOf(() => parseFhirBody(bytes(json), 'application/fhir+json; charset=ISO-8859-1'))).toBe(415);
    expect(statusOf(() => parseFhirBody(bytes(json), 'text/plain'))).toBe(415);
  });

  it('refuses a BOM, a missing Content-Type, invalid UTF-8 and unparsable bodies with 400', () => {
    expect(statusOf(() => parseFhirBody(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(json)]), 'application/fhir+json'))).toBe(400);
    expect(statusOf(() => parseFhirBody(bytes(json), undefined))).toBe(400);
    expect(statusOf(() => parseFhirBody(new Uint8Array([0x7b, 0xff, 0x7d]), 'application/fhir+json'))).toBe(400);
    expect(statusOf(() => parseFhirBody(bytes('{"resourceType":'), 'application/fhir+json'))).toBe(400);
    expect(statusOf(() => parseFhirBody(bytes('[1,2]'), 'application/fhir+json'))).toBe(400);
    expect(statusOf(() => parseFhirBody(bytes('<Parameters'), 'application/fhir+xml'))).toBe(400);
  });
});
