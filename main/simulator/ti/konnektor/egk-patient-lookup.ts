/**
 * The card data of a patient the simulator already knows: when a trainer inserts an eGK naming only a KVNR
 * (`POST /_sim/egk/insert`), the card carries the fictional person of that KVNR's newest prescription — name,
 * birth date, address and insurer as the simulator's own prescription wrote them (prescription-generator.ts, or
 * an imported one) — so the pharmacist sees the same patient on the card and on the prescriptions.
 *
 * Read from the stored QES container (CMS → KBV bundle XML → FHIR JSON); a prescription that cannot be read is
 * skipped. Texts are made fit for the card's ISO-8859-15 (egk-card.ts).
 */
import { extractCmsContent } from '../../../../shared/fhir/cms';
import { fhirXmlToJson } from '../../../../shared/fhir/xml';
import type { TaskRepository } from '../../repository';
import { toCardText, type EgkCard } from './egk-card';

/** What a prescription tells about its patient; every field optional (the bundle may lack it). */
export type KnownPatient = Partial<Pick<EgkCard, 'givenName' | 'surname' | 'birthDate' | 'street' | 'houseNumber' | 'postcode' | 'city' | 'insurerName' | 'insurerId'>>;

const STREET_NAME = 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetName';
const HOUSE_NUMBER = 'http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber';

export function patientFromPrescriptions(repository: Pick<TaskRepository, 'listForKvnr'>, kvnr: string): KnownPatient | undefined {
  const tasks = repository.listForKvnr(kvnr).filter((task) => task.prescription !== null);
  for (const task of tasks.reverse()) {
    const bundle = bundleOf(task.prescription?.cms ?? '');
    const patient = bundle === undefined ? undefined : readPatient(bundle);
    if (patient !== undefined) return patient;
  }
  return undefined;
}

type Json = Record<string, unknown>;

const record = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const first = (value: unknown): unknown => (Array.isArray(value) ? (value[0] as unknown) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function bundleOf(cmsBase64: string): Json | undefined {
  const cms = extractCmsContent(Buffer.from(cmsBase64, 'base64'));
  if (!cms.ok) return undefined;
  const json = fhirXmlToJson(Buffer.from(cms.data.content).toString('utf8'));
  return json.ok ? record(json.data) : undefined;
}

function resourceOf(bundle: Json, type: string): Json | undefined {
  const entries = Array.isArray(bundle['entry']) ? (bundle['entry'] as unknown[]) : [];
  for (const entry of entries) {
    const resource = record(record(entry)?.['resource']);
    if (resource?.['resourceType'] === type) return resource;
  }
  return undefined;
}

function readPatient(bundle: Json): KnownPatient | undefined {
  const patient = resourceOf(bundle, 'Patient');
  if (patient === undefined) return undefined;
  const name = record(first(patient['name']));
  const address = record(first(patient['address']));
  const lineExtensions = record(first(address?.['_line']))?.['extension'];
  const lineExtension = (url: string): string | undefined =>
    text((Array.isArray(lineExtensions) ? lineExtensions : []).map(record).find((extension) => extension?.['url'] === url)?.['valueString']);
  const payor = record(first(resourceOf(bundle, 'Coverage')?.['payor']));
  const birthDate = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(patient['birthDate']) ?? '');
  const insurerId = text(record(payor?.['identifier'])?.['value']);

  const found: KnownPatient = {};
  const set = (key: keyof KnownPatient, value: string | undefined): void => {
    if (value !== undefined) found[key] = toCardText(value);
  };
  set('givenName', text(first(name?.['given'])));
  set('surname', text(name?.['family']));
  if (birthDate) found.birthDate = `${birthDate[1]}${birthDate[2]}${birthDate[3]}`;
  set('street', lineExtension(STREET_NAME));
  set('houseNumber', lineExtension(HOUSE_NUMBER));
  set('postcode', text(address?.['postalCode']));
  set('city', text(address?.['city']));
  set('insurerName', text(payor?.['display']));
  if (insurerId !== undefined && /^\d{9}$/.test(insurerId)) found.insurerId = insurerId;
  return Object.keys(found).length > 0 ? found : undefined;
}
