import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConnectionDiagnosis } from '../../../../../shared/ipc/contract';
import { createFakeBridge } from '../../../test/fake-bridge';
import { offlineStatus } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

/** What main answers for backend `ti` when the SMC-B's PIN was not entered (main/services/ti-diagnosis.ts). */
const smcbLocked: ConnectionDiagnosis = {
  ok: false,
  at: '2026-10-05T08:30:00.000Z',
  steps: [
    { step: 'konnektor', hop: 'konnektor', state: 'ok', message: 'Der Konnektor antwortet (Dienstverzeichnis mit 5 Diensten gelesen).' },
    {
      step: 'smcb',
      hop: 'smcb',
      state: 'failed',
      message: 'SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben.',
      detail: 'GetPinStatus PIN.SMC: VERIFIABLE',
    },
    { step: 'idp-discovery', hop: 'idp', state: 'skipped' },
    { step: 'sign-in', hop: 'idp', state: 'skipped' },
    { step: 'vau-certificate', hop: 'vau', state: 'skipped' },
    { step: 'fachdienst', hop: 'fachdienst', state: 'skipped' },
  ],
};

async function openPanel(options: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge(options);
  const { user } = renderWithProviders({ bridge: fake.bridge });
  await user.click(await screen.findByTestId('connection-indicator'));
  const panel = await screen.findByTestId('pending-operations');
  return { fake, user, panel };
}

describe('„Verbindung prüfen“ in the panel of pending operations', () => {
  it('walks the hops on request and shows the failed one with its name and what to do; the rest is not checked', async () => {
    const { fake, user, panel } = await openPanel({ diagnosis: smcbLocked, connection: offlineStatus({ failedHop: 'smcb', pendingCount: 1 }) });
    expect(fake.calls.diagnoseConnection).not.toHaveBeenCalled();

    await user.click(within(panel).getByTestId('connection-check-run'));

    const result = await within(panel).findByTestId('connection-check-result');
    expect(result).toHaveAttribute('data-ok', 'false');
    expect(within(result).getByTestId('connection-check-summary')).toHaveTextContent('an einer Station unterbrochen');
    const steps = within(result).getAllByTestId('connection-check-step');
    expect(steps.map((step) => `${step.dataset['step']}:${step.dataset['state']}`)).toEqual([
      'konnektor:ok',
      'smcb:failed',
      'idp-discovery:skipped',
      'sign-in:skipped',
      'vau-certificate:skipped',
      'fachdienst:skipped',
    ]);
    expect(steps[0]).toHaveTextContent('Konnektor erreichbar: in Ordnung');
    expect(steps[1]).toHaveTextContent('SMC-B (Praxisausweis der Apotheke) – SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben.');
    expect(steps[1]).toHaveTextContent('GetPinStatus PIN.SMC: VERIFIABLE');
    expect(steps[4]).toHaveTextContent('nicht geprüft');
    await waitFor(() => expect(fake.calls.diagnoseConnection).toHaveBeenCalledTimes(1));
  });

  it('says everything is fine when every step passed', async () => {
    const { user, panel } = await openPanel({});
    await user.click(within(panel).getByTestId('connection-check-run'));
    const result = await within(panel).findByTestId('connection-check-result');
    expect(result).toHaveAttribute('data-ok', 'true');
    expect(result).toHaveTextContent('Alle Stationen bis zum E-Rezept-Fachdienst sind in Ordnung.');
    expect(within(result).getByTestId('connection-check-step')).toHaveTextContent('E-Rezept-Fachdienst antwortet: in Ordnung');
  });

  it('names the hop the pending operations wait for while the connection is disturbed', async () => {
    const { panel } = await openPanel({ connection: offlineStatus({ failedHop: 'konnektor', pendingCount: 1 }) });
    const hop = await within(panel).findByTestId('pending-connection-hop');
    expect(hop).toHaveAttribute('data-hop', 'konnektor');
    expect(hop).toHaveTextContent('Die Verbindung ist unterbrochen bei: Konnektor');
  });
});
