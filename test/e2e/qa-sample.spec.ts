/**
 * Sample specs for QA, written only against the kit (test/e2e/kit/, docs/qa.md): no raw selectors, no direct HTTP.
 * docs/qa.md quotes them as its examples — change both together.
 */
import { expect, test } from './kit/fixtures';

test.describe('korrektur-nach-abgabe', () => {
  test.use({ scenario: 'korrektur-nach-abgabe' });

  test('a corrected list replaces the first one for the patient; after closing, the receipt says TRAINING', async ({ app, simulator }) => {
    const rezeptA = simulator.prescription('Rezept A');
    await app.openAs('AB');
    await expect(app.counter.trainingBanner).toBeVisible();

    // scan the patient's code: the case opens
    await app.counter.scan(rezeptA.dataMatrix);
    await expect(app.prescription.prescriptionId).toHaveText(rezeptA.prescriptionId);

    // the scenario's two deliberate mistakes: 2 packs instead of 1, a batch with transposed digits
    await app.editor.field(0, 'packs').fill('2');
    await app.editor.field(0, 'batch').fill('CH-2143');
    await app.editor.field(0, 'expiry').fill('2028-03-31');
    // 2 packs for 1 prescribed: more than prescribed needs a reason (docs/checks.md) — nothing is sent without one
    await expect(app.editor.finding(0, 'PH_QUANTITY_MORE')).toHaveAttribute('data-state', 'needs-reason');
    await app.editor.submit();
    await expect(app.editor.refused).toContainText('Nicht gesendet');
    // the scenario's step: for the exercise the trainee confirms it with a reason and sends again
    await app.editor.confirmDeviation(0, 'PH_QUANTITY_MORE', 'Übung: zwei Packungen');
    await app.editor.submit();
    await expect(app.editor.confirmation).toBeVisible();

    // the patient's app shows what was sent
    await app.trainer.openPatientView('Rezept A');
    const dispenses = app.trainer.patientViewDispenses('Rezept A');
    await expect(dispenses).toHaveCount(1);
    await expect(dispenses).toContainText('Charge CH-2143');

    // correct and send the whole list again (spec §3.4: it replaces the first)
    await app.editor.field(0, 'packs').fill('1');
    await app.editor.field(0, 'batch').fill('CH-1234');
    await expect(app.editor.unsentChanges).toBeVisible();
    await expect(app.editor.diff).toContainText('CH-1234');
    await app.editor.submit();
    await expect(app.editor.version(2)).toHaveAttribute('data-state', 'confirmed');

    // the patient's view follows: only the corrected dispense, nothing twice
    await app.trainer.refreshPatientView('Rezept A');
    await expect(dispenses).toHaveCount(1);
    await expect(dispenses).toContainText('Charge CH-1234');
    await expect(dispenses).not.toContainText('CH-2143');

    // close: the receipt is marked as training, the list is locked
    await app.editor.close();
    await expect(app.receipt.root).toBeVisible();
    await expect(app.receipt.trainingMark).toHaveText('TRAINING – keine echte Quittung');
    await expect(app.editor.locked).toBeVisible();
    await app.trainer.waitForPatientViewStatus('Rezept A', 'completed');
  });
});

test.describe('lost answer of $close', () => {
  test.use({
    scenario: 'standard-gkv-pzn',
    // milliseconds, so that no expectation waits longer than 5 s for the app
    network: { requestTimeoutMs: 2_000, retryBaseMs: 300, retryMaxDelayMs: 600, maxAttempts: 3, probeIntervalMs: 250 },
  });

  test('the Fachdienst closes but the answer is cut off: the app finds the receipt anyway', async ({ app, simulator }) => {
    const rezeptA = simulator.prescription('Rezept A');
    await app.openAs('AB');
    await app.counter.scan(rezeptA.dataMatrix);
    await app.editor.field(0, 'batch').fill('LOST-1');
    await app.editor.field(0, 'expiry').fill('2028-03-31');

    // the next $close is carried out and stored, then the connection is cut before the answer
    await simulator.dropAnswer('close');
    await app.editor.close();
    await expect(app.receipt.root).toBeVisible();
    await expect(app.receipt.prescriptionId).toHaveText(rezeptA.prescriptionId);
    expect(await simulator.armedFaults(), 'the fault was used up').toEqual([]);

    // „Ausstehende Vorgänge“ says what happened
    await app.connection.open();
    const row = app.connection.rowsFor(rezeptA.prescriptionId, { operation: 'close', state: 'done' });
    await expect(row).toHaveCount(1);
    await expect(app.connection.message(row)).toContainText('nur die Antwort war verloren gegangen');
  });
});
