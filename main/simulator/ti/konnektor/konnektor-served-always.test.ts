/**
 * The simulated Konnektor in a simulator WITHOUT `--ti` (training: the embedded simulator reads eGKs through it,
 * spec erezept-pharmacy §3.9): served under /konnektor/, the eGK switches under /_sim/egk (loopback only, reset
 * with /_sim/reset), and a PN from its ReadVSD accepted by the same simulator's Fachdienst at GET /Task.
 */
import { gunzipSync } from 'node:zlib';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterEach, describe, expect, it } from 'vitest';
import { readPrescriptionFromQes } from '../../../../shared/fhir/kbv';
import type { FhirResourceJson } from '../../../../shared/fhir/xml';
import { hcvOf } from '../../egk/hcv';
import { startSimulatorServer, type SimulatorHandle } from '../../server';
import { createTestSimulator, LOOPBACK, type TestSimulator } from '../../test-kit';
import { NS } from './namespaces';

let server: SimulatorHandle | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const context = `<cc:Context xmlns:cc="${NS.CCTX}" xmlns:c="${NS.CONN}"><c:MandantId>Mandant1</c:MandantId><c:ClientSystemId>CS1</c:ClientSystemId><c:WorkplaceId>AP1</c:WorkplaceId></cc:Context>`;

async function soap(sim: TestSimulator, service: string, ns: string, operation: string, inner: string): Promise<Element> {
  const response = await sim.app.request(`/konnektor/ws/${service}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: `"${ns}#${operation}"` },
    body: `<S:Envelope xmlns:S="${NS.SOAP}"><S:Body><o:${operation} xmlns:o="${ns}">${inner}</o:${operation}></S:Body></S:Envelope>`,
  });
  expect(response.status, operation).toBe(200);
  return new DOMParser().parseFromString(await response.text(), 'text/xml').documentElement as Element;
}

const textOf = (root: Element, ns: string, name: string): string => root.getElementsByTagNameNS(ns, name)[0]?.textContent ?? '';

async function handles(sim: TestSimulator, cardType: string): Promise<string[]> {
  const answer = await soap(sim, 'EventService', NS.EVT, 'GetCards', `${context}<t:CardType xmlns:t="${NS.CARDCMN}">${cardType}</t:CardType>`);
  return Array.from(answer.getElementsByTagNameNS(NS.CONN, 'CardHandle')).map((node) => node.textContent ?? '');
}

describe('the Konnektor without --ti', () => {
  it('a real simulator server started without ti answers /konnektor/connector.sds with the VSDService', async () => {
    server = await startSimulatorServer({ port: 0 });
    const response = await fetch(`${server.url}/konnektor/connector.sds`);
    expect(response.status).toBe(200);
    const sds = await response.text();
    expect(sds).toContain(`Location="${server.url}/konnektor/ws/VSDService"`);
    expect(sds).toContain(`Location="${server.url}/konnektor/ws/EventService"`);
    // VAU and IDP stay --ti only
    expect((await fetch(`${server.url}/VAUCertificate`)).status).toBe(405);
    expect((await fetch(`${server.url}/idp/.well-known/openid-configuration`)).status).toBe(405);
  });

  it('insert the patient\'s eGK by KVNR → GetCards → ReadVSD → GET /Task with kvnr, hcv, pnw lists the prescription', async () => {
    const sim = await createTestSimulator();
    const created = await sim.createPrescription({ flowType: '160' });
    const inserted = await sim.control('POST', '/egk/insert', { kvnr: created.kvnr });
    expect(inserted.status).toBe(200);
    expect((inserted.json['inserted'] as { from: string }).from).toBe('prescription');

    const [egk] = await handles(sim, 'EGK');
    const [smcb] = await handles(sim, 'SMC-B');
    expect(egk).toMatch(/^EGK-/);
    expect(smcb).toMatch(/^SMC-B-/);
    const vsd = await soap(
      sim,
      'VSDService',
      NS.VSD,
      'ReadVSD',
      `<o:EhcHandle>${egk}</o:EhcHandle><o:HpcHandle>${smcb}</o:HpcHandle><o:PerformOnlineCheck>true</o:PerformOnlineCheck><o:ReadOnlineReceipt>true</o:ReadOnlineReceipt>${context}`,
    );
    // the card's patient is the prescription's, as the app's own reader sees it in the stored QES container
    const prescription = readPrescriptionFromQes(Buffer.from(sim.repository.get(created.taskId)?.prescription?.cms ?? '', 'base64'));
    if (!prescription.ok) throw new Error('the stored prescription is unreadable');
    const { name, birthDate } = prescription.data.view.patient;
    const personal = new TextDecoder('iso-8859-15').decode(gunzipSync(Buffer.from(textOf(vsd, NS.VSD, 'PersoenlicheVersichertendaten'), 'base64')));
    const card = (await sim.control('GET', '/egk')).json as { terminals: { egk: { givenName: string; surname: string; street: string; insuranceStart: string } }[] };
    const holder = card.terminals[0]?.egk;
    expect(`${holder?.givenName ?? ''} ${holder?.surname ?? ''}`).toBe(name);
    expect(personal).toContain(`<Geburtsdatum>${(birthDate ?? '').replace(/-/g, '')}</Geburtsdatum><Vorname>${holder?.givenName ?? '-'}</Vorname>`);

    const pnw = textOf(vsd, NS.VSD, 'Pruefungsnachweis');
    const hcv = hcvOf(holder?.insuranceStart ?? '', holder?.street).toString('base64url');
    const list = await sim.fhir('GET', `/Task?kvnr=${created.kvnr}&hcv=${hcv}&pnw=${encodeURIComponent(pnw)}`, await sim.pharmacyToken());
    expect(list.status).toBe(200);
    const bundle = (await list.json()) as FhirResourceJson;
    expect((bundle['entry'] as { resource: FhirResourceJson }[]).map((entry) => entry.resource['id'])).toEqual([created.taskId]);
  });

  it('a stale card (staleCard): the PN carries the insurer\'s hcv, the documents the old street → 458; at the limit 423', async () => {
    const sim = await createTestSimulator();
    const created = await sim.createPrescription({ flowType: '160' });
    expect((await sim.control('POST', '/egk/settings', { lockAfterMismatches: 1 })).status).toBe(200);
    expect((await sim.control('POST', '/egk/insert', { kvnr: created.kvnr, staleCard: true })).status).toBe(200);
    const [egk] = await handles(sim, 'EGK');
    const [smcb] = await handles(sim, 'SMC-B');
    const readVsd = () =>
      soap(sim, 'VSDService', NS.VSD, 'ReadVSD', `<o:EhcHandle>${egk ?? ''}</o:EhcHandle><o:HpcHandle>${smcb ?? ''}</o:HpcHandle><o:PerformOnlineCheck>true</o:PerformOnlineCheck><o:ReadOnlineReceipt>true</o:ReadOnlineReceipt>${context}`);
    // the pharmacy computes the hcv from what the card's documents say (Beginn and Strasse), as the app does
    const hcvFromDocuments = (vsd: Element): string => {
      const decode = (name: string) => new TextDecoder('iso-8859-15').decode(gunzipSync(Buffer.from(textOf(vsd, NS.VSD, name), 'base64')));
      const street = /<Strasse>([^<]*)<\/Strasse>/.exec(decode('PersoenlicheVersichertendaten'))?.[1];
      const start = /<Beginn>(\d{8})<\/Beginn>/.exec(decode('AllgemeineVersicherungsdaten'))?.[1] ?? '';
      return hcvOf(start, street).toString('base64url');
    };
    const list = async (vsd: Element) =>
      sim.fhir('GET', `/Task?kvnr=${created.kvnr}&hcv=${hcvFromDocuments(vsd)}&pnw=${encodeURIComponent(textOf(vsd, NS.VSD, 'Pruefungsnachweis'))}`, await sim.pharmacyToken());

    const card = ((await sim.control('GET', '/egk')).json as { terminals: { egk: { street: string; insuranceStart: string; insurerStreet?: string } }[] }).terminals[0]?.egk;
    expect(card?.insurerStreet).toBe('Neue Straße');
    expect(card?.street).not.toBe('Neue Straße');
    const first = await readVsd();
    expect(hcvFromDocuments(first)).toBe(hcvOf(card?.insuranceStart ?? '', card?.street).toString('base64url'));
    expect((await list(first)).status).toBe(458);
    // the one mismatch reached the limit of 1: the next request of this pharmacy is locked for the day (A_27446)
    expect((await list(await readVsd())).status).toBe(423);
  });

  it('/_sim/egk is loopback only; /_sim/reset pulls the eGK and makes the online check available again', async () => {
    const sim = await createTestSimulator();
    const foreign = await sim.app.request('/_sim/egk/insert', {
      method: 'POST',
      headers: { host: 'example.org', 'content-type': 'application/json' },
      body: JSON.stringify({ kvnr: 'X110411675' }),
    });
    expect(foreign.status).toBe(403);
    const webPage = await sim.app.request('/_sim/egk', { headers: { ...LOOPBACK, origin: 'https://example.org' } });
    expect(webPage.status).toBe(403);

    await sim.control('POST', '/egk/insert', { kvnr: 'X110411675', workplace: 'AP2' });
    await sim.control('POST', '/egk/online-check', { available: false });
    expect((await sim.control('GET', '/egk')).json).toMatchObject({ onlineCheck: 'unavailable', terminals: [{ workplaceId: 'AP2' }] });
    expect((await sim.control('POST', '/reset', {})).status).toBe(200);
    expect((await sim.control('GET', '/egk')).json).toEqual({ onlineCheck: 'ok', terminals: [] });
    // the eGK path's Fachdienst switches beside them are still reachable
    expect((await sim.control('GET', '/egk/settings')).status).toBe(200);
  });
});
