/**
 * The TI simulation end to end (docs/ti.md): browser mode with `--backend ti` against a simulator started with
 * `--ti` — every pharmacy call goes through the Konnektor (SMC-B signs the IDP challenge), the IDP and the VAU;
 * the simulator refuses a pharmacy's plain FHIR call with 403, so a working story proves the chain. Then one test
 * per fault of the new hops, as the pharmacist meets it.
 */
import type { Page } from '@playwright/test';
import { ConnectionPanel } from './kit/connection-panel';
import { CounterPage } from './kit/counter-page';
import { EditorPage } from './kit/editor-page';
import { EgkPage } from './kit/egk-page';
import { expect, test } from './kit/fixtures';
import { MessagesPage } from './kit/messages-page';
import type { SimulatorHandle } from './kit/simulator';

test.use({ tiSimulation: true });

const CARD_PHARMACY = 'Apotheke Adelheid Ulmendorfer TEST-ONLY';
const CARD_TELEMATIK_ID = '3-01.2.2023001.16.101';

async function tiControl(sim: SimulatorHandle, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${sim.url}/_sim/ti/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, `POST /_sim/ti/${path}`).toBeLessThan(300);
}

/**
 * The app keeps its access token for up to 300 s (spec ti-transport §2.7): a fault of the sign-in only shows once
 * a new sign-in is due. Moving the simulator's clock — which the app follows in training — makes it due.
 */
async function signInDue(sim: SimulatorHandle): Promise<void> {
  await sim.clock({ advance: 'PT4M' });
}

async function scanNew(page: Page, appUrl: string, sim: SimulatorHandle) {
  const created = await sim.createPrescription({ flowType: '160' });
  const counter = new CounterPage(page);
  await counter.open(appUrl);
  await counter.chooseStaff('AB');
  await counter.scan(created.dataMatrix);
  return { created, counter };
}

test('the dispense story over Konnektor, IDP and VAU: scan → $accept → $dispense → correction → $close → receipt', async ({ app, sim, page }) => {
  const { created, counter } = await scanNew(page, app.appUrl, sim);
  await expect(counter.trainingBanner).toHaveText('TRAINING – TI-Simulation, keine echten Rezepte');
  await expect(counter.trainingBanner).toHaveAttribute('data-backend', 'ti-simulation');
  const editor = new EditorPage(page);
  await expect(page.getByTestId('prescription-id')).toHaveText(created.taskId);
  // the pharmacy is the SMC-B's: the IDP took its name and Telematik-ID from the card certificate
  await expect(page.getByTestId('pharmacy-name')).toContainText(CARD_PHARMACY);
  // the IDP's consent from that first sign-in, shown once
  const consent = page.getByTestId('idp-consent');
  await expect(consent.locator('[data-testid="idp-consent-item"][data-name="organizationName"]')).toBeVisible();
  await consent.getByTestId('idp-consent-acknowledge').click();
  await expect(consent).toHaveCount(0);

  await expect(editor.field(0, 'pzn')).not.toHaveValue('');
  await editor.field(0, 'batch').fill('TI-FIRST-1');
  await editor.field(0, 'expiry').fill('2028-03-31');
  await editor.submit();
  await expect(editor.confirmation).toBeVisible();
  expect(await sim.storedDispenses(created.taskId, created.kvnr)).toMatchObject([{ lot: 'TI-FIRST-1' }]);

  // the correction resubmits the complete list through the VAU; the Fachdienst keeps only the corrected one
  await editor.field(0, 'batch').fill('TI-SECOND-2');
  await editor.submit();
  await expect(editor.version(2)).toHaveAttribute('data-state', 'confirmed');
  expect(await sim.storedDispenses(created.taskId, created.kvnr)).toMatchObject([{ lot: 'TI-SECOND-2' }]);

  await counter.closeCase();
  await expect(counter.receipt).toBeVisible();
  await expect(counter.receipt).toContainText(created.taskId);
  // the Task belongs to the card's pharmacy: its Secret reads back through the kit's VAU helper, not plain
  expect(await sim.secretOf(created.taskId, created.accessCode, CARD_TELEMATIK_ID)).toMatch(/^[0-9a-f]{64}$/);
});

test('an undecryptable request (VAU fault) is sent once more with a fresh certificate: the pharmacist sees nothing', async ({ app, sim, page }) => {
  await tiControl(sim, 'faults', { kind: 'decryption-error' });
  const { created } = await scanNew(page, app.appUrl, sim);
  await expect(page.getByTestId('prescription-id')).toHaveText(created.taskId);
});

test('an expired token (VAU fault) is renewed with a new sign-in and the call repeated once', async ({ app, sim, page }) => {
  await tiControl(sim, 'faults', { kind: 'expired-token' });
  const { created } = await scanNew(page, app.appUrl, sim);
  await expect(page.getByTestId('prescription-id')).toHaveText(created.taskId);
});

test('an answer with another request id (VAU fault) is an unknown outcome: the app reads back through the VAU and opens the claimed case', async ({ app, sim, page }) => {
  await tiControl(sim, 'faults', { kind: 'wrong-request-id' });
  const { created } = await scanNew(page, app.appUrl, sim);
  // the $accept was carried out; GET ?ac (docs/reliability.md) shows the Task is ours and brings the Secret
  await expect(page.getByTestId('prescription-id')).toHaveText(created.taskId);
  expect(await sim.secretOf(created.taskId, created.accessCode, CARD_TELEMATIK_ID)).toMatch(/^[0-9a-f]{64}$/);
});

test('the IDP fails (fault): the pharmacist reads that the Identity Provider refused, and nothing was sent', async ({ app, sim, page }) => {
  await tiControl(sim, 'faults', { kind: 'idp-error' });
  await signInDue(sim);
  const { counter } = await scanNew(page, app.appUrl, sim);
  await expect(counter.alert.first()).toContainText('Identity Provider');
  await expect(counter.alert.first()).toContainText('Es wurde nichts an den E-Rezept-Fachdienst gesendet');
});

test('the Konnektor is down: the pharmacist reads that the Konnektor cannot be reached', async ({ app, sim, page }) => {
  await tiControl(sim, 'konnektor/down', { down: true });
  await signInDue(sim);
  const { counter } = await scanNew(page, app.appUrl, sim);
  await expect(counter.alert.first()).toContainText('Konnektor');
  // the connection indicator names the hop (A_23814)
  await expect(page.getByTestId('connection-notice')).toHaveAttribute('data-hop', 'konnektor');
  await expect(page.getByTestId('connection-notice-hop')).toContainText('Konnektor');
});

test('the SMC-B is not unlocked: „SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben“', async ({ app, sim, page }) => {
  await tiControl(sim, 'konnektor/pin', { iccsn: '80276001011699902301', verified: false });
  await signInDue(sim);
  const { counter } = await scanNew(page, app.appUrl, sim);
  await expect(counter.alert.first()).toContainText('SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben');
});

test('„Verbindung prüfen“ walks Konnektor, SMC-B, IDP, sign-in, VAU and Fachdienst; a locked SMC-B is named with what to do', async ({ app, sim, page }) => {
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  const connection = new ConnectionPanel(page);
  expect(await connection.checkConnection()).toEqual(['konnektor:ok', 'smcb:ok', 'idp-discovery:ok', 'sign-in:ok', 'vau-certificate:ok', 'fachdienst:ok']);
  await expect(connection.checkStep('smcb')).toContainText(CARD_PHARMACY);

  await tiControl(sim, 'konnektor/pin', { iccsn: '80276001011699902301', verified: false });
  expect(await connection.checkConnection()).toEqual(['konnektor:ok', 'smcb:failed', 'idp-discovery:skipped', 'sign-in:skipped', 'vau-certificate:skipped', 'fachdienst:skipped']);
  await expect(connection.checkStep('smcb')).toHaveAttribute('data-hop', 'smcb');
  await expect(connection.checkStep('smcb')).toContainText('SMC-B nicht freigeschaltet – bitte PIN am Kartenterminal eingeben');
});

test('two SMC-Bs in the Konnektor: the pharmacist is asked to choose, picks one in „TI-Anbindung“, and the next scan signs in with it', async ({ app, sim, page }) => {
  // The app chose the one card at start (its background sign-in for the messages) and keeps it while it stays
  // inserted. Pulled and put back beside a second one, its handle is void: the next sign-in chooses afresh, among two.
  await tiControl(sim, 'konnektor/cards', { iccsns: [] });
  await tiControl(sim, 'konnektor/cards', { iccsns: ['80276001011699902301', '80276001011699902302'] });
  await signInDue(sim);
  const { created, counter } = await scanNew(page, app.appUrl, sim);
  await expect(counter.alert.first()).toContainText('Mehrere SMC-B gefunden – bitte in den Einstellungen eine auswählen.');

  await page.getByTestId('app-settings-open').click();
  const ti = page.getByTestId('ti-settings');
  await expect(ti.getByTestId('ti-addresses-from-start')).toBeVisible();
  await ti.getByTestId('ti-smcb-list').click();
  await expect(ti.getByTestId('ti-smcb-card')).toHaveCount(2);
  await ti.locator('[data-testid="ti-smcb-card"][data-iccsn="80276001011699902302"]').getByTestId('ti-smcb-choose').click();
  await expect(ti.getByTestId('ti-smcbIccsn')).toHaveValue('80276001011699902302');
  await ti.getByTestId('ti-settings-save').click();
  await expect(ti.getByTestId('ti-settings-saved')).toBeVisible();
  await page.getByTestId('app-settings-close').click();

  await counter.scan(created.dataMatrix);
  await expect(page.getByTestId('prescription-id')).toHaveText(created.taskId);
  await expect(page.getByTestId('pharmacy-name')).toContainText('Apotheke Bernd Ulmendorfer TEST-ONLY');
});

test('the eGK path over the TI: the card read through the Konnektor, the list and the claim through the VAU', async ({ app, sim, page }) => {
  const first = await sim.createPrescription({ flowType: '160' });
  const second = await sim.createPrescription({ flowType: '160', kvnr: first.kvnr });
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  await sim.insertEgk(first.kvnr);
  const egk = new EgkPage(page);
  await egk.open();
  await expect(egk.prescriptions).toHaveCount(2);
  await egk.untick(second.taskId);
  await egk.accept();
  await expect(page.getByTestId('prescription-id')).toHaveText(first.taskId);
  expect(await sim.secretOf(first.taskId, first.accessCode, CARD_TELEMATIK_ID)).toMatch(/^[0-9a-f]{64}$/);
  expect(await sim.secretOf(second.taskId, second.accessCode, CARD_TELEMATIK_ID)).toBeUndefined();
});

test('the patients\' messages over the TI: a Zuweisung fetched, accepted and answered through the VAU', async ({ app, sim, page }) => {
  const assigned = await sim.createPrescription({ flowType: '160' });
  await sim.assignPrescription(assigned.taskId, { supplyOptionsType: 'onPremise', name: 'Erika Mustermann' }, CARD_TELEMATIK_ID);
  const counter = new CounterPage(page);
  await counter.open(app.appUrl);
  await counter.chooseStaff('AB');
  const messages = new MessagesPage(page);
  await messages.fetchAndAccept(assigned.taskId);
  await expect(page.getByTestId('prescription-id')).toHaveText(assigned.taskId);
  await messages.chooseTemplate('pickup');
  const code = (await messages.pickUpCode.innerText()).trim();
  await messages.send();
  await expect(messages.sent).toBeVisible();
  const replies = await sim.repliesOf(assigned.kvnr);
  expect(replies[0]).toMatchObject({ sender: CARD_TELEMATIK_ID, payload: { pickUpCodeHR: code } });
});
