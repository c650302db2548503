import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MessageInbox, MessageRequest, ScanOutcome } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, appInfo, caseDetail, ids } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { answerWith, bridgeCall, messageInbox, messageRequest, refuseOnce } from '../test-fixtures';

const delivery = messageRequest({
  communicationId: 'c-dispreq-2',
  prescriptionId: ids.second,
  sent: '2026-10-05T07:50:00.000Z',
  wish: {
    version: 3,
    supplyOption: 'delivery',
    communicationType: 'order',
    name: 'Erika Mustermann',
    addressLines: ['Hauptstr. 5'],
    postcode: '50667',
    city: 'Köln',
    email: 'erika@example.org',
    text: 'Bitte nach 17 Uhr klingeln.',
  },
});
const accepted = messageRequest({
  communicationId: 'c-dispreq-0',
  prescriptionId: ids.tRezept,
  state: 'accepted',
  handledAt: '2026-10-05T07:00:00.000Z',
  handledBy: 'MK',
  hasCase: true,
  wish: { version: 1, supplyOption: 'shipment', name: 'Hans Meier' },
});
const unreadable = messageRequest({
  communicationId: 'c-dispreq-3',
  prescriptionId: ids.tRezept,
  wish: undefined,
  wishProblem: 'Die Angaben sind kein gültiges JSON.',
});

function setup(
  options: Parameters<typeof createFakeBridge>[0] = {},
  inbox: MessageInbox | MessageRequest[] = [messageRequest(), delivery, accepted],
) {
  const fake = createFakeBridge({ cases: [caseDetail()], ...options });
  answerWith(fake.calls, 'listMessages', Array.isArray(inbox) ? messageInbox(inbox) : inbox);
  const rendered = renderWithProviders({ bridge: fake.bridge });
  return { fake, ...rendered };
}

async function openPanel(
  options: Parameters<typeof createFakeBridge>[0] = {},
  inbox?: Parameters<typeof setup>[1],
) {
  const ctx = setup(options, inbox);
  await ctx.user.click(await screen.findByTestId('nav-messages'));
  const panel = await screen.findByTestId('messages-panel');
  return { ...ctx, panel };
}

const rowOf = (communicationId: string) =>
  screen
    .getAllByTestId('message-request')
    .find((row) => row.getAttribute('data-communication-id') === communicationId)!;

const acceptedOutcome = (id: string = ids.first): ScanOutcome => {
  const detail = caseDetail({ prescriptionId: id });
  return { ok: true, prescriptionId: id, outcome: 'accepted', case: detail, detail };
};

describe('„Nachrichten“ in the header (spec §3.11)', () => {
  it('shows the number of open Zuweisungen as a badge, read out in words, and follows main’s event', async () => {
    const { fake } = setup();
    const button = await screen.findByTestId('nav-messages');
    const badge = await within(button).findByTestId('messages-badge');
    expect(badge).toHaveAttribute('data-count', '2');
    expect(badge).toHaveTextContent('2 offene Zuweisungen');
    expect(button).toHaveAccessibleName(/Nachrichten 2 offene Zuweisungen/);
    expect(button).toHaveAttribute('aria-keyshortcuts', 'Alt+Z');

    answerWith(
      fake.calls,
      'listMessages',
      messageInbox([{ ...messageRequest(), state: 'accepted' }, delivery]),
    );
    act(() => fake.emit({ type: 'messages-changed' }));
    await waitFor(() =>
      expect(within(button).getByTestId('messages-badge')).toHaveTextContent('1 offene Zuweisung'),
    );

    answerWith(fake.calls, 'listMessages', messageInbox([accepted]));
    act(() => fake.emit({ type: 'messages-changed' }));
    await waitFor(() => expect(within(button).queryByTestId('messages-badge')).not.toBeInTheDocument());
  });

  it('Alt+Z opens and closes the panel; Esc closes it and gives the focus back to the button', async () => {
    const { user } = setup();
    const button = await screen.findByTestId('nav-messages');
    await user.keyboard('{Alt>}z{/Alt}');
    expect(await screen.findByTestId('messages-panel')).toBeInTheDocument();
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await user.keyboard('{Alt>}z{/Alt}');
    expect(screen.queryByTestId('messages-panel')).not.toBeInTheDocument();

    await user.keyboard('{Alt>}z{/Alt}');
    await screen.findByTestId('messages-panel');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('messages-panel')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });
});

describe('the Zuweisungen (spec §3.11)', () => {
  it('lists each with the wish in German, who, where, how to reach them, when, which prescription and its state', async () => {
    const { panel } = await openPanel();
    await waitFor(() => expect(within(panel).getAllByTestId('message-request')).toHaveLength(3));

    const pickUp = rowOf('c-dispreq-1');
    expect(pickUp).toHaveAttribute('data-state', 'new');
    expect(pickUp).toHaveAttribute('data-prescription-id', ids.first);
    expect(within(pickUp).getByTestId('message-supply')).toHaveTextContent('Abholung in der Apotheke');
    expect(within(pickUp).getByTestId('message-wish-name')).toHaveTextContent('Ludger Königsstein');
    expect(within(pickUp).getByTestId('message-wish-address')).toHaveTextContent('Musterstr. 1 10623 Berlin');
    expect(within(pickUp).getByTestId('message-wish-phone')).toHaveTextContent('030 1234567');
    expect(within(pickUp).getByTestId('message-wish-hint')).toHaveTextContent(
      'Bitte bis Freitag zurücklegen.',
    );
    expect(within(pickUp).getByTestId('message-sent')).toHaveTextContent('05.10.2026, 09:45');
    expect(within(pickUp).getByTestId('message-prescription-id')).toHaveTextContent(ids.first);
    expect(within(pickUp).getByTestId('message-state')).toHaveTextContent('neu');

    const courier = rowOf('c-dispreq-2');
    expect(within(courier).getByTestId('message-supply')).toHaveTextContent('Botendienst');
    expect(within(courier).getByTestId('message-wish-address')).toHaveTextContent('Hauptstr. 5 50667 Köln');
    expect(within(courier).getByTestId('message-wish-email')).toHaveTextContent('erika@example.org');
    expect(within(courier).getByTestId('message-wish-text')).toHaveTextContent('Bitte nach 17 Uhr klingeln.');
    // untrusted text is never a link
    expect(within(courier).queryByRole('link')).not.toBeInTheDocument();

    const taken = rowOf('c-dispreq-0');
    expect(within(taken).getByTestId('message-supply')).toHaveTextContent('Versand');
    expect(within(taken).getByTestId('message-state')).toHaveTextContent(
      'angenommen von MK am 05.10.2026, 09:00',
    );
    expect(within(taken).queryByTestId('message-accept')).not.toBeInTheDocument();
    expect(within(taken).queryByTestId('message-dismiss')).not.toBeInTheDocument();
  });

  it('puts the focus on the first new Zuweisung’s „Annehmen“, named with who and which prescription', async () => {
    const { panel } = await openPanel();
    const first = await waitFor(() => within(rowOf('c-dispreq-1')).getByTestId('message-accept'));
    await waitFor(() => expect(first).toHaveFocus());
    expect(first).toHaveAccessibleName(`Zuweisung von Ludger Königsstein, Rezept ${ids.first}, annehmen`);
    expect(within(panel).getByRole('heading', { name: 'Nachrichten – Zuweisungen' })).toBeInTheDocument();
  });

  it('says so when the wish cannot be read — the Zuweisung can still be accepted', async () => {
    await openPanel({}, [unreadable]);
    const row = await waitFor(() => rowOf('c-dispreq-3'));
    expect(within(row).getByTestId('message-wish-problem')).toHaveTextContent(
      'Die Angaben sind kein gültiges JSON.',
    );
    expect(within(row).queryByTestId('message-wish')).not.toBeInTheDocument();
    expect(within(row).getByTestId('message-accept')).toBeEnabled();
  });

  it('„Annehmen“ claims the prescription, opens its case and closes the panel', async () => {
    const { fake, user } = await openPanel();
    answerWith(fake.calls, 'acceptMessage', acceptedOutcome(ids.first));
    await user.click(await waitFor(() => within(rowOf('c-dispreq-1')).getByTestId('message-accept')));

    expect(bridgeCall(fake.calls, 'acceptMessage')).toHaveBeenCalledWith({ communicationId: 'c-dispreq-1' });
    expect(await screen.findByTestId('case-view')).toHaveAttribute('data-prescription-id', ids.first);
    expect(screen.queryByTestId('messages-panel')).not.toBeInTheDocument();
  });

  it('a refused „Annehmen“ shows the Fachdienst’s German error at that Zuweisung; the panel stays', async () => {
    const { fake, user } = await openPanel();
    answerWith(fake.calls, 'acceptMessage', { ok: false, prescriptionId: ids.second, error: appError() });
    await user.click(await waitFor(() => within(rowOf('c-dispreq-2')).getByTestId('message-accept')));

    const error = await within(rowOf('c-dispreq-2')).findByTestId('message-error');
    expect(error).toHaveAttribute('role', 'alert');
    expect(within(error).getByTestId('message-error-message')).toHaveTextContent(
      'bereits von einer anderen Apotheke angenommen',
    );
    expect(within(rowOf('c-dispreq-1')).queryByTestId('message-error')).not.toBeInTheDocument();
    expect(screen.getByTestId('messages-panel')).toBeInTheDocument();
    expect(screen.queryByTestId('case-view')).not.toBeInTheDocument();
  });

  it('a failed call (main refuses) shows its error at that Zuweisung, too', async () => {
    const { fake, user } = await openPanel();
    refuseOnce(
      fake.calls,
      'acceptMessage',
      appError({
        code: 'message-erased',
        system: 'app',
        httpStatus: undefined,
        message: 'Diese Zuweisung enthält keinen Zugangscode mehr (gelöscht).',
      }),
    );
    await user.click(await waitFor(() => within(rowOf('c-dispreq-1')).getByTestId('message-accept')));
    expect(await within(rowOf('c-dispreq-1')).findByTestId('message-error')).toHaveTextContent(
      'keinen Zugangscode mehr',
    );
  });

  it('„Verwerfen“ asks first: Abbrechen sends nothing; confirming dismisses exactly that one', async () => {
    const { fake, user } = await openPanel();
    await user.click(await waitFor(() => within(rowOf('c-dispreq-2')).getByTestId('message-dismiss')));
    const dialog = screen.getByTestId('message-dismiss-dialog');
    expect(dialog).toHaveTextContent(
      `Die Zuweisung von Erika Mustermann für Rezept ${ids.second} wird verworfen`,
    );
    expect(dialog).toHaveTextContent('Das Rezept wird nicht angenommen');
    await user.click(within(dialog).getByTestId('message-dismiss-dialog-cancel'));
    expect(screen.queryByTestId('message-dismiss-dialog')).not.toBeInTheDocument();
    expect(bridgeCall(fake.calls, 'dismissMessage')).not.toHaveBeenCalled();

    const afterwards = messageInbox([
      messageRequest(),
      { ...delivery, state: 'dismissed', handledAt: '2026-10-05T08:30:00.000Z', handledBy: 'AB' },
      accepted,
    ]);
    answerWith(fake.calls, 'dismissMessage', afterwards);
    answerWith(fake.calls, 'listMessages', afterwards);
    await user.click(within(rowOf('c-dispreq-2')).getByTestId('message-dismiss'));
    await user.click(screen.getByTestId('message-dismiss-dialog-confirm'));

    expect(bridgeCall(fake.calls, 'dismissMessage')).toHaveBeenCalledWith({ communicationId: 'c-dispreq-2' });
    await waitFor(() => expect(screen.queryByTestId('message-dismiss-dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(rowOf('c-dispreq-2')).toHaveAttribute('data-state', 'dismissed'));
    expect(within(rowOf('c-dispreq-2')).getByTestId('message-state')).toHaveTextContent(
      'verworfen von AB am 05.10.2026, 10:30',
    );
    expect(bridgeCall(fake.calls, 'acceptMessage')).not.toHaveBeenCalled();
    expect(within(screen.getByTestId('nav-messages')).getByTestId('messages-badge')).toHaveTextContent(
      '1 offene Zuweisung',
    );
  });

  it('„Aktualisieren“ fetches now and says when, how many were new and which could not be read', async () => {
    const { fake, user, panel } = await openPanel();
    answerWith(
      fake.calls,
      'refreshMessages',
      messageInbox([messageRequest(), delivery, accepted, unreadable], {
        lastRefresh: {
          at: '2026-10-05T08:31:00.000Z',
          added: 2,
          unreadable: ['Nachricht c-9: Der Rezeptcode ist ungültig.'],
        },
      }),
    );
    await user.click(within(panel).getByTestId('messages-refresh'));

    expect(bridgeCall(fake.calls, 'refreshMessages')).toHaveBeenCalledWith({});
    await waitFor(() => expect(within(panel).getAllByTestId('message-request')).toHaveLength(4));
    expect(within(panel).getByTestId('messages-last-refresh')).toHaveTextContent(
      'Zuletzt aktualisiert um 10:31: 2 neue Nachrichten.',
    );
    expect(within(panel).getByTestId('messages-unreadable')).toHaveTextContent(
      'Nachricht c-9: Der Rezeptcode ist ungültig.',
    );
  });

  it('shows a failed refresh as an error and says when there are no Zuweisungen at all', async () => {
    const { fake, user, panel } = await openPanel({}, []);
    expect(await within(panel).findByTestId('messages-empty')).toHaveTextContent('Keine Zuweisungen.');
    refuseOnce(
      fake.calls,
      'refreshMessages',
      appError({
        code: 'network',
        system: 'network',
        httpStatus: undefined,
        message: 'Der E-Rezept-Fachdienst ist nicht erreichbar.',
      }),
    );
    await user.click(within(panel).getByTestId('messages-refresh'));
    expect(await within(panel).findByTestId('messages-refresh-error')).toHaveTextContent('nicht erreichbar');
  });

  it('says when main’s automatic fetch failed, and shows a v3 question without a supply option as such', async () => {
    const question = messageRequest({
      communicationId: 'c-question',
      wish: {
        version: 3,
        communicationType: 'text',
        name: 'Erika Mustermann',
        text: 'Haben Sie das vorrätig?',
      },
    });
    const failure = appError({
      code: 'network',
      system: 'network',
      httpStatus: undefined,
      message: 'Der E-Rezept-Fachdienst ist nicht erreichbar.',
    });
    const { panel } = await openPanel({}, messageInbox([question], { lastFailure: failure }));
    const alert = await within(panel).findByTestId('messages-last-failure');
    expect(alert).toHaveTextContent(
      'Automatischer Abruf der Nachrichten fehlgeschlagen: Der E-Rezept-Fachdienst ist nicht erreichbar.',
    );
    const row = rowOf('c-question');
    expect(within(row).getByTestId('message-question-only')).toHaveTextContent('Anfrage ohne Bestellung');
    expect(within(row).queryByTestId('message-supply')).not.toBeInTheDocument();
    expect(within(row).getByTestId('message-wish-text')).toHaveTextContent('Haben Sie das vorrätig?');
  });

  it('without a Kürzel, „Annehmen“ and „Verwerfen“ are disabled and the panel says why', async () => {
    const { panel } = await openPanel({ appInfo: appInfo({ staff: null }) });
    await waitFor(() => expect(within(panel).getAllByTestId('message-request')).toHaveLength(3));
    expect(within(panel).getByTestId('messages-needs-staff')).toHaveTextContent('zuerst ein Kürzel wählen');
    expect(within(rowOf('c-dispreq-1')).getByTestId('message-accept')).toBeDisabled();
    expect(within(rowOf('c-dispreq-1')).getByTestId('message-dismiss')).toBeDisabled();
  });
});
