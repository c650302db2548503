/**
 * Endpoints the production Fachdienst has but the simulator does not imitate, with the roles the FD lets call them
 * (FD 1.22 ErpProcessingContext::addSecondaryEndpoints). Their role check still happens as in the FD, so a pharmacy
 * calling a doctor's or an insurant's operation gets the FD's 403 „endpoint is forbidden for professionOID …“ with an
 * OperationOutcome — not a 405. A role that may call one gets 405 „no matching handler found.“ with the diagnostics
 * „not simulated: …“ (docs/simulator.md „Deviations“). Prescriptions come from `POST /_sim/prescriptions` instead of
 * $create/$activate; the PKV ChargeItem/Consent channel, AuditEvents and GET /Device are not built.
 */
import { ProfessionOids } from '../../shared/fhir/profiles';
import { PHARMACY_OIDS } from './auth';

/** FD oid_institution_vorsorge_reha (may create and activate prescriptions, A_19018-01) */
const REHA_INSTITUTION = '1.2.276.0.76.4.257';
const PRESCRIBERS: readonly string[] = [
  ProfessionOids.doctorPractice,
  ProfessionOids.dentistPractice,
  ProfessionOids.psychotherapistPractice,
  ProfessionOids.hospital,
  REHA_INSTITUTION,
];
const INSURANT: readonly string[] = [ProfessionOids.insurant];

export interface UnsimulatedEndpoint {
  /** e.g. `POST /Task/{id}/$activate` */
  name: string;
  /** the roles the FD lets call it (its requirement in brackets) */
  allowedOids: readonly string[];
}

const ENDPOINTS: { method: string; path: RegExp; endpoint: UnsimulatedEndpoint }[] = [
  // A_19018-01, A_19022-01: the prescriber's operations
  { method: 'POST', path: /^\/Task\/\$create$/, endpoint: { name: 'POST /Task/$create', allowedOids: PRESCRIBERS } },
  { method: 'POST', path: /^\/Task\/[^/]+\/\$activate$/, endpoint: { name: 'POST /Task/{id}/$activate', allowedOids: PRESCRIBERS } },
  // A_19395: the insurant's access log
  { method: 'GET', path: /^\/AuditEvent(?:\/[^/]+)?$/, endpoint: { name: 'GET /AuditEvent', allowedOids: INSURANT } },
  // A_22155, A_22159, A_22161: the PKV insurant's consent
  { method: 'GET', path: /^\/Consent$/, endpoint: { name: 'GET /Consent', allowedOids: INSURANT } },
  { method: 'POST', path: /^\/Consent$/, endpoint: { name: 'POST /Consent', allowedOids: INSURANT } },
  { method: 'DELETE', path: /^\/Consent$/, endpoint: { name: 'DELETE /Consent', allowedOids: INSURANT } },
  // A_22118, A_22124, A_22129, A_22144, A_22113, A_22875: PKV billing information
  { method: 'GET', path: /^\/ChargeItem$/, endpoint: { name: 'GET /ChargeItem', allowedOids: INSURANT } },
  { method: 'POST', path: /^\/ChargeItem$/, endpoint: { name: 'POST /ChargeItem', allowedOids: PHARMACY_OIDS } },
  {
    method: 'GET',
    path: /^\/ChargeItem\/[^/]+$/,
    endpoint: { name: 'GET /ChargeItem/{id}', allowedOids: [...INSURANT, ...PHARMACY_OIDS] },
  },
  { method: 'PUT', path: /^\/ChargeItem\/[^/]+$/, endpoint: { name: 'PUT /ChargeItem/{id}', allowedOids: PHARMACY_OIDS } },
  { method: 'DELETE', path: /^\/ChargeItem\/[^/]+$/, endpoint: { name: 'DELETE /ChargeItem/{id}', allowedOids: INSURANT } },
  { method: 'PATCH', path: /^\/ChargeItem\/[^/]+$/, endpoint: { name: 'PATCH /ChargeItem/{id}', allowedOids: INSURANT } },
];

/** The FD endpoint a request names, when the simulator has no handler of its own for it. */
export function unsimulatedEndpoint(method: string, path: string): UnsimulatedEndpoint | undefined {
  return ENDPOINTS.find((e) => e.method === method && e.path.test(path))?.endpoint;
}
