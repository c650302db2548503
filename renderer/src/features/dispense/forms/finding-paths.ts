/**
 * Maps a finding's path onto a field of the dispense form, so the message appears where the mistake is
 * (architecture §5: server-side findings → setError). Findings use editor paths (`entries.0.batch.lot`),
 * FHIR-ish paths into the $dispense Parameters (`rxDispensation[0].medication.batch.lotNumber`) or the
 * Parameters paths of fachdienstChecks (`parameter[0].part[0].resource.whenHandedOver`); the i-th
 * rxDispensation is the i-th entry, because the builder keeps the list's order.
 */
type EntryField =
  | 'medication.pzn'
  | 'medication.name'
  | 'medication.text'
  | 'packs'
  | 'batch.lot'
  | 'batch.expiry'
  | 'whenHandedOver'
  | 'whenPrepared'
  | 'dosageText'
  | 'substituted';

export type EntryFieldPath = `entries.${number}.${EntryField}`;

const editorFields: readonly string[] = [
  'medication.pzn',
  'medication.name',
  'medication.text',
  'packs',
  'batch.lot',
  'batch.expiry',
  'whenHandedOver',
  'whenPrepared',
  'dosageText',
  'substituted',
];

/** FHIR element names (spec §6.2, §6.4) → editor field; first match wins, so specific names come first. */
const fhirElements: readonly [RegExp, EntryField][] = [
  [/lotNumber/i, 'batch.lot'],
  [/expirationDate/i, 'batch.expiry'],
  [/whenHandedOver/i, 'whenHandedOver'],
  [/whenPrepared/i, 'whenPrepared'],
  [/quantity/i, 'packs'],
  [/dosage/i, 'dosageText'],
  [/substitution|wasSubstituted/i, 'substituted'],
  [/pzn|coding/i, 'medication.pzn'],
  [/code\.text/i, 'medication.name'],
];

export function fieldOfFindingPath(path: string | undefined): EntryFieldPath | undefined {
  if (!path) return undefined;
  const editor = /^entries\.(\d+)\.(.+)$/.exec(path);
  if (editor) {
    const [, index, field] = editor;
    return editorFields.includes(field!) ? (`entries.${Number(index)}.${field as EntryField}` as const) : undefined;
  }
  const fhir = /(?:rxDispensation|^parameter)\[(\d+)\](.*)$/.exec(path);
  if (fhir) {
    const [, index, tail] = fhir;
    const match = fhirElements.find(([pattern]) => pattern.test(tail!));
    return match ? (`entries.${Number(index)}.${match[1]}` as const) : undefined;
  }
  return undefined;
}

/** The entry a finding is about (editor or Parameters path), or undefined for list-level findings. */
export function entryOfFindingPath(path: string | undefined): number | undefined {
  if (!path) return undefined;
  const m = /^entries\.(\d+)(?:\.|$)/.exec(path) ?? /(?:rxDispensation|^parameter)\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : undefined;
}
