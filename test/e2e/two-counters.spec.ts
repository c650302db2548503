/**
 * Two counters, one pharmacy, in the browser (issue 18 item 9, docs/multi-counter.md §3, §4, §7): two browser-mode
 * apps with their own data folders on ONE throwaway PostgreSQL and ONE simulator process, each in its own page.
 * Counter 1 accepts; counter 2's inbox shows the case without a reload (LISTEN → case-changed, §3); counter 2 sees who
 * holds it and cannot send; counter 2 takes it over after the confirmation and counter 1's open case says so; counter
 * 2 sends the dispense and counter 1 sees the new status. Every step waits on what the pages show, never on time.
 *
 * Needs `npm run build` and the Debian package `postgresql` (kit/shared-pharmacy.ts).
 */
import { expect, test } from './kit/shared-pharmacy';

/**
 * §4: an open case's hold is renewed every 20 s (renderer/src/api/leases/lease-query.ts). A change of holder reaches
 * the other counter on its change event at once; should that be missed, the next renewal shows it — so that is the
 * longest a page may take, plus the way through a loaded machine.
 */
const HOLDER_CHANGE_MS = 20_000 + 10_000;

test('counter 1 accepts, counter 2 sees the case and its holder, takes it over and sends; counter 1 follows', async ({
  pharmacy,
}) => {
  // a cluster, a simulator and two app processes start first; each wait below has its own bound
  test.setTimeout(240_000);
  const kasse1 = await pharmacy.counter({ name: 'Kasse 1', kuerzel: 'AB' });
  const kasse2 = await pharmacy.counter({ name: 'Kasse 2', kuerzel: 'CD' });
  await kasse2.inbox.show();
  const created = await pharmacy.sim.createPrescription({ flowType: '160' });
  await expect(kasse2.inbox.row(created.taskId)).toHaveCount(0);

  // counter 1 scans and holds the open case
  await kasse1.counter.scan(created.dataMatrix);
  await expect(kasse1.prescription.prescriptionId).toHaveText(created.taskId);
  await expect(kasse1.prescription.caseView).toHaveAttribute('data-lease', 'mine');
  await expect(kasse1.prescription.leaseBanner).toHaveCount(0);

  // counter 2's inbox shows it without a reload; opened there, it names counter 1 and is read-only
  await expect(kasse2.inbox.row(created.taskId)).toBeVisible();
  await kasse2.inbox.open(created.taskId);
  await expect(kasse2.prescription.caseView).toHaveAttribute('data-lease', 'other');
  expect(await kasse2.prescription.lease()).toEqual({ counter: 'Kasse 1', staff: 'AB', busy: false });
  await expect(kasse2.prescription.leaseBanner).toContainText('Wird an Kasse 1 von AB bearbeitet');
  await expect(kasse2.editor.submitButton).toBeDisabled();
  await expect(kasse2.editor.closeButton).toBeDisabled();
  await expect(kasse2.prescription.patientName).toHaveText(await kasse1.prescription.patientName.innerText());

  // counter 2 takes it over after the confirmation; counter 1's open case names counter 2 and locks
  await kasse2.prescription.takeOver();
  await expect(kasse2.editor.submitButton).toBeEnabled();
  await expect(kasse1.prescription.leaseBanner).toHaveAttribute('data-counter', 'Kasse 2', {
    timeout: HOLDER_CHANGE_MS,
  });
  expect(await kasse1.prescription.lease()).toEqual({ counter: 'Kasse 2', staff: 'CD', busy: false });
  await expect(kasse1.prescription.caseView).toHaveAttribute('data-lease', 'other');
  await expect(kasse1.editor.submitButton).toBeDisabled();
  await expect(kasse1.editor.closeButton).toBeDisabled();

  // counter 2 sends the dispense; counter 1 sees the new status on its open case
  await kasse2.editor.field(0, 'batch').fill('K2-2026');
  await kasse2.editor.field(0, 'expiry').fill('2028-03-31');
  await kasse2.editor.submit();
  await expect(kasse2.editor.confirmation).toBeVisible();
  await expect(kasse2.prescription.status).toHaveAttribute('data-status', 'dispensed');
  await expect(kasse1.prescription.status).toHaveAttribute('data-status', 'dispensed', {
    timeout: HOLDER_CHANGE_MS,
  });
  await expect(kasse1.editor.field(0, 'batch')).toHaveValue('K2-2026');
  // sent once, by counter 2 alone
  expect(
    pharmacy.fachdienst
      .requests()
      .filter((line) => line.startsWith(`POST /Task/${created.taskId}/$dispense → `)),
  ).toEqual([`POST /Task/${created.taskId}/$dispense → 204`]);
});
