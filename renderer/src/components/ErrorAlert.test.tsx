import { render, screen, within } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../lib/i18n';
import { appError } from '../test/fixtures';
import { ErrorAlert } from './ErrorAlert';

const renderAlert = (error: Parameters<typeof ErrorAlert>[0]['error']) =>
  render(
    <I18nextProvider i18n={createI18n('de')}>
      <ErrorAlert error={error} testId="dispense-error" />
    </I18nextProvider>,
  );

describe('error alert (spec §9.3, A_23814–A_23818)', () => {
  it('a network error: main’s message naming the failed hop, and the details for support behind a disclosure', () => {
    renderAlert(
      appError({
        code: 'network',
        system: 'network',
        retry: 'backoff',
        httpStatus: undefined,
        message: 'Keine Verbindung zum E-Rezept-Fachdienst: Der TI-Zugang (Konnektor) antwortet nicht. Bitte den Konnektor prüfen.',
        detail: 'connect ETIMEDOUT 10.0.0.1:443',
      }),
    );
    expect(screen.getByRole('alert')).toBe(screen.getByTestId('dispense-error'));
    expect(screen.getByTestId('dispense-error-message')).toHaveTextContent('Der TI-Zugang (Konnektor) antwortet nicht.');
    const details = screen.getByTestId('dispense-error-details');
    expect(details.tagName).toBe('DETAILS');
    expect(details).not.toHaveAttribute('open');
    expect(within(details).getByText('Netzwerk')).toBeInTheDocument();
    expect(details).toHaveTextContent('connect ETIMEDOUT 10.0.0.1:443');
    expect(screen.queryByTestId('dispense-error-queued')).not.toBeInTheDocument();
  });

  it('a 429 (retry hourly): main’s message stays, and the alert says the operation waits its hour (A_25460)', () => {
    renderAlert(
      appError({
        code: 'fachdienst',
        retry: 'hourly',
        httpStatus: 429,
        message: 'Der E-Rezept-Fachdienst meldet zu viele Anfragen. Die Abgabe ist vorgemerkt und wird ab 11:26 Uhr erneut übermittelt.',
      }),
    );
    expect(screen.getByTestId('dispense-error-message')).toHaveTextContent('Die Abgabe ist vorgemerkt und wird ab 11:26 Uhr erneut übermittelt.');
    expect(screen.getByTestId('dispense-error-queued')).toHaveTextContent('frühestens in einer Stunde erneut');
    expect(screen.getByTestId('dispense-error-queued')).toHaveTextContent('Ausstehende Vorgänge');
  });
});
