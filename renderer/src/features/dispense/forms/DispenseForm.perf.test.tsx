/**
 * Typing in an editor with 50 entries (docs/performance.md, typing-latency): a keystroke must re-render only what
 * shows the typed value — not the other 49 entries, neither synchronously nor in the deferred render of the live
 * checks. Every entry render translates its labels, so counting one label's translations counts entry renders.
 */
import { act, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createI18n } from '../../../lib/i18n';
import { emptyCatalogForTests } from '../../../test/catalog';
import { createFakeBridge } from '../../../test/fake-bridge';
import { caseDetail, entry, prescription } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const fiftyEntries = () => Array.from({ length: 50 }, (_, i) => entry({ key: `entry-${i + 1}`, batch: { lot: `LOT${i}`, expiry: '2028-06-30' } }));

async function editorWithFiftyEntries() {
  const detail = caseDetail({ draft: fiftyEntries() });
  const i18n = createI18n('de');
  const rendered = renderWithProviders({
    bridge: createFakeBridge({ cases: [detail] }).bridge,
    catalog: emptyCatalogForTests,
    initialCase: detail.prescriptionId,
    i18n,
  });
  await screen.findByTestId('dispense-entry-49');
  const translate = vi.spyOn(i18n, 't');
  const entryRenders = () => translate.mock.calls.filter(([key]) => key === 'dispense.batchLot').length;
  return { ...rendered, translate, entryRenders };
}

describe('dispense editor with 50 entries', () => {
  it('a keystroke in one entry re-renders no other entry, also not after the deferred live checks', async () => {
    const { user, entryRenders } = await editorWithFiftyEntries();
    const batch = screen.getByTestId('dispense-entry-3-batch');
    await user.click(batch);
    await user.keyboard('X');
    // let the deferred live checks and the findings' publication run
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(batch).toHaveValue('LOT3X');
    expect(entryRenders()).toBeLessThanOrEqual(1);
  });

  it('remove and duplicate (stable callbacks taking the index) act on the right entry', async () => {
    const { user } = await editorWithFiftyEntries();
    await user.click(screen.getByTestId('dispense-entry-0-remove'));
    expect(screen.queryByTestId('dispense-entry-49')).not.toBeInTheDocument();
    expect(screen.getByTestId('dispense-entry-0-batch')).toHaveValue('LOT1');
    await user.click(screen.getByTestId('dispense-entry-0-duplicate'));
    // the copy is for another batch: same article, fresh batch (entry-editing.ts)
    expect(screen.getByTestId('dispense-entry-1-batch')).toHaveValue('');
    expect(screen.getByTestId('dispense-entry-1-pzn')).toHaveValue('06313728');
    expect(screen.getByTestId('dispense-entry-2-batch')).toHaveValue('LOT2');
  });
});

describe('„Abgabe übermitteln“ with 10 entries (docs/performance.md, submit-overhead)', () => {
  it('the confirmation and the receipt re-render no entry’s inputs: only the change badges and the lock are new', async () => {
    // ten packs prescribed, so the list needs no confirmed deviation
    const detail = caseDetail({
      prescription: prescription({ request: { ...prescription().request, quantity: 10 } }),
      draft: Array.from({ length: 10 }, (_, i) => entry({ key: `entry-${i + 1}`, batch: { lot: `LOT${i}`, expiry: '2028-06-30' } })),
    });
    const i18n = createI18n('de');
    const fake = createFakeBridge({ cases: [detail] });
    const { user } = renderWithProviders({ bridge: fake.bridge, catalog: emptyCatalogForTests, initialCase: detail.prescriptionId, i18n });
    await screen.findByTestId('dispense-entry-9');
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    const translate = vi.spyOn(i18n, 't');
    await user.click(screen.getByTestId('submit-dispense'));
    expect(await screen.findByTestId('dispense-confirmation')).toBeVisible();
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(fake.calls.submitDispense).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('dispense-entry-9')).toHaveAttribute('data-change', 'unchanged');
    const renders = (key: string) => translate.mock.calls.filter(([k]) => k === key).length;
    // each entry's inputs translate their labels once per render; their frames (legend, buttons) may follow the answer
    expect(renders('dispense.batchLot')).toBe(0);

    // „Abgabe abschließen“: the list is locked by the editor's fieldset, the inputs are not rendered again either
    await user.click(screen.getByTestId('close-case'));
    expect(await screen.findByTestId('receipt')).toBeVisible();
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(fake.calls.closeCase).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('dispense-entry-9-batch')).toBeDisabled();
    expect(screen.getByTestId('dispense-entry-9-serial-add')).toBeDisabled();
    expect(renders('dispense.batchLot')).toBe(0);
  });
});
