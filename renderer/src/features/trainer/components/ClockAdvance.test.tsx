import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ErxBridge } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appError } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';
import { loadedScenario } from '../../../test/trainer-fixtures';

// jsdom has no canvas: the prescription cards' codes are not drawn here.
vi.mock('bwip-js/browser', () => ({ toCanvas: vi.fn((canvas: HTMLCanvasElement) => canvas) }));

type AdvanceAnswer = Awaited<ReturnType<ErxBridge['trainerAdvanceClock']>>;

/** The app with a scenario loaded and the trainer panel open; main answers `trainerAdvanceClock` with `answer`. */
async function panelWithScenario(answer: (duration: string) => AdvanceAnswer) {
  const fake = createFakeBridge({ currentScenario: loadedScenario({ now: '2026-10-05T08:00:00.000Z' }) });
  const trainerAdvanceClock = vi.fn(async ({ duration }: { duration: string }) => answer(duration));
  const bridge: ErxBridge = { ...fake.bridge, trainerAdvanceClock };
  const rendered = renderWithProviders({ bridge });
  await rendered.user.click(await screen.findByTestId('trainer-open'));
  const loaded = await screen.findByTestId('loaded-scenario');
  return { ...rendered, fake, loaded, trainerAdvanceClock };
}

describe('„Simulatorzeit +1 Stunde“ (the 429 scenario waits an hour, A_25460)', () => {
  it('moves the simulated time by PT1H, shows main’s new time and reloads cases and the connection', async () => {
    const { user, fake, loaded, trainerAdvanceClock } = await panelWithScenario(() => ({
      ok: true,
      data: { now: '2026-10-05T09:00:05.000Z' },
    }));
    const button = within(loaded).getByTestId('trainer-clock-hour');
    expect(button).toHaveTextContent('Simulatorzeit +1 Stunde');
    await waitFor(() => expect(fake.calls.listCases).toHaveBeenCalled());
    const casesBefore = fake.calls.listCases.mock.calls.length;
    const connectionBefore = fake.calls.getConnection.mock.calls.length;

    await user.click(button);

    expect(trainerAdvanceClock).toHaveBeenCalledTimes(1);
    expect(trainerAdvanceClock).toHaveBeenCalledWith({ duration: 'PT1H' });
    // 09:00:05 UTC is 11:00 in Berlin (summer time): the trainer reads the counter's time (A_27660)
    expect(await within(loaded).findByTestId('trainer-clock-now')).toHaveTextContent(
      'Simulatorzeit jetzt: 05.10.2026, 11:00',
    );
    // a 429 wait now over, or a deadline passed, shows without waiting for main's event
    await waitFor(() => expect(fake.calls.listCases.mock.calls.length).toBeGreaterThan(casesBefore));
    await waitFor(() => expect(fake.calls.getConnection.mock.calls.length).toBeGreaterThan(connectionBefore));
  });

  it('shows main’s refusal as an alert and can be pressed again', async () => {
    const { user, loaded, trainerAdvanceClock } = await panelWithScenario(() => ({
      ok: false,
      error: appError({ code: 'state', message: 'Nur im Trainingsmodus verfügbar.' }),
    }));
    await user.click(within(loaded).getByTestId('trainer-clock-hour'));

    const alert = await within(loaded).findByTestId('trainer-clock-error');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('Nur im Trainingsmodus verfügbar.');
    expect(within(loaded).queryByTestId('trainer-clock-now')).not.toBeInTheDocument();
    expect(within(loaded).getByTestId('trainer-clock-hour')).toBeEnabled();
    await user.click(within(loaded).getByTestId('trainer-clock-hour'));
    expect(trainerAdvanceClock).toHaveBeenCalledTimes(2);
  });

  it('is not there before a scenario is loaded', async () => {
    const { user } = renderWithProviders({ bridge: createFakeBridge().bridge });
    await user.click(await screen.findByTestId('trainer-open'));
    await screen.findByTestId('trainer-no-scenario');
    expect(screen.queryByTestId('trainer-clock-hour')).not.toBeInTheDocument();
  });
});
