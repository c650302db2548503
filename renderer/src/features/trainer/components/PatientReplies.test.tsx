import { act, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrainerPatientReply } from '../../../../../shared/ipc/contract';
import { createFakeBridge, type FakeBridgeOptions } from '../../../test/fake-bridge';
import { appError, ids } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { insurantView, loadedScenario } from '../../../test/trainer-fixtures';

// jsdom has no canvas: bwip-js's drawing is replaced, and what it was asked to draw is checked instead.
const { toCanvas } = vi.hoisted(() => ({
  toCanvas: vi.fn((canvas: HTMLCanvasElement, _options: { bcid: string; text: string }) => canvas),
}));
vi.mock('bwip-js/browser', () => ({ toCanvas }));

afterEach(() => {
  toCanvas.mockClear();
});

const pickUpReply: TrainerPatientReply = {
  id: 'reply-1',
  sent: '2026-10-05T08:10:00.000Z',
  received: '2026-10-05T08:12:00.000Z',
  text: 'Ihr Arzneimittel liegt zur Abholung bereit.\n\nIhre Löwen-Apotheke',
  pickUpCodeHR: 'K7M2QX',
  pickUpCodeDMC: 'K7M2QX',
  availability: '10',
  supplyOption: 'onPremise',
};

/** The trainer panel with the loaded scenario's Rezept A and its patient view open. */
async function openPatientView(options: FakeBridgeOptions = {}, prepare?: (fake: ReturnType<typeof createFakeBridge>) => void) {
  const fake = createFakeBridge({ currentScenario: loadedScenario(), insurantViews: [insurantView()], ...options });
  prepare?.(fake);
  const { user } = renderWithProviders({ bridge: fake.bridge });
  await user.click(await screen.findByTestId('trainer-open'));
  const card = await within(await screen.findByTestId('trainer-panel')).findByTestId('training-prescription');
  await user.click(within(card).getByTestId('patient-view-open'));
  const section = await within(card).findByTestId('trainer-patient-replies');
  return { fake, user, section };
}

describe('„Nachrichten an den Patienten (E-Rezept-App)“ in the patient view (spec §3.11)', () => {
  it('says so when the patient has no message yet, and shows a reply once messages-changed arrives', async () => {
    const { fake, section } = await openPatientView();
    expect(section).toHaveAccessibleName('Nachrichten an den Patienten (E-Rezept-App)');
    expect(await within(section).findByTestId('trainer-patient-replies-empty')).toHaveTextContent(
      'Der Patient hat zu diesem Rezept noch keine Nachricht einer Apotheke.',
    );
    expect(fake.calls.trainerPatientReplies).toHaveBeenCalledWith({ prescriptionId: ids.first });

    // the pharmacist answers the Zuweisung at the counter: main says so with messages-changed
    fake.setPatientReplies(ids.first, [pickUpReply]);
    act(() => fake.emit({ type: 'messages-changed' }));
    const reply = await within(section).findByTestId('trainer-patient-reply');
    expect(within(section).queryByTestId('trainer-patient-replies-empty')).not.toBeInTheDocument();
    expect(reply).toHaveAttribute('data-read', 'true');
    expect(within(reply).getByTestId('trainer-patient-reply-text')).toHaveTextContent('Ihr Arzneimittel liegt zur Abholung bereit.');
    expect(reply).toHaveTextContent('Gesendet am 05.10.2026, 10:10');
    expect(within(reply).getByTestId('trainer-patient-reply-read')).toHaveTextContent('gelesen am 05.10.2026, 10:12');
    expect(within(reply).getByTestId('trainer-patient-reply-code')).toHaveTextContent('K7M2QX');
    expect(within(reply).getByTestId('trainer-patient-reply-availability')).toHaveTextContent('sofort verfügbar');
    expect(within(reply).getByTestId('trainer-patient-reply-supply-option')).toHaveTextContent('Abholung in der Apotheke');
    const canvas = within(reply).getByTestId('trainer-patient-reply-datamatrix');
    expect(canvas).toHaveAccessibleName('Abholcode K7M2QX als DataMatrix');
    await waitFor(() => expect(canvas).toHaveAttribute('data-state', 'drawn'));
    expect(toCanvas).toHaveBeenCalledWith(canvas, expect.objectContaining({ bcid: 'datamatrix', text: 'K7M2QX' }));
  });

  it('an unread reply without code or availability: „noch nicht gelesen“, no DataMatrix; „Aktualisieren“ asks again', async () => {
    const { fake, user, section } = await openPatientView({
      patientReplies: { [ids.first]: [{ id: 'reply-2', sent: '2026-10-05T08:20:00.000Z', text: '' }] },
    });
    const reply = await within(section).findByTestId('trainer-patient-reply');
    expect(reply).toHaveAttribute('data-read', 'false');
    expect(within(reply).getByTestId('trainer-patient-reply-read')).toHaveTextContent('noch nicht gelesen');
    expect(within(reply).getByTestId('trainer-patient-reply-text')).toHaveTextContent('(ohne Text)');
    expect(within(reply).queryByTestId('trainer-patient-reply-code')).not.toBeInTheDocument();
    expect(within(reply).queryByTestId('trainer-patient-reply-availability')).not.toBeInTheDocument();
    expect(within(reply).queryByTestId('trainer-patient-reply-datamatrix')).not.toBeInTheDocument();

    const calls = fake.calls.trainerPatientReplies.mock.calls.length;
    await user.click(screen.getByTestId('insurant-view-refresh'));
    await waitFor(() => expect(fake.calls.trainerPatientReplies.mock.calls.length).toBe(calls + 1));
  });

  it('shows main’s refusal with the ErrorAlert; the rest of the patient view stays', async () => {
    const { section } = await openPatientView({}, (fake) =>
      fake.calls.trainerPatientReplies.mockResolvedValueOnce({
        ok: false,
        error: appError({
          code: 'simulator',
          message: 'Der Simulator hat das Lesen der Nachrichten an den Patienten abgelehnt (HTTP 400).',
          system: 'fachdienst',
          httpStatus: 400,
        }),
        // the fake's vi.fn is typed by its own answers; the contract allows any AppError
      } as never),
    );
    expect(await within(section).findByTestId('trainer-patient-replies-error-message')).toHaveTextContent(
      'Der Simulator hat das Lesen der Nachrichten an den Patienten abgelehnt (HTTP 400).',
    );
    expect(await screen.findByTestId('insurant-view-status')).toBeInTheDocument();
  });
});
