import { describe, expect, it } from 'vitest';
import { entryOfFindingPath, fieldOfFindingPath } from './finding-paths';

describe('fieldOfFindingPath', () => {
  it('keeps editor paths that name a form field', () => {
    expect(fieldOfFindingPath('entries.0.batch.lot')).toBe('entries.0.batch.lot');
    expect(fieldOfFindingPath('entries.12.whenHandedOver')).toBe('entries.12.whenHandedOver');
    expect(fieldOfFindingPath('entries.1.medication.pzn')).toBe('entries.1.medication.pzn');
  });

  it('maps FHIR paths of the $dispense Parameters onto the entry fields (spec §5, §6)', () => {
    expect(fieldOfFindingPath('rxDispensation[0].medication.batch.lotNumber')).toBe('entries.0.batch.lot');
    expect(fieldOfFindingPath('rxDispensation[2].medication.batch.expirationDate')).toBe('entries.2.batch.expiry');
    expect(fieldOfFindingPath('rxDispensation[1].medicationDispense.whenHandedOver')).toBe('entries.1.whenHandedOver');
    expect(fieldOfFindingPath('rxDispensation[0].medicationDispense.quantity.value')).toBe('entries.0.packs');
    expect(fieldOfFindingPath('rxDispensation[0].medicationDispense.substitution.wasSubstituted')).toBe('entries.0.substituted');
    expect(fieldOfFindingPath('rxDispensation[0].medication.code.coding[0].code')).toBe('entries.0.medication.pzn');
  });

  it('leaves everything else to the alert', () => {
    expect(fieldOfFindingPath(undefined)).toBeUndefined();
    expect(fieldOfFindingPath('entries.0.serials.3')).toBeUndefined();
    expect(fieldOfFindingPath('Bundle.entry[0].resource.subject')).toBeUndefined();
    expect(fieldOfFindingPath('rxDispensation[0].medicationDispense.performer')).toBeUndefined();
  });
});

describe('Parameters paths of fachdienstChecks', () => {
  it('maps parameter[i] to entry i and the element to its field', () => {
    expect(fieldOfFindingPath('parameter[1].part[0].resource.whenHandedOver')).toBe('entries.1.whenHandedOver');
    expect(fieldOfFindingPath('parameter[0].part[0].resource.whenPrepared')).toBe('entries.0.whenPrepared');
    expect(fieldOfFindingPath('parameter[0].part[1].resource.batch.lotNumber')).toBe('entries.0.batch.lot');
    expect(fieldOfFindingPath('parameter[0].part[0].resource.meta.profile')).toBeUndefined();
    expect(entryOfFindingPath('parameter[2].part[0].resource.meta.profile')).toBe(2);
    expect(entryOfFindingPath('entries.3.batch')).toBe(3);
    expect(entryOfFindingPath('entries')).toBeUndefined();
    expect(entryOfFindingPath('meta.profile')).toBeUndefined();
  });
});
