/**
 * `GET /Task` by a pharmacy: the redeemable Tasks of the patient whose eGK is in the pharmacy (spec
 * erezept-pharmacy §3.9), in the order of FD 1.22 (GetAllTasksHandler), the production Fachdienst the spec takes as
 * today's reality (§0). With an `X-PoPP-Token` header the PoPP variant, else the VSDM variant:
 *
 * VSDM `?kvnr=&hcv=&pnw=` (A_23450, A_23451-01, A_27279): 423 `TelematikId blocked for today.` (A_27446) →
 * 455 kvnr missing (A_25208-01) → 403 `Invalid Kvnr` (format) → 457 hcv missing while enforced (A_27346) →
 * 403 pnw (or legacy `PNW`) missing → 403 PN not base64/gzip/XML → 403 no Prüfziffer with result 1/2 or another
 * result (A_25206) → with a Prüfziffer: 403 MAC (A_23454, A_23456-01) → 400 hcv not Base64 → 403 PN older than
 * 30 min (A_23451-01) → 458 hcv ≠ proof → 456 kvnr ≠ proof (both counted for the lock, A_27445) → 200;
 * without (result 3): 454 unless PN3 mode is on (A_25207) → 202 (A_25209-01).
 * PoPP (A_22432-02): 403 `POPP-Token verification error.` (egk/popp.ts) → 200. Not locked, not counted.
 *
 * Both list Tasks of that KVNR (string compare with Task.for, §1.3), status ready, flow type 160 or 166, expiryDate
 * ≥ today's German date (A_23452-04, A_22431-02), by authoredOn (A_24438), 50 per page (A_19534) with `total` and
 * self/first/prev/next/last links; each Task with its AccessCode and without the QES input. Nothing changes.
 *
 * The Prüfziffer is the simulator's own (egk/pruefungsnachweis.ts) and carries the hcv, so it is checked as FD 1.22
 * checks gematik's PZ version 2 (hcv compared when sent; mismatches counted). Switches: egk/egk-settings.ts.
 */
import { berlinDate } from '../../../shared/erezept/dates';
import { parseKvnrFormat } from '../../../shared/erezept/identifiers';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { readEgkSettings } from '../egk/egk-settings';
import { countMismatch, isLockedToday } from '../egk/mismatch-lock';
import { verifyPoppToken } from '../egk/popp';
import { egkProofKey } from '../egk/proof-key';
import { readPruefungsnachweis, type PnReadError } from '../egk/pruefungsnachweis';
import { FachdienstError } from '../operation-outcome';
import { taskResource } from '../task-resource';
import type { OperationRequest, OperationResult, SimulatorState } from './context';
import { pageLinks, requestedPage, searchsetBundle } from './paging';

/**
 * A_23451-01: how far the PN's time may lie from now. The spec (§9.4) calls it configurable
 * (`ERP_PROOF_VALIDITY_SECONDS`); the production value is 1800 s (FD 1.22 `vsdmValiditySeconds`).
 */
const PROOF_VALIDITY_MS = 30 * 60 * 1000;
/** spec §3.9, §12.8: the eGK list holds flow types 160 and 166 only */
const EGK_FLOW_TYPES: readonly string[] = ['160', '166'];

const ABSENT = 'Anwesenheitsnachweis konnte nicht erfolgreich durchgeführt werden';
const NO_PZ = `${ABSENT} (Prüfziffer fehlt im VSDM Prüfungsnachweis oder ungültiges Ergebnis im Prüfungsnachweis).`;
const BAD_MAC = `${ABSENT} (Fehler bei Prüfung der HMAC-Sicherung).`;
const TOO_OLD = `${ABSENT} (Zeitliche Gültigkeit des Anwesenheitsnachweis überschritten).`;

export function listTasksForPharmacy(state: SimulatorState, request: OperationRequest): OperationResult {
  const poppToken = request.header('X-PoPP-Token');
  return poppToken !== undefined ? withPoppToken(state, request, poppToken) : withPruefungsnachweis(state, request);
}

function withPoppToken(state: SimulatorState, request: OperationRequest, token: string): OperationResult {
  const verdict = verifyPoppToken(state.repository, token, request.caller.idNummer, state.clock.now());
  if (!verdict.ok) throw new FachdienstError(403, 'POPP-Token verification error.', { diagnostics: verdict.reason });
  return { status: 200, resource: taskList(state, request, verdict.kvnr, []) };
}

function withPruefungsnachweis(state: SimulatorState, request: OperationRequest): OperationResult {
  const store = state.repository;
  const settings = readEgkSettings(store);
  const telematikId = request.caller.idNummer;
  if (isLockedToday(store, telematikId, state.clock.now(), settings.lockAfterMismatches)) {
    throw new FachdienstError(423, 'TelematikId blocked for today.');
  }
  const kvnr = request.query('kvnr');
  if (kvnr === undefined) throw new FachdienstError(455, 'Ein Prüfnachweis ohne KVNR wird nicht akzeptiert.');
  if (!parseKvnrFormat(kvnr).ok) throw new FachdienstError(403, 'Invalid Kvnr');
  const hcv = base64Parameter(request.query('hcv'));
  if (hcv === undefined && settings.hcvEnforced) {
    throw new FachdienstError(457, 'Ein Prüfnachweis ohne HCV wird nicht akzeptiert.');
  }
  const pnwName = request.query('pnw') !== undefined ? 'pnw' : 'PNW';
  const pnw = base64Parameter(request.query(pnwName));
  if (pnw === undefined || pnw === '') {
    throw new FachdienstError(403, 'Missing or invalid PNW query parameter and X-PoPP-Token header');
  }
  const read = readPruefungsnachweis(pnw, egkProofKey(store));
  if (!read.ok) throw new FachdienstError(403, pnReadErrorText(read.error), { diagnostics: read.error });
  const proof = read.value;
  const searchArgs = [`kvnr=${encodeURIComponent(kvnr)}`, ...(hcv !== undefined ? [`hcv=${encodeURIComponent(hcv)}`] : []), `${pnwName}=${encodeURIComponent(pnw)}`];

  if (proof.result === 3) {
    if (!settings.pn3Accepted) {
      throw new FachdienstError(454, 'Es wird kein Prüfnachweis mit Ergebnis 3 (ohne Prüfziffer) akzeptiert.');
    }
    return { status: 202, resource: taskList(state, request, kvnr, searchArgs) };
  }

  const hcvBytes = hcv === undefined ? undefined : decodeHcv(hcv);
  const now = state.clock.now();
  if (Math.abs(proof.timestamp.getTime() - now.getTime()) > PROOF_VALIDITY_MS) throw new FachdienstError(403, TOO_OLD);
  if (hcvBytes !== undefined && (proof.hcv === undefined || !hcvBytes.equals(proof.hcv))) {
    countMismatch(store, telematikId, now);
    throw new FachdienstError(458, 'HCV Validierung fehlgeschlagen.');
  }
  if (proof.kvnr !== kvnr) {
    countMismatch(store, telematikId, now);
    throw new FachdienstError(456, 'KVNR Überprüfung fehlgeschlagen.');
  }
  return { status: 200, resource: taskList(state, request, kvnr, searchArgs) };
}

/**
 * A Base64 query value as sent. The spec asks for URL-encoding; a client that forgot it sends `+`, which the query
 * parser turns into a space — Base64 has no spaces, so they are read back as `+` (lenient, never stricter).
 */
function base64Parameter(value: string | undefined): string | undefined {
  return value?.replace(/ /g, '+');
}

function pnReadErrorText(error: PnReadError): string {
  switch (error) {
    case 'not-base64':
    case 'not-gzip':
    case 'too-large':
      return 'Failed decoding PNW data.';
    case 'not-xml':
    case 'not-pn':
    case 'bad-timestamp':
      return 'Failed parsing PNW XML.';
    case 'bad-result':
    case 'pz-missing':
      return NO_PZ; // A_25206
    case 'pz-invalid':
      return BAD_MAC;
  }
}

/** hcv is Base64URL without padding (spec §3.9); plain Base64 and padding are read too. Not Base64 ⇒ 400 as in FD. */
function decodeHcv(hcv: string): Buffer {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(hcv)) throw new FachdienstError(400, 'HCV Base64-Dekodierung fehlgeschlagen.');
  return Buffer.from(hcv, 'base64');
}

/** the searchset of spec §3.9; `searchArgs` (already encoded) go into every link, as the FD repeats its query */
function taskList(state: SimulatorState, request: OperationRequest, kvnr: string, searchArgs: string[]): FhirResourceJson {
  const page = requestedPage(request);
  const today = berlinDate(state.clock.now());
  const tasks = state.repository
    .listForKvnr(kvnr)
    .filter((task) => task.status === 'ready' && EGK_FLOW_TYPES.includes(task.flowType) && task.expiryDate >= today)
    .sort((a, b) => a.authoredOn.localeCompare(b.authoredOn) || a.id.localeCompare(b.id));
  const total = tasks.length;
  const pageTasks = tasks.slice(page.offset, page.offset + page.count);
  const link = pageLinks(`${request.baseUrl}/Task`, searchArgs, page, total);

  const entry = pageTasks.map((task) => ({
    fullUrl: `${request.baseUrl}/Task/${task.id}`,
    resource: taskResource(task, { accessCode: true, secret: false, prescriptionInput: false, receiptOutput: false }),
    search: { mode: 'match' },
  }));
  return searchsetBundle(state, total, link, entry);
}
