import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, connectionStatus, offlineStatus } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

describe('connection indicator (spec §9.3, A_23815)', () => {
  it('is calm while the Fachdienst answers: green dot, „Fachdienst verbunden“, no notice, no count', async () => {
    renderWithProviders({ bridge: createFakeBridge().bridge });
    const indicator = await screen.findByTestId('connection-indicator');
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'online'));
    expect(indicator).toHaveTextContent('Fachdienst verbunden');
    expect(indicator).toHaveAttribute('aria-keyshortcuts', 'Alt+W');
    expect(screen.queryByTestId('pending-count')).not.toBeInTheDocument();
    expect(screen.queryByTestId('connection-notice')).not.toBeInTheDocument();
  });

  it('follows the connection events: offline with the pending count and the notice, then back to online', async () => {
    const fake = createFakeBridge();
    renderWithProviders({ bridge: fake.bridge });
    const indicator = await screen.findByTestId('connection-indicator');
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'online'));

    act(() => fake.emit({ type: 'connection', status: offlineStatus({ pendingCount: 2 }) }));
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'offline'));
    expect(indicator).toHaveTextContent('Fachdienst nicht erreichbar');
    expect(within(indicator).getByTestId('pending-count')).toHaveTextContent('2 Vorgänge ausstehend');
    expect(screen.getByTestId('connection-notice')).toHaveAttribute('data-state', 'offline');

    act(() => fake.emit({ type: 'connection', status: connectionStatus({ state: 'degraded', failedHop: 'fachdienst', pendingCount: 1 }) }));
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'degraded'));
    expect(indicator).toHaveTextContent('Fachdienst gestört');
    expect(within(indicator).getByTestId('pending-count')).toHaveTextContent('1 Vorgang ausstehend');

    act(() => fake.emit({ type: 'connection', status: connectionStatus() }));
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'online'));
    expect(screen.queryByTestId('connection-notice')).not.toBeInTheDocument();
    expect(screen.queryByTestId('pending-count')).not.toBeInTheDocument();
  });

  it('says „unknown“ — never „verbunden“ — when main cannot tell the connection', async () => {
    const fake = createFakeBridge();
    fake.calls.getConnection.mockResolvedValue({ ok: false, error: appError({ code: 'internal', system: 'app' }) } as never);
    renderWithProviders({ bridge: fake.bridge });
    const indicator = await screen.findByTestId('connection-indicator');
    await waitFor(() => expect(fake.calls.getConnection).toHaveBeenCalled());
    expect(indicator).toHaveAttribute('data-state', 'unknown');
    expect(indicator).not.toHaveTextContent('verbunden');
  });
});

describe('connection notice (A_23814: which system failed, what to do, details for support)', () => {
  it('shows main’s message, the failed hop, that drafts keep working, and the technical detail behind a disclosure', async () => {
    renderWithProviders({ bridge: createFakeBridge({ connection: offlineStatus() }).bridge });
    const notice = await screen.findByTestId('connection-notice');
    expect(notice).toHaveAttribute('role', 'status');
    expect(notice).toHaveAttribute('data-hop', 'network');
    expect(within(notice).getByTestId('connection-notice-message')).toHaveTextContent(
      'Keine Verbindung zum E-Rezept-Fachdienst: Das Netzwerk bzw. der TI-Zugang antwortet nicht.',
    );
    expect(within(notice).getByTestId('connection-notice-hop')).toHaveTextContent('Unterbrochen bei: Netzwerk / TI-Zugang');
    expect(notice).toHaveTextContent('Entwürfe werden weiter gespeichert');
    const details = within(notice).getByTestId('connection-notice-details');
    expect(details.tagName).toBe('DETAILS');
    expect(details).not.toHaveAttribute('open');
    expect(details).toHaveTextContent('connect ECONNREFUSED 127.0.0.1:40123');
  });

  it('without a message from main, says what to do for the failed hop (sign-in)', async () => {
    const status = connectionStatus({ state: 'degraded', failedHop: 'idp', since: '2026-10-05T08:25:00.000Z' });
    renderWithProviders({ bridge: createFakeBridge({ connection: status }).bridge });
    const notice = await screen.findByTestId('connection-notice');
    expect(notice).toHaveTextContent('Der E-Rezept-Fachdienst ist gestört.');
    expect(within(notice).getByTestId('connection-notice-message')).toHaveTextContent('Bitte SMC-B-Karte und Konnektor prüfen.');
    expect(within(notice).getByTestId('connection-notice-hop')).toHaveTextContent('Anmeldung am Fachdienst (Zugangstoken)');
    expect(within(notice).queryByTestId('connection-notice-details')).not.toBeInTheDocument();
  });

  it('„Jetzt erneut versuchen“ calls resumePendingOperations; the new state comes back and the notice goes', async () => {
    const fake = createFakeBridge({ connection: offlineStatus() });
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const retry = await screen.findByTestId('connection-retry');
    expect(retry).toHaveTextContent('Jetzt erneut versuchen');

    await user.click(retry);

    expect(fake.calls.resumePendingOperations).toHaveBeenCalledWith({});
    await waitFor(() => expect(screen.queryByTestId('connection-notice')).not.toBeInTheDocument());
    expect(screen.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'online');
  });

  it('shows why „Jetzt erneut versuchen“ failed instead of swallowing it', async () => {
    const fake = createFakeBridge({ connection: offlineStatus() });
    fake.calls.resumePendingOperations.mockResolvedValueOnce({
      ok: false,
      error: appError({ code: 'network', system: 'network', retry: 'backoff', message: 'Der TI-Zugang (Konnektor) antwortet nicht.', httpStatus: undefined }),
    } as never);
    const { user } = renderWithProviders({ bridge: fake.bridge });
    await user.click(await screen.findByTestId('connection-retry'));
    expect(await screen.findByTestId('connection-retry-error-message')).toHaveTextContent('Der TI-Zugang (Konnektor) antwortet nicht.');
    expect(screen.getByTestId('connection-notice')).toBeInTheDocument();
  });
});

describe('the pharmacy’s shared database as a hop (issue 18 item 7, docs/multi-counter.md §6)', () => {
  /** what main's connection monitor reports when the store does not answer (main/services/connection-monitor.ts) */
  const storeDown = (overrides: Parameters<typeof connectionStatus>[0] = {}) =>
    connectionStatus({
      state: 'offline',
      failedHop: 'store',
      message:
        'Die Datenbank der Apotheke ist nicht erreichbar. Solange sie fehlt, sendet die App nichts an den E-Rezept-Fachdienst (jeder Vorgang wird zuerst dort vermerkt).',
      detail: 'Datenbank: keine Verbindung · connect ECONNREFUSED 127.0.0.1:5432',
      since: '2026-10-05T08:25:00.000Z',
      pendingCount: 1,
      ...overrides,
    });

  it('a connection event with failedHop store names the database in the indicator, the notice and the pending panel', async () => {
    const fake = createFakeBridge();
    const { user } = renderWithProviders({ bridge: fake.bridge });
    const indicator = await screen.findByTestId('connection-indicator');
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'online'));

    act(() => fake.emit({ type: 'connection', status: storeDown() }));

    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'offline'));
    expect(indicator).toHaveAttribute('data-hop', 'store');
    expect(within(indicator).getByTestId('connection-label')).toHaveTextContent('Datenbank nicht erreichbar');
    const notice = screen.getByTestId('connection-notice');
    expect(notice).toHaveAttribute('data-hop', 'store');
    expect(notice).toHaveTextContent('Die Datenbank der Apotheke ist nicht erreichbar.');
    expect(notice).not.toHaveTextContent('Der E-Rezept-Fachdienst ist nicht erreichbar.');
    expect(within(notice).getByTestId('connection-notice-hop')).toHaveTextContent('Unterbrochen bei: Datenbank der Apotheke');
    expect(within(notice).getByTestId('connection-notice-message')).toHaveTextContent('sendet die App nichts an den E-Rezept-Fachdienst');
    // drafts cannot be saved meanwhile: the notice must not claim they are
    expect(notice).not.toHaveTextContent('Entwürfe werden weiter gespeichert');
    expect(notice).toHaveTextContent('Entwürfe in diesem Fenster bleiben erhalten und werden gespeichert, sobald die Datenbank zurück ist.');

    await user.click(indicator);
    const panel = await screen.findByTestId('pending-operations');
    expect(within(panel).getByTestId('pending-connection-hop')).toHaveAttribute('data-hop', 'store');
    expect(within(panel).getByTestId('pending-connection-hop')).toHaveTextContent('Die Verbindung ist unterbrochen bei: Datenbank der Apotheke');

    act(() => fake.emit({ type: 'connection', status: connectionStatus() }));
    await waitFor(() => expect(indicator).toHaveAttribute('data-state', 'online'));
    expect(indicator).not.toHaveAttribute('data-hop');
    expect(indicator).toHaveTextContent('Fachdienst verbunden');
  });

  it('without a message from main, says what to do about the database', async () => {
    renderWithProviders({ bridge: createFakeBridge({ connection: storeDown({ message: undefined, detail: undefined }) }).bridge });
    const notice = await screen.findByTestId('connection-notice');
    expect(within(notice).getByTestId('connection-notice-message')).toHaveTextContent(
      'Die gemeinsame Datenbank der Kassen antwortet nicht: Bitte Netzwerk und Datenbankserver prüfen, gegebenenfalls den IT-Dienstleister informieren.',
    );
    expect(within(notice).getByTestId('connection-notice-message')).toHaveTextContent('an den E-Rezept-Fachdienst wird erst wieder gesendet, wenn die Datenbank zurück ist');
  });
});
