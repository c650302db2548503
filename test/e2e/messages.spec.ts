/**
 * The patients' messages at the counter (spec erezept-pharmacy §3.11): a patient's app assigns a prescription to the
 * pharmacy (a Zuweisung, sent through the simulator's control API by the Fachdienst's own rules), the pharmacist sees
 * it in „Nachrichten“ (badge), accepts it — the case opens — and answers with a pick-up code, which the patient's app
 * reads back. A reply with a control character is not sent, with the character named.
 */
import { CounterPage } from './kit/counter-page';
import { expect, test } from './kit/fixtures';
import { MessagesPage } from './kit/messages-page';

test('a Zuweisung: the badge counts it, „Annehmen“ opens the case, the pick-up code reaches the patient\'s app', async ({ app, sim, page }) => {
  const assigned = await sim.createPrescription({ flowType: '160' });
  await sim.assignPrescription(assigned.taskId, { supplyOptionsType: 'onPremise', name: 'Erika Mustermann', phone: '030 1234567', hint: 'Komme nach 17 Uhr' });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');

  const messages = new MessagesPage(page);
  await messages.open();
  await messages.refresh();
  await expect(messages.badge).toHaveAttribute('data-count', '1');
  const request = messages.request(assigned.taskId);
  await expect(request).toHaveAttribute('data-state', 'new');
  await expect(request.getByTestId('message-wish-name')).toContainText('Erika Mustermann');
  await expect(request.getByTestId('message-wish-hint')).toContainText('Komme nach 17 Uhr');

  await messages.accept(assigned.taskId);
  await expect(page.getByTestId('prescription-id')).toHaveText(assigned.taskId);
  await expect(messages.badge).toHaveCount(0);
  // the patient's Zuweisung opens the case's thread
  await expect(messages.threadMessages.first()).toHaveAttribute('data-kind', 'dispreq');

  await messages.chooseTemplate('pickup');
  const code = (await messages.pickUpCode.innerText()).trim();
  expect(code).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$/);
  await expect(messages.replyText).toHaveValue(new RegExp(code));
  await messages.send();
  await expect(messages.sent).toBeVisible();
  await expect(messages.thread.locator('[data-testid="case-message"][data-kind="reply"]')).toHaveAttribute('data-state', 'sent');

  // the patient's app reads the answer: the same code, as text and for the DataMatrix, „sofort verfügbar“
  const replies = await sim.repliesOf(assigned.kvnr);
  expect(replies).toHaveLength(1);
  expect(replies[0]?.payload).toMatchObject({ version: 1, supplyOptionsType: 'onPremise', pickUpCodeHR: code, pickUpCodeDMC: code });
  expect(replies[0]?.availability).toBe('10');
});

test('a reply with a control character is not sent: the character is named, and removing it allows sending', async ({ app, sim, page }) => {
  const assigned = await sim.createPrescription({ flowType: '160' });
  await sim.assignPrescription(assigned.taskId, { supplyOptionsType: 'delivery', name: 'Max Mustermann', address: ['Hauptstr. 1', '10115 Berlin'] });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  const messages = new MessagesPage(page);
  await messages.fetchAndAccept(assigned.taskId);
  await expect(page.getByTestId('prescription-id')).toHaveText(assigned.taskId);

  await messages.replyText.fill('Wir liefern heute\u0007 ab 16 Uhr.');
  const refused = messages.problems.and(page.locator('[data-kind="refused"]'));
  await expect(refused).toContainText('U+0007');
  await expect(messages.sendButton).toBeDisabled();
  await messages.composer.getByTestId('reply-remove-refused').click();
  await expect(messages.replyText).toHaveValue('Wir liefern heute ab 16 Uhr.');
  await messages.send();
  await expect(messages.sent).toBeVisible();
  const replies = await sim.repliesOf(assigned.kvnr);
  expect(replies[0]?.payload).toMatchObject({ version: 1, supplyOptionsType: 'delivery', info_text: 'Wir liefern heute ab 16 Uhr.' });
});

test.describe('the deck scenario zuweisung-abholung', () => {
  test.use({ scenario: 'zuweisung-abholung' });

  test('the Zuweisung waits in „Nachrichten“ without a click; the answer shows in the trainer panel\'s patient view', async ({ app, simulator, page }) => {
    await app.openAs('AB');
    const messages = new MessagesPage(page);
    // the app fetched when the scenario was loaded
    await expect(messages.badge).toHaveAttribute('data-count', '1');
    const id = simulator.prescription('Rezept A').prescriptionId;
    await messages.open();
    await messages.accept(id);
    await expect(page.getByTestId('prescription-id')).toHaveText(id);
    await messages.chooseTemplate('pickup');
    const code = (await messages.pickUpCode.innerText()).trim();
    await messages.send();
    await expect(messages.sent).toBeVisible();

    const view = await app.trainer.openPatientView('Rezept A');
    await expect(view.getByTestId('trainer-patient-reply-code')).toContainText(code);
    await expect(view.getByTestId('trainer-patient-reply-datamatrix')).toBeVisible();
  });
});
