import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from './xml';

function toJson(xml: string): FhirResourceJson {
  const json = fhirXmlToJson(xml);
  if (!json.ok) throw new Error(json.error);
  return json.data;
}

describe('fhirXmlToJson / fhirJsonToXml', () => {
  it.each([
    // KBV prescription with extensions on primitives (_family, _line), decimals and booleans
    'gematik/e2e-examples-2025-10/PZN-Verordnung_aut_idem/PZN-Verordnung_aut_idem_1/PZN_aut_idem_VerordnungArzt.xml',
    // Rezeptur with XML comments and free-text amounts
    'gematik/e2e-examples-2025-10/Rezeptur-Verordnung/Rezeptur-Verordnung_1/Rez_Nr1_VerordnungArzt.xml',
    // $close input Parameters with nested resources
    'gematik/api-examples-2025-01-15/06_request_taskClose.xml',
    // GET ?secret response: a Bundle inside a Bundle
    'gematik/api-examples-2025-01-15/10_response_taskGet.xml',
  ])('round-trips %s (XML → JSON → XML → JSON)', (path) => {
    const first = toJson(readFixture(path));
    const second = toJson(fhirJsonToXml(first));
    expect(second).toEqual(first);
  });

  it('keeps FHIR JSON conventions: arrays, booleans, primitive extensions', () => {
    const json = toJson(
      readFixture('gematik/e2e-examples-2025-10/PZN-Verordnung/PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml'),
    );
    expect(json.resourceType).toBe('Bundle');
    expect(json['meta']).toEqual({
      lastUpdated: '2025-10-30T09:30:00Z',
      profile: ['https://fhir.kbv.de/StructureDefinition/KBV_PR_ERP_Bundle|1.3'],
    });
    const patient = (json['entry'] as { resource: Record<string, unknown> }[])[3]!.resource;
    expect(patient['name']).toEqual([
      expect.objectContaining({
        family: 'Königsstein',
        _family: {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/humanname-own-name', valueString: 'Königsstein' },
          ],
        },
        given: ['Ludger'],
      }),
    ]);
  });

  it('reads JSON from our own builders back from XML', () => {
    const resource: FhirResourceJson = {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'conflict', details: { text: 'Task has invalid status completed' } },
      ],
    };
    const xml = fhirJsonToXml(resource);
    expect(xml).toContain('<OperationOutcome xmlns="http://hl7.org/fhir">');
    expect(toJson(xml)).toEqual(resource);
  });

  it.each([
    ['empty text', ''],
    ['text that is no XML', 'kein XML'],
    ['an unknown resource type', '<foo xmlns="http://example.org"><bar/></foo>'],
    ['mismatched tags', '<Bundle xmlns="http://hl7.org/fhir"><id value="x"/></Bundel>'],
  ])('reports %s as an error instead of throwing', (_label, xml) => {
    const result = fhirXmlToJson(xml);
    expect(result.ok).toBe(false);
  });

  it('reports truncated XML (unclosed root element) instead of returning a partial resource', () => {
    const full = readFixture('gematik/e2e-examples-2025-10/PZN-Verordnung/PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml');
    const truncated = full.slice(0, full.lastIndexOf('<entry>'));
    const result = fhirXmlToJson(truncated);
    expect(result.ok).toBe(false);
    expect(fhirXmlToJson('<Bundle xmlns="http://hl7.org/fhir"><id value="x"/>').ok).toBe(false);
  });

  it('refuses a DOCTYPE (FHIR forbids DTDs)', () => {
    const xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Patient xmlns="http://hl7.org/fhir"><id value="a"/></Patient>';
    expect(fhirXmlToJson(xml).ok).toBe(false);
  });

  it('reads a primitive that carries only an extension (data-absent-reason on a decimal)', () => {
    const xml =
      '<Medication xmlns="http://hl7.org/fhir"><id value="a"/><ingredient><itemCodeableConcept><text value="X"/></itemCodeableConcept>' +
      '<strength><numerator><value><extension url="http://hl7.org/fhir/StructureDefinition/data-absent-reason">' +
      '<valueCode value="unknown"/></extension></value><unit value="mg"/></numerator></strength></ingredient></Medication>';
    const json = toJson(xml);
    const numerator = (json['ingredient'] as { strength: { numerator: Record<string, unknown> } }[])[0]!.strength.numerator;
    expect(numerator).toEqual({
      _value: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] },
      unit: 'mg',
    });
    // and back again
    expect(toJson(fhirJsonToXml(json))).toEqual(json);
  });

  it('reads the 1.6 example Medication without strength numerator (XML form)', () => {
    const json = JSON.parse(readFixture('gematik/workflow-1.6/Medication-Medication-Without-Strength-Numerator.json')) as FhirResourceJson;
    expect(toJson(fhirJsonToXml(json))).toEqual(json);
  });
});
