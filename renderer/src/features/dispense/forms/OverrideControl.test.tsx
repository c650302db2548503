import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { FindingOverride } from '../../../../../shared/erezept/dispense-entry';
import { createI18n } from '../../../lib/i18n';
import { entry } from '../../../test/fixtures';
import type { DispenseEntryInput, DispenseFormInput, DispenseFormOutput } from './dispense-form-schema';
import { EditorFormProvider } from './editor-form';
import { FindingItem, keyedFindings } from './FindingItem';
import { withOverride } from './OverrideControl';
import type { PlacedFinding } from './preflight';

/** Hand-made like the rules make them (docs/checks.md): another substance blocks until confirmed with a reason. */
const substance: PlacedFinding = {
  severity: 'error',
  code: 'PH_SUBSTANCE_DIFFERS',
  needsReason: true,
  message: 'Anderer Wirkstoff als verordnet: verordnet Levetiracetam, abgegeben Amlodipin.',
  path: 'entries.0.medication.pzn',
  field: 'entries.0.medication.pzn',
  entry: 0,
};
const strength: PlacedFinding = { ...substance, severity: 'warning', code: 'PH_STRENGTH_DIFFERS', message: 'Andere Stärke als verordnet: verordnet 500 mg, abgegeben 1000 mg.' };

function Overrides() {
  const overrides = useWatch<DispenseFormInput, 'entries.0.overrides'>({ name: 'entries.0.overrides' });
  return <output data-testid="overrides">{JSON.stringify(overrides ?? null)}</output>;
}

function Harness({ findings, start }: { findings: PlacedFinding[]; start: DispenseEntryInput }) {
  const form = useForm<DispenseFormInput, unknown, DispenseFormOutput>({ defaultValues: { entries: [start] } });
  return (
    <FormProvider {...form}>
      <EditorFormProvider form={form}>
        {keyedFindings(findings).map(({ key, finding }) => (
          <FindingItem key={key} finding={finding} />
        ))}
        <button type="button">danach</button>
        <Overrides />
      </EditorFormProvider>
    </FormProvider>
  );
}

function renderFindings(findings: PlacedFinding[], start: DispenseEntryInput = entry()) {
  const user = userEvent.setup();
  const i18n = createI18n('de');
  const view = (list: PlacedFinding[]) => (
    <I18nextProvider i18n={i18n}>
      <Harness findings={list} start={start} />
    </I18nextProvider>
  );
  const { rerender } = render(view(findings));
  const showFindings = (list: PlacedFinding[]) => rerender(view(list));
  const stored = (): FindingOverride[] | null => JSON.parse(screen.getByTestId('overrides').textContent ?? 'null') as FindingOverride[] | null;
  return { user, stored, showFindings };
}

describe('confirming a difference with a reason (docs/checks.md, overrides)', () => {
  it('a blocking finding says „Blockiert“, a warning that needs a reason „Begründung nötig“', () => {
    renderFindings([substance, strength]);
    const blocking = screen.getByTestId('dispense-entry-0-finding-PH_SUBSTANCE_DIFFERS');
    expect(blocking).toHaveAttribute('data-state', 'blocking');
    expect(blocking).toHaveTextContent('Blockiert: Anderer Wirkstoff als verordnet: verordnet Levetiracetam, abgegeben Amlodipin.');
    expect(within(blocking).getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS')).toHaveTextContent('Abweichung bestätigen');
    const warning = screen.getByTestId('dispense-entry-0-finding-PH_STRENGTH_DIFFERS');
    expect(warning).toHaveAttribute('data-state', 'needs-reason');
    expect(warning).toHaveTextContent('Begründung nötig: Andere Stärke');
  });

  it('keyboard only: Tab to „Abweichung bestätigen“, Enter opens the reason, Enter saves it into the entry', async () => {
    const { user, stored } = renderFindings([substance]);
    await user.tab();
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS')).toHaveFocus();
    await user.keyboard('{Enter}');
    const reason = screen.getByLabelText('Begründung (bleibt in der Apotheke, wird nicht gesendet)');
    expect(reason).toBe(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-reason'));
    expect(reason).toHaveFocus();
    await user.keyboard('  Rücksprache mit Dr. Topp  {Enter}');
    // trimmed, as the shared schema keeps it
    expect(stored()).toEqual([{ rule: 'PH_SUBSTANCE_DIFFERS', reason: 'Rücksprache mit Dr. Topp' }]);
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-confirmed')).toHaveTextContent('bestätigt: Rücksprache mit Dr. Topp');
    // the focus is back on the control, which now changes the reason
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS')).toHaveFocus();
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS')).toHaveTextContent('Begründung ändern');
  });

  it('Escape cancels without writing anything; a reason shorter than 3 characters is refused at the input', async () => {
    const { user, stored } = renderFindings([substance]);
    await user.click(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS'));
    await user.keyboard('Grund{Escape}');
    expect(screen.queryByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-reason')).not.toBeInTheDocument();
    expect(stored()).toBeNull();
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS')).toHaveFocus();

    await user.keyboard('{Enter}');
    await user.keyboard(' a {Enter}');
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-reason-error')).toHaveTextContent('mindestens 3 Zeichen');
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-reason')).toHaveAttribute('aria-invalid', 'true');
    expect(stored()).toBeNull();
  });

  it("a new reason replaces the rule's earlier one, other rules' stay; the confirmation can be withdrawn", async () => {
    const start = entry({ overrides: [{ rule: 'PH_SUBSTANCE_DIFFERS', reason: 'alt' }, { rule: 'PH_STRENGTH_DIFFERS', reason: 'Arzt informiert' }] });
    const { user, stored } = renderFindings([{ ...substance, overridden: true }], start);
    const item = screen.getByTestId('dispense-entry-0-finding-PH_SUBSTANCE_DIFFERS');
    expect(item).toHaveAttribute('data-state', 'confirmed');
    expect(item).toHaveTextContent('Bestätigt: Anderer Wirkstoff');
    await user.click(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS'));
    const reason = screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-reason');
    expect(reason).toHaveValue('alt');
    await user.clear(reason);
    await user.type(reason, 'Lieferengpass, Praxis informiert');
    await user.click(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-save'));
    expect(stored()).toEqual([
      { rule: 'PH_STRENGTH_DIFFERS', reason: 'Arzt informiert' },
      { rule: 'PH_SUBSTANCE_DIFFERS', reason: 'Lieferengpass, Praxis informiert' },
    ]);
    await user.click(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-remove'));
    expect(stored()).toEqual([{ rule: 'PH_STRENGTH_DIFFERS', reason: 'Arzt informiert' }]);
  });

  it('a finding that appears before it while the reason is typed does not take the input away', async () => {
    const { user, stored, showFindings } = renderFindings([substance]);
    await user.click(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS'));
    await user.keyboard('Rücksprache');
    // a live check finishing in between: a note at the same field now comes first
    const note: PlacedFinding = { ...substance, severity: 'info', needsReason: false, code: 'PH_DISPENSED_UNKNOWN', message: 'Artikel unbekannt.' };
    showFindings([note, substance]);
    await user.keyboard(' Praxis{Enter}');
    expect(screen.getByTestId('dispense-entry-0-override-PH_SUBSTANCE_DIFFERS-confirmed')).toHaveTextContent('bestätigt: Rücksprache Praxis');
    expect(stored()).toEqual([{ rule: 'PH_SUBSTANCE_DIFFERS', reason: 'Rücksprache Praxis' }]);
  });

  it('offers nothing for findings that cannot be confirmed (to be corrected, or only a note)', () => {
    renderFindings([
      { severity: 'error', code: 'PH_BATCH_REQUIRED', message: 'securPharm-Packung: Die Charge fehlt.', path: 'entries.0.batch.lot', field: 'entries.0.batch.lot', entry: 0 },
      { severity: 'info', code: 'PH_QUANTITY_LESS', message: 'Weniger als verordnet abgegeben (Teilabgabe).', path: 'entries.0.packs', field: 'entries.0.packs', entry: 0 },
    ]);
    expect(screen.getByTestId('dispense-entry-0-finding-PH_BATCH_REQUIRED')).toHaveTextContent('Fehler: securPharm-Packung');
    expect(screen.getByTestId('dispense-entry-0-finding-PH_QUANTITY_LESS')).toHaveTextContent('Hinweis: Weniger als verordnet');
    expect(screen.queryByRole('button', { name: 'Abweichung bestätigen' })).not.toBeInTheDocument();
  });
});

describe('keyedFindings', () => {
  it('keys by rule and path, numbering the same rule at the same path', () => {
    expect(keyedFindings([substance, strength, substance]).map((k) => k.key)).toEqual([
      'PH_SUBSTANCE_DIFFERS|entries.0.medication.pzn',
      'PH_STRENGTH_DIFFERS|entries.0.medication.pzn',
      'PH_SUBSTANCE_DIFFERS|entries.0.medication.pzn#1',
    ]);
  });
});

describe('withOverride', () => {
  it('replaces, adds and removes one rule; nothing left is no list', () => {
    expect(withOverride(undefined, 'A', { rule: 'A', reason: 'abc' })).toEqual([{ rule: 'A', reason: 'abc' }]);
    expect(withOverride([{ rule: 'A', reason: 'abc' }], 'A', undefined)).toBeUndefined();
  });
});
