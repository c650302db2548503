import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaseMessages } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError, appInfo, caseDetail, ids } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { PICKUP_CODE_ALPHABET } from '../pickup-code';
import {
  answerWith,
  bridgeCall,
  caseThread,
  refuseOnce,
  replyMessage,
  requestMessage,
} from '../test-fixtures';

// jsdom has no canvas: bwip-js's drawing is replaced, and what it was asked to draw is checked instead.
const { toCanvas } = vi.hoisted(() => ({
  toCanvas: vi.fn((canvas: HTMLCanvasElement, _options: { bcid: string; text: string }) => canvas),
}));
vi.mock('bwip-js/browser', () => ({ toCanvas }));

afterEach(() => {
  toCanvas.mockClear();
  vi.useRealTimers();
});

async function openCase(
  thread: CaseMessages = caseThread(),
  options: Parameters<typeof createFakeBridge>[0] = {},
) {
  const fake = createFakeBridge({ cases: [caseDetail()], now: '2026-10-05T08:30:00.000Z', ...options });
  answerWith(fake.calls, 'caseMessages', thread);
  const rendered = renderWithProviders({ bridge: fake.bridge, initialCase: ids.first });
  const section = await screen.findByTestId('case-messages');
  return { ...rendered, fake, section };
}

const composer = () => screen.findByTestId('reply-composer');
const valueOf = (element: HTMLElement) => (element as HTMLTextAreaElement).value;

describe('„Nachrichten an den Patienten“ in the case (spec §3.11, A_23796)', () => {
  it('shows the thread oldest first: the Zuweisung with its wish, replies with text, code, availability, state and who', async () => {
    const { fake, section } = await openCase(
      caseThread({
        messages: [
          requestMessage(),
          replyMessage({
            communicationId: 'c-reply-1',
            state: 'deleted',
            handledBy: 'AB',
            handledAt: '2026-10-05T08:20:00.000Z',
            text: 'Bestellt bis morgen.',
            pickUpCode: undefined,
            availability: '30',
          }),
          replyMessage({ communicationId: 'c-reply-2' }),
        ],
      }),
    );
    expect(
      within(section).getByRole('heading', { name: 'Nachrichten an den Patienten' }),
    ).toBeInTheDocument();
    const items = await within(section).findAllByTestId('case-message');
    expect(bridgeCall(fake.calls, 'caseMessages')).toHaveBeenCalledWith({ prescriptionId: ids.first });
    expect(items.map((i) => [i.getAttribute('data-kind'), i.getAttribute('data-state')])).toEqual([
      ['dispreq', 'accepted'],
      ['reply', 'deleted'],
      ['reply', 'sent'],
    ]);
    expect(items[0]).toHaveTextContent('Zuweisung der Patientin / des Patienten');
    expect(within(items[0]!).getByTestId('message-supply')).toHaveTextContent('Abholung in der Apotheke');
    expect(within(items[0]!).getByTestId('case-message-state')).toHaveTextContent(
      'angenommen von AB am 05.10.2026, 10:00',
    );

    expect(within(items[1]!).getByTestId('case-message-text')).toHaveTextContent('Bestellt bis morgen.');
    expect(within(items[1]!).getByTestId('case-message-availability')).toHaveTextContent('am nächsten Tag');
    expect(within(items[1]!).getByTestId('case-message-state')).toHaveTextContent(
      'gelöscht von AB am 05.10.2026, 10:20',
    );
    expect(within(items[1]!).queryByTestId('reply-delete')).not.toBeInTheDocument();

    expect(items[2]).toHaveTextContent('gesendet am 05.10.2026, 10:10 von MK');
    expect(within(items[2]!).getByTestId('case-message-pickup-code')).toHaveTextContent('K7P3MX');
    expect(within(items[2]!).getByTestId('case-message-availability')).toHaveTextContent('sofort verfügbar');
    expect(within(items[2]!).getByTestId('reply-delete')).toBeEnabled();
  });

  it('„Löschen“ asks first: Abbrechen deletes nothing; confirming deletes that reply and shows main’s thread', async () => {
    const { fake, user, section } = await openCase(
      caseThread({ messages: [requestMessage(), replyMessage()] }),
    );
    await user.click(await within(section).findByTestId('reply-delete'));
    const dialog = screen.getByTestId('reply-delete-dialog');
    expect(dialog).toHaveTextContent(
      'Die Nachricht vom 05.10.2026, 10:10 wird beim E-Rezept-Fachdienst gelöscht',
    );
    await user.click(within(dialog).getByTestId('reply-delete-dialog-cancel'));
    expect(bridgeCall(fake.calls, 'deleteReply')).not.toHaveBeenCalled();

    answerWith(
      fake.calls,
      'deleteReply',
      caseThread({
        messages: [
          requestMessage(),
          replyMessage({ state: 'deleted', handledBy: 'AB', handledAt: '2026-10-05T08:30:00.000Z' }),
        ],
      }),
    );
    await user.click(within(section).getByTestId('reply-delete'));
    await user.click(screen.getByTestId('reply-delete-dialog-confirm'));

    expect(bridgeCall(fake.calls, 'deleteReply')).toHaveBeenCalledWith({ communicationId: 'c-reply-1' });
    await waitFor(() => expect(screen.queryByTestId('reply-delete-dialog')).not.toBeInTheDocument());
    const reply = within(section).getAllByTestId('case-message')[1]!;
    expect(reply).toHaveAttribute('data-state', 'deleted');
    expect(reply).toHaveTextContent('gelöscht von AB am 05.10.2026, 10:30');
  });

  it('keeps the delete dialog open with main’s refusal', async () => {
    const { fake, user, section } = await openCase(caseThread({ messages: [replyMessage()] }));
    refuseOnce(
      fake.calls,
      'deleteReply',
      appError({ message: 'Der E-Rezept-Fachdienst hat das Löschen abgelehnt.' }),
    );
    await user.click(await within(section).findByTestId('reply-delete'));
    await user.click(screen.getByTestId('reply-delete-dialog-confirm'));
    expect(await screen.findByTestId('reply-delete-dialog-error-message')).toHaveTextContent(
      'das Löschen abgelehnt',
    );
  });

  it('says why no reply can be sent, and offers no composer then', async () => {
    const reason =
      'Für dieses Rezept ist keine Versichertennummer bekannt – eine Nachricht kann nicht adressiert werden.';
    const { section } = await openCase(
      caseThread({ messages: [], canReply: false, cannotReplyReason: reason }),
    );
    expect(await within(section).findByTestId('reply-cannot')).toHaveTextContent(reason);
    expect(within(section).getByTestId('case-messages-empty')).toHaveTextContent('noch keine Nachrichten');
    expect(within(section).queryByTestId('reply-composer')).not.toBeInTheDocument();
  });
});

describe('the reply composer (spec §3.11)', () => {
  it('„Liegt zur Abholung bereit“ writes the text with a new 6-character pick-up code, shown as text and as a DataMatrix', async () => {
    const { user } = await openCase();
    const form = await composer();
    expect(within(form).getByTestId('reply-send')).toBeDisabled();
    await user.selectOptions(within(form).getByTestId('reply-template'), 'pickup');

    const code = within(form).getByTestId('reply-pickup-code').textContent ?? '';
    expect(code).toHaveLength(6);
    for (const char of code) expect(PICKUP_CODE_ALPHABET).toContain(char);
    const text = within(form).getByTestId('reply-text');
    expect(text).toHaveValue(
      `Ihr Arzneimittel liegt zur Abholung bereit. Bitte nennen Sie in der Apotheke Ihren Abholcode: ${code}\n\nIhre Löwen-Apotheke am Markt`,
    );
    const canvas = within(form).getByTestId('reply-pickup-datamatrix');
    expect(canvas).toHaveAccessibleName(`Abholcode ${code} als DataMatrix`);
    await waitFor(() => expect(canvas).toHaveAttribute('data-state', 'drawn'));
    expect(toCanvas).toHaveBeenCalledWith(
      canvas,
      expect.objectContaining({ bcid: 'datamatrix', text: code }),
    );
    expect(within(form).getByTestId('reply-availability')).toHaveAttribute('data-availability', '10');
    expect(within(form).getByTestId('reply-send')).toBeEnabled();
  });

  it('a new code replaces the old one in an edited text; sending passes text, code and availability, then the thread shows it', async () => {
    const { fake, user, section } = await openCase();
    const form = await composer();
    await user.selectOptions(within(form).getByTestId('reply-template'), 'pickup');
    const old = within(form).getByTestId('reply-pickup-code').textContent ?? '';
    const text = within(form).getByTestId('reply-text');
    await user.type(text, ' Bis bald!');
    await user.click(within(form).getByTestId('reply-new-code'));
    const code = within(form).getByTestId('reply-pickup-code').textContent ?? '';
    expect(code).not.toBe(old);
    expect(valueOf(text)).toContain(`Abholcode: ${code}`);
    expect(valueOf(text)).not.toContain(old);
    expect(valueOf(text)).toMatch(/Bis bald!$/);
    const sentText = valueOf(text);

    answerWith(
      fake.calls,
      'sendReply',
      caseThread({
        messages: [
          requestMessage(),
          replyMessage({ communicationId: 'c-new', pickUpCode: code, handledBy: 'AB' }),
        ],
      }),
    );
    await user.click(within(form).getByTestId('reply-send'));

    expect(bridgeCall(fake.calls, 'sendReply')).toHaveBeenCalledWith({
      prescriptionId: ids.first,
      text: sentText,
      pickUpCode: code,
      availability: '10',
    });
    expect(await within(form).findByTestId('reply-sent')).toHaveTextContent('Nachricht gesendet.');
    await waitFor(() => expect(within(section).getAllByTestId('case-message')).toHaveLength(2));
    expect(within(form).getByTestId('reply-text')).toHaveValue('');
    expect(within(form).getByTestId('reply-template')).toHaveValue('free');
  });

  it('„Nicht vorrätig, bestellt bis …“ names the day in the text and states tomorrow (30) or later (40)', async () => {
    // the app's "today" is this page's clock until main's answers say otherwise: a fixed day, timers stay real
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-10-05T08:30:00.000Z'));
    const { user } = await openCase();
    const form = await composer();
    await user.selectOptions(within(form).getByTestId('reply-template'), 'ordered');
    const date = within(form).getByTestId('reply-ready-date');
    const text = within(form).getByTestId('reply-text');
    expect(date).toHaveValue('2026-10-06');
    expect(valueOf(text)).toContain('Es liegt voraussichtlich ab 06.10.2026 zur Abholung bereit.');
    expect(within(form).getByTestId('reply-availability')).toHaveAttribute('data-availability', '30');

    await user.clear(date);
    await user.type(date, '2026-10-09');
    expect(valueOf(text)).toContain('ab 09.10.2026');
    expect(within(form).getByTestId('reply-availability')).toHaveTextContent('später als am nächsten Tag');
  });

  it('„Nicht lieferbar“ says the prescription can be redeemed elsewhere and states 90', async () => {
    const { user } = await openCase();
    const form = await composer();
    await user.selectOptions(within(form).getByTestId('reply-template'), 'unavailable');
    expect(valueOf(within(form).getByTestId('reply-text'))).toContain('in einer anderen Apotheke einlösen');
    expect(within(form).getByTestId('reply-send')).toBeEnabled();
    expect(within(form).getByTestId('reply-availability')).toHaveAttribute('data-availability', '90');
    expect(within(form).queryByTestId('reply-pickup-code')).not.toBeInTheDocument();
  });

  it('names refused characters in German and disables sending until they are gone', async () => {
    const { user } = await openCase();
    const form = await composer();
    const text = within(form).getByTestId('reply-text');
    await user.click(text);
    await user.paste('Abholung ab 14 Uhr\u0007\ufeff');

    const problem = within(form).getByTestId('reply-problem');
    expect(problem).toHaveAttribute('data-kind', 'refused');
    expect(problem).toHaveTextContent(
      'Nicht erlaubte Zeichen im Text: Steuerzeichen U+0007, unsichtbares Zeichen U+FEFF (BOM).',
    );
    expect(text).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getByTestId('reply-send')).toBeDisabled();

    await user.click(within(form).getByTestId('reply-remove-refused'));
    expect(text).toHaveValue('Abholung ab 14 Uhr');
    expect(within(form).queryByTestId('reply-problem')).not.toBeInTheDocument();
    expect(within(form).getByTestId('reply-send')).toBeEnabled();
  });

  it('counts the text against the v1 limit of 500 and refuses one character more', async () => {
    const { user } = await openCase();
    const form = await composer();
    const text = within(form).getByTestId('reply-text');
    await user.click(text);
    await user.paste('x'.repeat(500));
    const count = within(form).getByTestId('reply-count');
    expect(count).toHaveTextContent('500 / 500 Zeichen');
    expect(within(form).getByTestId('reply-send')).toBeEnabled();

    await user.type(text, 'y');
    expect(count).toHaveTextContent('501 / 500 Zeichen');
    expect(count).toHaveAttribute('data-over', 'true');
    expect(within(form).getByTestId('reply-problem')).toHaveTextContent(
      'Der Text ist 1 Zeichen zu lang (höchstens 500).',
    );
    expect(within(form).getByTestId('reply-send')).toBeDisabled();
  });

  it('allows 800 characters when the patient wrote in payload v3', async () => {
    const { user } = await openCase(caseThread({ replyVersion: 3 }));
    const form = await composer();
    await user.click(within(form).getByTestId('reply-text'));
    await user.paste('x'.repeat(800));
    expect(within(form).getByTestId('reply-count')).toHaveTextContent('800 / 800 Zeichen');
    expect(within(form).getByTestId('reply-send')).toBeEnabled();
  });

  it('without a Zuweisung the pharmacist chooses the supply option; a failed send shows main’s error', async () => {
    const { fake, user } = await openCase(caseThread({ messages: [], supplyOption: undefined }));
    const form = await composer();
    await user.selectOptions(within(form).getByTestId('reply-supply-option'), 'shipment');
    await user.click(within(form).getByTestId('reply-text'));
    await user.paste('Wir versenden heute.');
    refuseOnce(
      fake.calls,
      'sendReply',
      appError({
        code: 'message-invalid',
        system: 'app',
        httpStatus: undefined,
        message: 'Nicht gesendet: Der Text enthält ein Steuerzeichen.',
      }),
    );
    await user.click(within(form).getByTestId('reply-send'));
    expect(bridgeCall(fake.calls, 'sendReply')).toHaveBeenCalledWith({
      prescriptionId: ids.first,
      text: 'Wir versenden heute.',
      supplyOption: 'shipment',
    });
    expect(await within(form).findByTestId('reply-error')).toHaveTextContent('Nicht gesendet');
    expect(within(form).getByTestId('reply-text')).toHaveValue('Wir versenden heute.');
  });

  it('a pick-up reply asks no supply option: the code means pick-up', async () => {
    const { fake, user } = await openCase(caseThread({ messages: [], supplyOption: undefined }));
    const form = await composer();
    expect(within(form).getByTestId('reply-supply-option')).toBeInTheDocument();
    await user.selectOptions(within(form).getByTestId('reply-template'), 'pickup');
    expect(within(form).queryByTestId('reply-supply-option')).not.toBeInTheDocument();
    const code = within(form).getByTestId('reply-pickup-code').textContent ?? '';
    await user.click(within(form).getByTestId('reply-send'));
    expect(bridgeCall(fake.calls, 'sendReply')).toHaveBeenCalledWith({
      prescriptionId: ids.first,
      text: expect.stringContaining(code),
      pickUpCode: code,
      availability: '10',
    });
  });

  it('without a Kürzel nothing can be sent or deleted, and the composer says why', async () => {
    const { user, section } = await openCase(caseThread({ messages: [replyMessage()] }), {
      appInfo: appInfo({ staff: null }),
    });
    const form = await composer();
    await user.click(within(form).getByTestId('reply-text'));
    await user.paste('Hallo');
    expect(within(form).getByTestId('reply-needs-staff')).toHaveTextContent('zuerst ein Kürzel wählen');
    expect(within(form).getByTestId('reply-send')).toBeDisabled();
    expect(within(section).getByTestId('reply-delete')).toBeDisabled();
  });
});
