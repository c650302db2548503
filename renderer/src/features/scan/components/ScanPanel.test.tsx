import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Pzn } from '../../../../../shared/erezept/identifiers';
import { ntinOf } from '../../../../../shared/erezept/pack-code';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, appInfo, caseDetail, ids, prescription } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const token = `{"urls":["Task/${ids.first}/$accept?ac=777bea0e13cc9c42ceec14aec3ddee2263325dc2c6c699db115f58fe423607ea"]}`;

/** user-event reads { and [ as key descriptors: a scanner types them literally. */
const typed = (text: string) => `${text.replace(/[{[]/g, (c) => c + c)}{Enter}`;

describe('scan field', () => {
  it('submits the scanned text on Enter, clears the field and shows the prescription', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const input = await screen.findByTestId('scan-input');
    expect(input).toHaveFocus();
    expect(screen.getByLabelText('Rezeptcode scannen')).toBe(input);

    await user.type(input, typed(token), { skipClick: true });

    expect(fake.calls.scanCode).toHaveBeenCalledWith({ text: token });
    expect(input).toHaveValue('');
    const view = await screen.findByTestId('prescription-view');
    expect(within(view).getByTestId('prescription-id')).toHaveTextContent(ids.first);
    expect(view).toHaveTextContent('X110411675');
  });

  it('shows the case the scan answered with, without a second getCase round trip', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });
    expect(await screen.findByTestId('prescription-view')).toHaveTextContent('X110411675');
    expect(fake.calls.getCase).not.toHaveBeenCalled();
  });

  it('fetches the case when the scan answer carries no detail', async () => {
    const detail = caseDetail();
    const fake = createFakeBridge({ cases: [detail], scanResults: [{ ok: true, prescriptionId: ids.first, outcome: 'accepted', case: detail }] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });
    expect(await screen.findByTestId('prescription-view')).toHaveTextContent('X110411675');
    expect(fake.calls.getCase).toHaveBeenCalledWith({ prescriptionId: ids.first });
  });

  it('catches keystrokes typed while nothing is focused', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const input = await screen.findByTestId('scan-input');
    input.blur();

    await user.keyboard('Task/1');

    expect(input).toHaveValue('Task/1');
    expect(input).toHaveFocus();
  });

  it('says so when the scanned prescription had been accepted before', async () => {
    const detail = caseDetail();
    const fake = createFakeBridge({
      cases: [detail],
      scanResults: [{ ok: true, prescriptionId: ids.first, outcome: 'existing', case: detail }],
    });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });
    expect(await screen.findByTestId('scan-existing-note')).toHaveTextContent('Bereits angenommenes Rezept geöffnet');
  });

  it('opens the first of several prescriptions and links the others', async () => {
    const first = caseDetail();
    const second = caseDetail({ prescription: prescription({ prescriptionId: ids.second, patient: { name: 'Erika Mustermann' } }) });
    const fake = createFakeBridge({ cases: [first, second] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });

    expect(await screen.findByTestId('prescription-id')).toHaveTextContent(ids.first);
    await user.click(screen.getByTestId(`scan-result-${ids.second}`));

    await waitFor(() => expect(screen.getByTestId('prescription-id')).toHaveTextContent(ids.second));
    expect(screen.getByTestId('prescription-view')).toHaveTextContent('Erika Mustermann');
  });

  it('shows a refused token as an alert with the German message and technical details', async () => {
    const fake = createFakeBridge({ scanResults: [{ ok: false, prescriptionId: ids.first, error: appError() }] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('bereits von einer anderen Apotheke angenommen');
    expect(alert).toHaveTextContent(`Rezept ${ids.first}`);
    const details = within(alert).getByText('Technische Details').closest('details')!;
    expect(details).not.toHaveAttribute('open');
    await user.click(within(alert).getByText('Technische Details'));
    expect(details).toHaveAttribute('open');
    expect(details).toHaveTextContent('409');
    expect(details).toHaveTextContent('Task has invalid status in-progress');
    expect(within(details).getByRole('button', { name: 'Details kopieren' })).toBeVisible();
    expect(screen.queryByTestId('prescription-view')).not.toBeInTheDocument();
  });

  it('shows a failed call (no Result from main) as an alert', async () => {
    const fake = createFakeBridge();
    fake.calls.scanCode.mockResolvedValueOnce({ ok: false, error: appError({ code: 'network', message: 'Der E-Rezept-Fachdienst ist nicht erreichbar.' }) } as never);
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });
    expect(await screen.findByRole('alert')).toHaveTextContent('Der E-Rezept-Fachdienst ist nicht erreichbar.');
  });

  it('copies the technical details for support', async () => {
    const fake = createFakeBridge({ scanResults: [{ ok: false, error: appError() }] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.type(await screen.findByTestId('scan-input'), typed(token), { skipClick: true });
    const alert = await screen.findByRole('alert');
    await user.click(within(alert).getByText('Technische Details'));
    await user.click(within(alert).getByRole('button', { name: 'Details kopieren' }));
    expect(await within(alert).findByText('Kopiert')).toBeVisible();
    const copied = await navigator.clipboard.readText();
    expect(copied).toContain('HTTP-Status: 409');
    expect(copied).toContain('bereits von einer anderen Apotheke angenommen');
  });

  it('does not accept anything while no staff member is chosen, and keeps the scan', async () => {
    const fake = createFakeBridge({ appInfo: appInfo({ staff: null }), cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const input = await screen.findByTestId('scan-input');
    await user.type(input, typed(token), { skipClick: true });
    expect(fake.calls.scanCode).not.toHaveBeenCalled();
    expect(screen.getByTestId('scan-needs-staff')).toHaveTextContent('Kürzel');
    expect(input).toHaveValue(token);
  });
});

describe('pack codes in the scan field', () => {
  it('routes a pack code typed into the scan field to the open editor, Ctrl+] as the group separator', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    await screen.findByTestId('dispense-form');
    const input = screen.getByTestId('scan-input');
    await user.click(input);
    // NTIN of the prescribed PZN 06313728, expiry 2028-06-30, batch LOT77, GS, serial SN1
    await user.keyboard(`01${ntinOf('06313728' as Pzn)}17280630` + '10LOT77');
    await user.keyboard('{Control>}]{/Control}');
    await user.keyboard('21SN1{Enter}');

    expect(fake.calls.scanCode).not.toHaveBeenCalled();
    expect(input).toHaveValue('');
    expect(screen.getByTestId('pack-scan-result')).toHaveAttribute('data-outcome', 'filled');
    expect(screen.getByTestId('dispense-entry-0-batch')).toHaveValue('LOT77');
    expect(screen.getByTestId('dispense-entry-0-expiry')).toHaveValue('2028-06-30');
    expect(screen.getByTestId('dispense-entry-0-serials')).toHaveTextContent('SN1');
  });
});
