import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, caseDetail, dispensedCase, ids, receipt, retryProgress } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

describe('„wird erneut versucht“ (spec §8 backoff, docs/reliability.md)', () => {
  it('appears next to the open case’s buttons with attempt, maximum, next time and cause; retry-ended removes it', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    const form = await screen.findByTestId('dispense-form');
    expect(screen.queryByTestId('retry-notice')).not.toBeInTheDocument();

    act(() => fake.emit({ type: 'retrying', progress: retryProgress() }));

    const notice = await within(form).findByTestId('retry-notice');
    expect(notice).toHaveAttribute('role', 'status');
    expect(notice).toHaveTextContent('Wird erneut versucht – Versuch 2 von 10, nächster Versuch um 10:31:05.');
    expect(within(notice).getByTestId('retry-cause')).toHaveTextContent('Der E-Rezept-Fachdienst ist vorübergehend nicht verfügbar.');
    // counter language (issue 19 item 5): the status code only behind „Technische Details“
    expect(within(notice).getByTestId('retry-cause')).not.toHaveTextContent('HTTP');
    expect(within(notice).getByTestId('retry-http-status')).toHaveTextContent('503');
    expect(notice).toHaveTextContent(`Abgabe übermitteln für Rezept ${ids.first}`);

    act(() => fake.emit({ type: 'retrying', progress: retryProgress({ attempt: 3, nextAttemptAt: '2026-10-05T08:31:09.000Z' }) }));
    await waitFor(() => expect(screen.getByTestId('retry-notice')).toHaveTextContent('Versuch 3 von 10, nächster Versuch um 10:31:09.'));

    act(() => fake.emit({ type: 'retry-ended', prescriptionId: ids.first }));
    await waitFor(() => expect(screen.queryByTestId('retry-notice')).not.toBeInTheDocument());
  });

  it('„Abbrechen“ calls cancelRetry for that prescription and the notice goes', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    const { user } = renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    await screen.findByTestId('dispense-form');
    act(() => fake.emit({ type: 'retrying', progress: retryProgress() }));

    await user.click(await screen.findByTestId('retry-cancel'));

    expect(fake.calls.cancelRetry).toHaveBeenCalledWith({ prescriptionId: ids.first });
    await waitFor(() => expect(screen.queryByTestId('retry-notice')).not.toBeInTheDocument());
  });

  it('the cancelled call then fails with main’s German message in the editor’s error display', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    let answer: (value: unknown) => void = () => undefined;
    fake.calls.submitDispense.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)) as never);
    const { user } = renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    await user.click(await screen.findByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalled());
    act(() => fake.emit({ type: 'retrying', progress: retryProgress() }));
    await user.click(await screen.findByTestId('retry-cancel'));

    await act(async () =>
      answer({
        ok: false,
        error: appError({
          code: 'cancelled',
          system: 'fachdienst',
          retry: 'never',
          httpStatus: 503,
          message: 'Abgebrochen: Die Abgabe wurde nicht übermittelt. Der Entwurf ist gespeichert; bitte später erneut übermitteln.',
        }),
      }),
    );

    expect(await screen.findByTestId('dispense-error-message')).toHaveTextContent('Abgebrochen: Die Abgabe wurde nicht übermittelt.');
    expect(screen.queryByTestId('retry-notice')).not.toBeInTheDocument();
  });

  it('a notice never outlives its call, even when retry-ended got lost', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    let answer: (value: unknown) => void = () => undefined;
    fake.calls.submitDispense.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)) as never);
    const { user } = renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    await user.click(await screen.findByTestId('submit-dispense'));
    await waitFor(() => expect(fake.calls.submitDispense).toHaveBeenCalled());
    act(() => fake.emit({ type: 'retrying', progress: retryProgress() }));
    await screen.findByTestId('retry-notice');

    await act(async () => answer({ ok: true, data: { ...caseDetail({ status: 'dispensed' }), outcome: 'sent' } }));

    await waitFor(() => expect(screen.queryByTestId('retry-notice')).not.toBeInTheDocument());
  });

  it('shows retries of prescriptions not on screen (e.g. a scan’s GET ?ac) in the scan area', async () => {
    const fake = createFakeBridge({ cases: [caseDetail()] });
    renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    await screen.findByTestId('dispense-form');

    act(() => fake.emit({ type: 'retrying', progress: retryProgress({ prescriptionId: ids.second, operation: 'getByAc', attempt: 1 }) }));

    const others = await screen.findByTestId('retry-notices');
    const notice = within(others).getByTestId('retry-notice');
    expect(notice).toHaveAttribute('data-prescription-id', ids.second);
    expect(notice).toHaveTextContent(`Rezept abrufen für Rezept ${ids.second}`);
    expect(within(screen.getByTestId('dispense-form')).queryByTestId('retry-notice')).not.toBeInTheDocument();
  });

  it('a closed case shows it once, above the receipt (GET ?secret of „Quittung erneut abrufen“)', async () => {
    const closed = dispensedCase({ status: 'closed', readOnly: true, closedAt: '2026-10-05T09:15:00.000Z', receipt: receipt(ids.first) });
    const fake = createFakeBridge({ cases: [closed] });
    renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    await screen.findByTestId('receipt');

    act(() => fake.emit({ type: 'retrying', progress: retryProgress({ operation: 'getBySecret' }) }));

    const notices = await screen.findAllByTestId('retry-notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toHaveTextContent(`Abgleich mit dem Fachdienst für Rezept ${ids.first}`);
    expect(within(screen.getByTestId('dispense-form')).queryByTestId('retry-notice')).not.toBeInTheDocument();
  });

  it('with the Secret missing, it stands in the recovery section (GET ?ac), not twice', async () => {
    const fake = createFakeBridge({ cases: [caseDetail({ secretMissing: true })] });
    renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
    const recovery = await screen.findByTestId('secret-missing');

    act(() => fake.emit({ type: 'retrying', progress: retryProgress({ operation: 'getByAc' }) }));

    expect(await within(recovery).findByTestId('retry-notice')).toHaveTextContent(`Rezept abrufen für Rezept ${ids.first}`);
    expect(screen.getAllByTestId('retry-notice')).toHaveLength(1);
  });
});
