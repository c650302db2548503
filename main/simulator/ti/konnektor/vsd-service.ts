/**
 * VSDService v5.2 `ReadVSD` (spec erezept-pharmacy §3.9, VSDM variant): the pharmacy reads the patient's eGK and,
 * with `PerformOnlineCheck` and `ReadOnlineReceipt`, gets the Prüfungsnachweis it then sends to the Fachdienst as
 * `pnw` with `GET /Task?kvnr&hcv&pnw`. Request and answer as in gematik's recorded exchange (eRezept-Examples
 * 2025-10-01, `erp_abrufen_egk/03_ReadVSD.xml`, `04_0x_ReadVSD_Response_*`): EhcHandle, HpcHandle,
 * PerformOnlineCheck, ReadOnlineReceipt, Context → the three VSD documents (vsd-documents.ts), `VSD_Status`
 * (Status 0, Timestamp, Version 5.2.0) and the `Pruefungsnachweis` — no `CONN:Status`, as in the recordings.
 *
 * What the simulation decides:
 * - `EhcHandle` must name the eGK in the terminal of the caller's workplace (an eGK elsewhere, an SMC-B, a stale
 *   handle, an empty terminal: 4008 "Karte nicht als gesteckt identifiziert"); `HpcHandle` an inserted SMC-B (4008
 *   otherwise). No PIN is needed: reading the VSD needs none, and the SMC-B only authenticates the online check.
 * - The online check "runs" only with `PerformOnlineCheck=true`; the PN comes only with it and
 *   `ReadOnlineReceipt=true`. Result 2 (no update needed) with the simulator's Prüfziffer over KVNR, time and hcv
 *   (main/simulator/egk/pruefungsnachweis.ts, hcv.ts); result 3 (online check not possible, no PZ) while the control
 *   switch says the insurer's service is unavailable. Status stays 0: the VSD on the card are read either way.
 * - A stale card (`insurerStreet`, egk-card.ts): the Prüfziffer carries the hcv of the insurer's current data, the
 *   documents the card's old street — the pharmacy's hcv (from the documents) then mismatches: 458 at the Fachdienst.
 */
import type { Element } from '@xmldom/xmldom';
import { hcvOf } from '../../egk/hcv';
import { makePruefungsnachweis, type PnResult } from '../../egk/pruefungsnachweis';
import { checkContext } from './call-context';
import { onlineCheckStreetOf } from './egk-card';
import { Faults } from './konnektor-fault';
import type { OperationHandler } from './operation';
import { NS } from './namespaces';
import { childText, soapResponse } from './soap-envelope';
import { vsdDocuments } from './vsd-documents';

const VSD_VERSION = '5.2.0';
/** VSD_Status/Status: 0 = the VSD were read (the recorded answers say 0 also with PN result 3) */
const STATUS_READ = '0';

export const readVsd: OperationHandler = (operation, { state, context, now, egkProofKey }) => {
  const workplaceId = checkContext(operation, context, state);
  const ehcHandle = requiredText(operation, 'EhcHandle');
  const hpcHandle = requiredText(operation, 'HpcHandle');
  const performOnlineCheck = xsBoolean(operation, 'PerformOnlineCheck');
  const readOnlineReceipt = xsBoolean(operation, 'ReadOnlineReceipt');

  const egk = state.egkAt(workplaceId);
  if (egk === undefined || egk.handle !== ehcHandle) throw Faults.cardNotInserted(ehcHandle);
  if (state.cardByHandle(hpcHandle) === undefined) throw Faults.cardNotInserted(hpcHandle);

  const at = now();
  const documents = vsdDocuments(egk.card);
  let pruefungsnachweis: string | undefined;
  if (performOnlineCheck && readOnlineReceipt) {
    const result: PnResult = state.onlineCheck === 'ok' ? 2 : 3;
    pruefungsnachweis = makePruefungsnachweis(
      result === 2
        ? { timestamp: at, result, kvnr: egk.card.kvnr, hcv: hcvOf(egk.card.insuranceStart, onlineCheckStreetOf(egk.card)) }
        : { timestamp: at, result },
      egkProofKey(),
    );
  }

  return soapResponse('VSD', 'ReadVSDResponse', (response) => {
    response.add('VSD', 'PersoenlicheVersichertendaten', documents.persoenlicheVersichertendaten);
    response.add('VSD', 'AllgemeineVersicherungsdaten', documents.allgemeineVersicherungsdaten);
    response.add('VSD', 'GeschuetzteVersichertendaten', documents.geschuetzteVersichertendaten);
    const status = response.add('VSD', 'VSD_Status');
    status.add('VSD', 'Status', STATUS_READ);
    status.add('VSD', 'Timestamp', at.toISOString());
    status.add('VSD', 'Version', VSD_VERSION);
    if (pruefungsnachweis !== undefined) response.add('VSD', 'Pruefungsnachweis', pruefungsnachweis);
  });
};

function requiredText(operation: Element, name: string): string {
  const value = childText(operation, NS.VSD, name)?.trim();
  if (value === undefined || value === '') throw Faults.syntax(`${name} fehlt`);
  return value;
}

/** xs:boolean: true/false/1/0, surrounding whitespace allowed. */
function xsBoolean(operation: Element, name: string): boolean {
  const value = childText(operation, NS.VSD, name)?.trim();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw Faults.syntax(value === undefined ? `${name} fehlt` : `${name} ist kein xs:boolean`);
}
