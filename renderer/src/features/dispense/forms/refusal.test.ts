import { describe, expect, it } from 'vitest';
import type { FieldErrors } from 'react-hook-form';
import { appError } from '../../../test/fixtures';
import type { DispenseFormInput } from './dispense-form-schema';
import { isRefusal, reasonsOfFieldErrors, refusalOfAppError, refusalOfFindings } from './refusal';

const leaf = (message: string) => ({ type: 'too_small', message, ref: { name: 'x' } });

describe('refusal reasons', () => {
  it('lists every validation message by position and field, the list-level one without a position', () => {
    const errors = {
      entries: Object.assign([undefined, { packs: leaf('Mindestens 1 Packung.'), batch: { lot: leaf('Pflichtfeld'), expiry: leaf('Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).') } }], {
        root: { type: 'too_small', message: 'Mindestens eine Position ist erforderlich.' },
      }),
    } as unknown as FieldErrors<DispenseFormInput>;
    expect(reasonsOfFieldErrors(errors)).toEqual([
      { entry: 1, label: 'dispense.packs', message: 'Mindestens 1 Packung.', path: 'entries.1.packs' },
      { entry: 1, label: 'dispense.batchLot', message: 'Pflichtfeld', path: 'entries.1.batch.lot' },
      { entry: 1, label: 'dispense.batchExpiry', message: 'Bitte ein gültiges Datum eingeben (TT.MM.JJJJ).', path: 'entries.1.batch.expiry' },
      { message: 'Mindestens eine Position ist erforderlich.', path: 'entries' },
    ]);
  });

  it('the findings that block, placed by editor and FHIR paths; confirmed differences and notes are no reason', () => {
    const refusal = refusalOfFindings([
      { severity: 'error', code: 'PH_SUBSTANCE_DIFFERS', needsReason: true, message: 'Anderer Wirkstoff', path: 'entries.0.medication.pzn' },
      { severity: 'warning', code: 'PH_STRENGTH_DIFFERS', needsReason: true, overridden: true, message: 'Andere Stärke', path: 'entries.0.medication.pzn' },
      { severity: 'warning', code: 'PH_QUANTITY_MORE', needsReason: true, message: 'Mehr als verordnet', path: 'entries.0.packs' },
      { severity: 'info', code: 'PH_QUANTITY_LESS', message: 'Teilabgabe', path: 'entries.0.packs' },
      { severity: 'error', code: 'PH_BATCH_REQUIRED', message: 'Charge fehlt', path: 'entries.1.batch' },
      { severity: 'error', code: 'FD_DATE_FORMAT', message: 'Datum', path: 'parameter[2].part[0].resource.whenHandedOver' },
      { severity: 'error', code: 'PH_LIST_EMPTY', message: 'Leer', path: 'entries' },
    ]);
    expect(refusal.from).toBe('editor');
    expect(refusal.reasons.map((r) => [r.code, r.entry, r.label])).toEqual([
      ['PH_SUBSTANCE_DIFFERS', 0, 'dispense.pzn'],
      ['PH_QUANTITY_MORE', 0, 'dispense.packs'],
      ['PH_BATCH_REQUIRED', 1, 'diff.fields.batch'],
      ['FD_DATE_FORMAT', 2, 'dispense.handedOver'],
      ['PH_LIST_EMPTY', undefined, undefined],
    ]);
  });

  it("main's refusal before sending: its message, and the findings that block", () => {
    const error = appError({
      code: 'validation',
      system: 'app',
      message: 'Nicht gesendet: Anderer Wirkstoff als verordnet.',
      findings: [
        { severity: 'error', code: 'PH_SUBSTANCE_DIFFERS', needsReason: true, message: 'Anderer Wirkstoff als verordnet.', path: 'entries.0.medication' },
        { severity: 'info', code: 'PH_T_REZEPT_NO_SHIPPING', message: 'T-Rezept: kein Versand.', path: 'entries' },
      ],
    });
    expect(isRefusal(error)).toBe(true);
    expect(refusalOfAppError(error)).toEqual({
      from: 'main',
      message: 'Nicht gesendet: Anderer Wirkstoff als verordnet.',
      reasons: [{ entry: 0, label: 'diff.fields.medication', message: 'Anderer Wirkstoff als verordnet.', code: 'PH_SUBSTANCE_DIFFERS', path: 'entries.0.medication' }],
    });
    // a failed call (the Fachdienst answered, the network failed) is no refusal: the error alert shows it
    expect(isRefusal(appError({ code: 'validation', system: 'fachdienst' }))).toBe(false);
    expect(isRefusal(appError({ code: 'network', system: 'network' }))).toBe(false);
  });
});
