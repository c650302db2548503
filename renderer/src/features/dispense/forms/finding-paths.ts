/**
 * Maps a finding's path onto a field of the dispense form, so the message appears where the mistake is
 * (architecture §5: server-side findings → setError). Findings use editor paths (`entries.0.batch.lot`)
 * or FHIR-ish paths into the $dispense Parameters (`rxDispensation[0].medication.batch.lotNumber`).
 */
export type EntryField =
  | 'medication.pzn'
  | 'medication.name'
  | 'medication.text'
  | 'packs'
  | 'batch.lot'
  | 'batch.expiry'
  | 'whenHandedOver'
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
  'dosageText',
  'substituted',
];

/** FHIR element names (spec §6.2, §6.4) → editor field; first match wins, so specific names come first. */
const fhirElements: readonly [RegExp, EntryField][] = [
  [/lotNumber/i, 'batch.lot'],
  [/expirationDate/i, 'batch.expiry'],
  [/whenHandedOver/i, 'whenHandedOver'],
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
  const fhir = /rxDispensation\[(\d+)\](.*)$/.exec(path);
  if (fhir) {
    const [, index, tail] = fhir;
    const match = fhirElements.find(([pattern]) => pattern.test(tail!));
    return match ? (`entries.${Number(index)}.${match[1]}` as const) : undefined;
  }
  return undefined;
}
