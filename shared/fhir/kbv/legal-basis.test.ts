import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/fixtures';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../xml';
import { isRecord, records, type Json } from './fhir-json';
import { readPrescriptionJson, readPrescriptionXml } from './index';
import { KbvCodeSystems, KbvExtensions } from './kbv-urls';
import { isDischargePrescription, isReplacementPrescription, legalBasisCodes, legalBasisLabels } from './legal-basis';

const E2E = 'gematik/e2e-examples-2025-10/PZN-Verordnung';
/** the gematik examples with a legal basis other than 00 */
const ENTLASS = `${E2E}/PZN-Verordnung_6/PZN_Nr6_VerordnungArzt.xml`;
const ERSATZ = `${E2E}/PZN-Verordnung_8/PZN_Nr8_VerordnungArzt.xml`;
const PLAIN = `${E2E}/PZN-Verordnung_1/PZN_Nr1_VerordnungArzt.xml`;

function bundleOf(path: string): FhirResourceJson {
  const json = fhirXmlToJson(readFixture(path));
  if (!json.ok) throw new Error(json.error);
  return json.data;
}

function compositionOf(bundle: Json): Json {
  const found = records(bundle['entry'])
    .map((e) => e['resource'])
    .find((r): r is Json => isRecord(r) && r['resourceType'] === 'Composition');
  if (!found) throw new Error('no Composition');
  return found;
}

/** The plain example with its Composition's legal-basis extension replaced (or removed with `undefined`). */
function withLegalBasis(extension: Json | undefined): FhirResourceJson {
  const bundle = bundleOf(PLAIN);
  const composition = compositionOf(bundle);
  const others = records(composition['extension']).filter((e) => e['url'] !== KbvExtensions.legalBasis);
  composition['extension'] = extension ? [extension, ...others] : others;
  return bundle;
}

const coded = (code: string, system: string = KbvCodeSystems.statuskennzeichen): Json => ({
  url: KbvExtensions.legalBasis,
  valueCoding: { system, code },
});

function legalBasisOfBundle(bundle: FhirResourceJson) {
  const read = readPrescriptionJson(bundle);
  if (!read.ok) throw new Error(JSON.stringify(read.error));
  return read.data.legalBasis;
}

describe('legal basis (KBV_EX_FOR_Legal_basis)', () => {
  it('reads the gematik examples: 00 plain, 04 Entlassmanagement, 10 Ersatzverordnung', () => {
    const read = (path: string) => {
      const result = readPrescriptionXml(readFixture(path));
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.data.legalBasis;
    };
    expect(read(PLAIN)).toEqual({ code: '00', label: 'Ohne Besonderheit' });
    expect(read(ENTLASS)).toEqual({ code: '04', label: 'Entlassmanagement' });
    expect(read(ERSATZ)).toEqual({ code: '10', label: 'Ersatzverordnung' });
  });

  it.each([
    ['00', 'Ohne Besonderheit'],
    ['01', 'ASV (ambulante spezialfachärztliche Versorgung)'],
    ['04', 'Entlassmanagement'],
    ['07', 'Terminservicestelle (TSS)'],
    ['10', 'Ersatzverordnung'],
    ['11', 'ASV mit Ersatzverordnung'],
    ['14', 'Entlassmanagement mit Ersatzverordnung'],
    ['17', 'TSS mit Ersatzverordnung'],
  ])('reads code %s as „%s“, also after a round trip through XML', (code, label) => {
    const bundle = withLegalBasis(coded(code));
    expect(legalBasisOfBundle(bundle)).toEqual({ code, label });
    const again = readPrescriptionXml(fhirJsonToXml(bundle));
    expect(again.ok && again.data.legalBasis).toEqual({ code, label });
  });

  it('covers every code of KBV_CS_SFHIR_KBV_STATUSKENNZEICHEN 1.01 and nothing else', () => {
    expect(legalBasisCodes).toEqual(['00', '01', '04', '07', '10', '11', '14', '17']);
    expect(Object.keys(legalBasisLabels).sort()).toEqual([...legalBasisCodes]);
  });

  it('names an unknown code by its code instead of dropping it', () => {
    expect(legalBasisOfBundle(withLegalBasis(coded('99')))).toEqual({ code: '99', label: 'Rechtsgrundlage 99' });
  });

  it('leaves it out when the extension is missing, empty or of another code system', () => {
    expect(legalBasisOfBundle(withLegalBasis(undefined))).toBeUndefined();
    expect(legalBasisOfBundle(withLegalBasis({ url: KbvExtensions.legalBasis }))).toBeUndefined();
    expect(legalBasisOfBundle(withLegalBasis(coded(' ')))).toBeUndefined();
    expect(legalBasisOfBundle(withLegalBasis(coded('04', 'http://example.org/other')))).toBeUndefined();
  });

  it('tells an Entlassrezept (04, 14) and an Ersatzverordnung (10, 11, 14, 17) apart', () => {
    const codes = legalBasisCodes;
    expect(codes.filter(isDischargePrescription)).toEqual(['04', '14']);
    expect(codes.filter(isReplacementPrescription)).toEqual(['10', '11', '14', '17']);
  });
});
