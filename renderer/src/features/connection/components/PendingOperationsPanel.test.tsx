import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, caseDetail, ids, offlineStatus, pendingOperation } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

const operations = () => [
  pendingOperation({ id: 3, operation: 'dispense', reason: 'offline', attempts: 2 }),
  pendingOperation({ id: 4, prescriptionId: ids.second, operation: 'close', reason: 'rate-limited', notBefore: '2026-10-05T09:26:00.000Z', staff: 'MK' }),
  pendingOperation({ id: 5, prescriptionId: ids.tRezept, operation: 'accept', reason: 'outcome-unknown' }),
  pendingOperation({
    id: 2,
    operation: 'dispense',
    reason: 'outcome-unknown',
    state: 'done',
    completedAt: '2026-10-05T08:27:30.000Z',
    message: 'Abgabedaten nach Verbindungsabbruch bestätigt',
  }),
];

function setup(options: Parameters<typeof createFakeBridge>[0] = {}) {
  const fake = createFakeBridge({ connection: offlineStatus({ pendingCount: 3 }), pendingOperations: operations(), cases: [caseDetail()], ...options });
  const rendered = renderWithProviders({ bridge: fake.bridge });
  return { fake, ...rendered };
}

const rowOf = (id: number) => screen.getAllByTestId('pending-operation').find((row) => row.getAttribute('data-id') === String(id))!;

describe('pending operations panel (A_23815, A_23816; docs/reliability.md)', () => {
  it('opens from the indicator and lists every operation with what, why, who, when and how often', async () => {
    const { fake, user } = setup();
    const indicator = await screen.findByTestId('connection-indicator');
    await waitFor(() => expect(within(indicator).getByTestId('pending-count')).toHaveTextContent('3 Vorgänge ausstehend'));
    expect(fake.calls.listPendingOperations).not.toHaveBeenCalled();

    await user.click(indicator);

    const panel = await screen.findByTestId('pending-operations');
    expect(indicator).toHaveAttribute('aria-expanded', 'true');
    expect(within(panel).getByRole('heading', { name: 'Ausstehende Vorgänge' })).toHaveFocus();
    await waitFor(() => expect(within(panel).getAllByTestId('pending-operation')).toHaveLength(4));

    const offline = rowOf(3);
    expect(offline).toHaveAttribute('data-operation', 'dispense');
    expect(offline).toHaveAttribute('data-state', 'pending');
    expect(offline).toHaveAttribute('data-reason', 'offline');
    expect(offline).toHaveTextContent(ids.first);
    expect(offline).toHaveTextContent('Abgabe übermitteln');
    expect(offline).toHaveTextContent('wartet auf Verbindung');
    expect(offline).toHaveTextContent('AB');
    expect(offline).toHaveTextContent('05.10.2026, 10:26');
    expect(within(offline).getByTestId('pending-attempts')).toHaveTextContent('2');

    const limited = rowOf(4);
    expect(limited).toHaveTextContent('Abschließen');
    expect(limited).toHaveTextContent('zu viele Anfragen – frühestens um 11:26 erneut');
    expect(limited).toHaveTextContent('MK');

    expect(rowOf(5)).toHaveTextContent('Rezept abrufen');
    expect(rowOf(5)).toHaveTextContent('Ausgang unklar – wird abgeglichen');

    const done = rowOf(2);
    expect(done).toHaveAttribute('data-state', 'done');
    expect(done).toHaveTextContent('erledigt am 05.10.2026, 10:27');
    expect(within(done).getByTestId('pending-message')).toHaveTextContent('Abgabedaten nach Verbindungsabbruch bestätigt');
  });

  it('offers „Verwerfen“ only for queued operations (offline, rate-limited), never for a lost answer or a finished one', async () => {
    const { user } = setup();
    await user.click(await screen.findByTestId('connection-indicator'));
    await waitFor(() => expect(screen.getAllByTestId('pending-operation')).toHaveLength(4));
    expect(within(rowOf(3)).getByTestId('pending-cancel')).toBeVisible();
    expect(within(rowOf(4)).getByTestId('pending-cancel')).toBeVisible();
    expect(within(rowOf(5)).queryByTestId('pending-cancel')).not.toBeInTheDocument();
    expect(within(rowOf(2)).queryByTestId('pending-cancel')).not.toBeInTheDocument();
  });

  it('„Verwerfen“ asks first; Abbrechen sends nothing, confirming cancels exactly that operation', async () => {
    const { fake, user } = setup();
    await user.click(await screen.findByTestId('connection-indicator'));
    await waitFor(() => expect(screen.getAllByTestId('pending-operation')).toHaveLength(4));

    await user.click(within(rowOf(4)).getByTestId('pending-cancel'));
    const dialog = screen.getByTestId('pending-cancel-dialog');
    expect(dialog).toHaveTextContent(`„Abschließen“ für Rezept ${ids.second} wird nicht mehr an den E-Rezept-Fachdienst gesendet`);
    expect(dialog).toHaveTextContent('Der Entwurf bleibt erhalten');
    await user.click(within(dialog).getByTestId('pending-cancel-dialog-cancel'));
    expect(screen.queryByTestId('pending-cancel-dialog')).not.toBeInTheDocument();
    expect(fake.calls.cancelPendingOperation).not.toHaveBeenCalled();

    await user.click(within(rowOf(4)).getByTestId('pending-cancel'));
    await user.click(screen.getByTestId('pending-cancel-dialog-confirm'));

    expect(fake.calls.cancelPendingOperation).toHaveBeenCalledWith({ id: 4 });
    await waitFor(() => expect(screen.queryByTestId('pending-cancel-dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(rowOf(4)).toHaveAttribute('data-state', 'cancelled'));
    expect(rowOf(4)).toHaveTextContent('verworfen');
    expect(within(rowOf(4)).queryByTestId('pending-cancel')).not.toBeInTheDocument();
  });

  it('keeps the dialog open with main’s German refusal when cancelling is not allowed', async () => {
    const { fake, user } = setup();
    fake.calls.cancelPendingOperation.mockResolvedValueOnce({
      ok: false,
      error: appError({ code: 'state', system: 'app', message: 'Dieser Vorgang wird gerade abgeglichen und kann nicht verworfen werden.' }),
    } as never);
    await user.click(await screen.findByTestId('connection-indicator'));
    await waitFor(() => expect(screen.getAllByTestId('pending-operation')).toHaveLength(4));
    await user.click(within(rowOf(3)).getByTestId('pending-cancel'));
    await user.click(screen.getByTestId('pending-cancel-dialog-confirm'));
    expect(await screen.findByTestId('pending-cancel-dialog-error-message')).toHaveTextContent('kann nicht verworfen werden');
    expect(screen.getByTestId('pending-cancel-dialog')).toBeInTheDocument();
  });

  it('refetches the list when main says the pending operations changed', async () => {
    const { fake, user } = setup();
    await user.click(await screen.findByTestId('connection-indicator'));
    await waitFor(() => expect(screen.getAllByTestId('pending-operation')).toHaveLength(4));
    fake.calls.listPendingOperations.mockResolvedValueOnce({
      ok: true,
      data: [pendingOperation({ id: 3, state: 'done', completedAt: '2026-10-05T08:40:00.000Z', message: 'Abgabe nachträglich übermittelt' })],
    });

    act(() => fake.emit({ type: 'pending-changed' }));

    await waitFor(() => expect(screen.getAllByTestId('pending-operation')).toHaveLength(1));
    expect(rowOf(3)).toHaveAttribute('data-state', 'done');
    expect(rowOf(3)).toHaveTextContent('Abgabe nachträglich übermittelt');
  });

  it('a PrescriptionID opens that case and closes the panel', async () => {
    const { user } = setup();
    await user.click(await screen.findByTestId('connection-indicator'));
    await waitFor(() => expect(screen.getAllByTestId('pending-operation')).toHaveLength(4));
    await user.click(within(rowOf(3)).getByTestId('pending-open-case'));
    expect(await screen.findByTestId('case-view')).toHaveAttribute('data-prescription-id', ids.first);
    expect(screen.queryByTestId('pending-operations')).not.toBeInTheDocument();
  });

  it('Alt+W opens and closes it from anywhere; Esc closes it and gives the focus back to the indicator', async () => {
    const { user } = setup();
    const indicator = await screen.findByTestId('connection-indicator');
    await user.keyboard('{Alt>}w{/Alt}');
    expect(await screen.findByTestId('pending-operations')).toBeInTheDocument();
    await user.keyboard('{Alt>}w{/Alt}');
    expect(screen.queryByTestId('pending-operations')).not.toBeInTheDocument();

    await user.keyboard('{Alt>}w{/Alt}');
    await screen.findByTestId('pending-operations');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('pending-operations')).not.toBeInTheDocument();
    expect(indicator).toHaveFocus();
  });

  it('says so when nothing is pending, and „Jetzt erneut versuchen“ is there too', async () => {
    const { fake, user } = setup({ pendingOperations: [], connection: undefined });
    await user.click(await screen.findByTestId('connection-indicator'));
    expect(await screen.findByTestId('pending-empty')).toHaveTextContent('Keine ausstehenden Vorgänge.');
    await user.click(screen.getByTestId('pending-resume'));
    expect(fake.calls.resumePendingOperations).toHaveBeenCalledWith({});
  });
});
