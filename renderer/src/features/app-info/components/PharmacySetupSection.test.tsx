import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../../../test/fake-bridge';
import { appInfo } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render-app';

async function openSetup(fake: ReturnType<typeof createFakeBridge>) {
  const rendered = renderWithProviders({ bridge: fake.bridge });
  await rendered.user.click(await screen.findByTestId('app-settings-open'));
  const section = await within(screen.getByTestId('app-settings')).findByTestId('pharmacy-setup');
  await within(section).findAllByTestId('setup-staff-row');
  return { ...rendered, section };
}

describe('„Apotheke & Personal“ in the settings (issue 18)', () => {
  it('edits, deactivates and adds staff and names the counter; the header and the staff switch follow without a restart', async () => {
    const fake = createFakeBridge();
    const { user, section } = await openSetup(fake);
    const rows = within(section).getAllByTestId('setup-staff-row');
    expect(rows.map((r) => r.dataset['kuerzel'])).toEqual(['AB', 'MK']);
    // a saved member keeps their Kürzel (the history names them by it) and cannot be removed, only deactivated
    expect(within(rows[0]!).getByTestId('setup-staff-kuerzel')).toHaveAttribute('readonly');
    expect(within(section).queryByTestId('setup-staff-remove')).toBeNull();

    const anna = within(rows[0]!).getByTestId('setup-staff-name');
    await user.clear(anna);
    await user.type(anna, 'Anna Berger-Roth');
    await user.click(within(rows[1]!).getByTestId('setup-staff-active'));
    await user.click(within(section).getByTestId('setup-staff-add'));
    const added = within(section).getAllByTestId('setup-staff-row')[2]!;
    await user.type(within(added).getByTestId('setup-staff-kuerzel'), 'ef');
    await user.type(within(added).getByTestId('setup-staff-name'), 'Eva Fischer');
    await user.type(within(section).getByTestId('setup-counter-name'), 'Kasse 2');
    await user.click(within(section).getByTestId('setup-save'));

    expect(await within(section).findByTestId('setup-saved')).toHaveTextContent('ohne Neustart');
    expect(fake.calls.savePharmacySetup).toHaveBeenCalledWith({
      staff: [
        { kuerzel: 'AB', name: 'Anna Berger-Roth', active: true },
        { kuerzel: 'MK', name: 'Maria Keller', active: false },
        { kuerzel: 'ef', name: 'Eva Fischer', active: true },
      ],
      counterName: 'Kasse 2',
      pharmacy: { name: 'Löwen-Apotheke am Markt', telematikId: '3-SMC-B-Testkarte-883110000095957' },
    });
    // the saved row is now main's: capitals, fixed Kürzel
    expect(within(section).getAllByTestId('setup-staff-row').map((r) => r.dataset['kuerzel'])).toEqual(['AB', 'MK', 'EF']);
    expect(await screen.findByTestId('counter-name')).toHaveTextContent('Kasse 2');
    const staffSwitch = screen.getByTestId('staff-switch');
    await waitFor(() =>
      expect(within(staffSwitch).getAllByRole('option').map((o) => o.textContent)).toEqual(['— Kürzel wählen —', 'AB – Anna Berger-Roth', 'EF – Eva Fischer']),
    );
  });

  it('shows main\'s German problems at their fields and keeps the form as typed', async () => {
    const fake = createFakeBridge({
      savePharmacySetup: () => ({
        saved: false,
        setup: { staff: [], counterName: '', pharmacy: { name: 'x', telematikId: '3-x' }, pharmacySource: 'settings' },
        problems: [
          { field: 'staff.2.kuerzel', message: 'Das Kürzel „AB“ steht schon in Zeile 1 – jedes Kürzel gehört zu genau einer Person.' },
          { field: 'pharmacy.telematikId', message: 'Die Telematik-ID einer Apotheke beginnt mit „3-“ (oder „9-“).' },
          { field: 'staff', message: 'Mindestens eine Person muss aktiv sein – sonst kann niemand am HV-Tisch arbeiten.' },
        ],
      }),
    });
    const { user, section } = await openSetup(fake);
    await user.click(within(section).getByTestId('setup-staff-add'));
    const added = within(section).getAllByTestId('setup-staff-row')[2]!;
    await user.type(within(added).getByTestId('setup-staff-kuerzel'), 'ab');
    const telematikId = within(section).getByTestId('setup-telematik-id');
    await user.clear(telematikId);
    await user.type(telematikId, '1-123');
    await user.click(within(section).getByTestId('setup-save'));

    const problems = await within(section).findAllByTestId('setup-problem');
    expect(problems.map((p) => p.dataset['field'])).toEqual(['staff', 'staff.2.kuerzel', 'pharmacy.telematikId']);
    expect(within(added).getByTestId('setup-problem')).toHaveTextContent('steht schon in Zeile 1');
    expect(within(added).getByTestId('setup-staff-kuerzel')).toHaveAttribute('aria-invalid', 'true');
    expect(telematikId).toHaveAttribute('aria-invalid', 'true');
    expect(telematikId).toHaveValue('1-123');
    expect(within(section).queryByTestId('setup-saved')).toBeNull();
    // a row not saved yet may go again; that also clears the problems that named rows by position
    await user.click(within(added).getByTestId('setup-staff-remove'));
    expect(within(section).getAllByTestId('setup-staff-row')).toHaveLength(2);
    expect(within(section).queryAllByTestId('setup-problem')).toEqual([]);
  });

  it('over the TI the pharmacy comes from the SMC-B: shown read-only and not sent', async () => {
    const fake = createFakeBridge({ appInfo: appInfo({ backend: 'ti', training: false, counterName: 'Kasse 1' }) });
    const { user, section } = await openSetup(fake);
    expect(screen.getByTestId('counter-name')).toHaveTextContent('Kasse 1');
    expect(within(section).getByTestId('setup-pharmacy-name')).toHaveAttribute('readonly');
    expect(within(section).getByTestId('setup-telematik-id')).toHaveAttribute('readonly');
    expect(within(section).getByTestId('setup-pharmacy-source')).toHaveTextContent('von der SMC-B');
    expect(within(section).getByTestId('setup-counter-name')).toHaveValue('Kasse 1');
    await user.click(within(section).getByTestId('setup-save'));
    expect(await within(section).findByTestId('setup-saved')).toBeInTheDocument();
    expect(fake.calls.savePharmacySetup).toHaveBeenCalledWith(expect.not.objectContaining({ pharmacy: expect.anything() }));
  });
});
