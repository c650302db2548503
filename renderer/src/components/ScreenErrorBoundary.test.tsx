import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from '../lib/i18n';
import { describeThrown, ScreenErrorBoundary } from './ScreenErrorBoundary';

/** A screen that throws while rendering as long as `broken.now` is set. */
const broken = { now: true };
function Screen() {
  if (broken.now) throw new Error('Cannot read properties of undefined (reading "entries")');
  return <p data-testid="screen-content">Vorgang 160.000.000.000.001.54</p>;
}

function renderScreens(resetKey = 'a') {
  return render(
    <I18nextProvider i18n={createI18n('de')}>
      <input data-testid="scan-input" aria-label="Rezeptcode scannen" />
      <ScreenErrorBoundary screen="case" resetKey={resetKey}>
        <Screen />
      </ScreenErrorBoundary>
    </I18nextProvider>,
  );
}

describe('a crashing screen stays in its place (issue 21 item 3)', () => {
  afterEach(() => {
    broken.now = true;
    vi.restoreAllMocks();
  });

  it('shows the German notice with „Neu laden“ and the detail for support; the scan field stays usable', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const user = userEvent.setup();
    renderScreens();
    const notice = screen.getByTestId('screen-error');
    expect(notice).toHaveAttribute('role', 'alert');
    expect(notice).toHaveAttribute('data-screen', 'case');
    expect(notice).toHaveTextContent('Diese Ansicht konnte nicht angezeigt werden.');
    expect(notice).toHaveTextContent('ein begonnener Entwurf bleibt gespeichert');
    expect(screen.getByTestId('screen-error-details')).toHaveTextContent('Error: Cannot read properties of undefined');
    expect(logged.mock.calls.some(([line]) => String(line).includes('Ansicht „case“ abgestürzt'))).toBe(true);

    await user.type(screen.getByTestId('scan-input'), 'abc');
    expect(screen.getByTestId('scan-input')).toHaveValue('abc');

    broken.now = false;
    await user.click(screen.getByTestId('screen-error-reload'));
    expect(screen.getByTestId('screen-content')).toBeInTheDocument();
    expect(screen.queryByTestId('screen-error')).toBeNull();
  });

  it('another screen (a new reset key) starts without the error', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { rerender } = renderScreens('a');
    expect(screen.getByTestId('screen-error')).toBeInTheDocument();
    broken.now = false;
    rerender(
      <I18nextProvider i18n={createI18n('de')}>
        <input data-testid="scan-input" aria-label="Rezeptcode scannen" />
        <ScreenErrorBoundary screen="case" resetKey="b">
          <Screen />
        </ScreenErrorBoundary>
      </I18nextProvider>,
    );
    expect(screen.getByTestId('screen-content')).toBeInTheDocument();
  });
});

describe('describeThrown', () => {
  it('names an Error by name and message, anything else by its text', () => {
    expect(describeThrown(new TypeError('x is not a function'))).toBe('TypeError: x is not a function');
    expect(describeThrown('kaputt')).toBe('kaputt');
    expect(describeThrown(42)).toBe('42');
  });
});
