/**
 * The SOAP faults the simulated Konnektor answers with, one factory per situation, with the gematik error codes
 * a real Konnektor uses (gemSpec_Kon; the codes as clients of real Konnektors check them). Texts are the German
 * gematik error texts; `detail` is for support and never carries a secret.
 *
 * Choices, and why:
 * - Call context (TUC_KON_000, spec ti-transport §3.2): a missing field 4021, an unknown Mandant 4004, client system
 *   4005, workplace 4006 — checked in this order, as the information model nests them. A client can tell from the
 *   code which of its configured values is wrong.
 * - An unknown or stale card handle: 4008 "Karte nicht als gesteckt identifiziert" — what real Konnektors answer
 *   for a handle they do not know; clients re-resolve the handle on it (§3.3: handles are volatile).
 * - SMC-B not unlocked: 4085 "Zugriffsbedingungen nicht erfüllt" — the card refuses the key without PIN.SMC; the
 *   code clients of real Konnektors look for before asking for `VerifyPin`.
 * - Wrong signature type: 4111; a hash that is not 32 bytes or another malformed request: 4000 Syntaxfehler.
 * - A certificate the simulated card does not have (CertRef ≠ C.AUT): 4149. A Crypt the card lacks is no fault:
 *   an X509DataInfo without X509Data (certificate-service.ts), which the schema allows.
 */
import type { SoapFaultContent } from './soap-envelope';

const MAX_ECHO = 128; // never echo more of a client's value than a CardHandle may be long (ConnectorCommon.xsd)

export class KonnektorFault extends Error implements SoapFaultContent {
  readonly faultCode: SoapFaultContent['faultCode'];
  readonly code: number;
  readonly errorText: string;
  readonly errorType: SoapFaultContent['errorType'];
  readonly severity: SoapFaultContent['severity'];
  readonly detail: string | undefined;

  constructor(content: SoapFaultContent) {
    super(`${content.code} ${content.errorText}${content.detail === undefined ? '' : ` (${content.detail})`}`);
    this.name = 'KonnektorFault';
    this.faultCode = content.faultCode;
    this.code = content.code;
    this.errorText = content.errorText;
    this.errorType = content.errorType;
    this.severity = content.severity;
    this.detail = content.detail;
  }
}

const echo = (value: string): string => (value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value);

function fault(
  code: number,
  errorText: string,
  detail: string | undefined,
  options: { faultCode?: SoapFaultContent['faultCode']; errorType?: SoapFaultContent['errorType'] } = {},
): KonnektorFault {
  return new KonnektorFault({
    faultCode: options.faultCode ?? 'Server',
    code,
    errorText,
    errorType: options.errorType ?? 'Technical',
    severity: 'Error',
    ...(detail === undefined ? {} : { detail }),
  });
}

export const Faults = {
  syntax: (detail: string) => fault(4000, 'Syntaxfehler', detail, { faultCode: 'Client' }),
  internal: (detail: string) => fault(4001, 'Interner Fehler', detail),
  contextIncomplete: () =>
    fault(4021, 'Aufrufkontext unvollständig', 'MandantId, ClientSystemId und WorkplaceId sind Pflicht', { errorType: 'Security' }),
  unknownMandant: (value: string) => fault(4004, 'Ungültige Mandanten-ID', `MandantId ${echo(value)}`, { errorType: 'Security' }),
  unknownClientSystem: (value: string) =>
    fault(4005, 'Ungültige Clientsystem-ID', `ClientSystemId ${echo(value)}`, { errorType: 'Security' }),
  unknownWorkplace: (value: string) => fault(4006, 'Ungültige Arbeitsplatz-ID', `WorkplaceId ${echo(value)}`, { errorType: 'Security' }),
  cardNotInserted: (handle: string) =>
    fault(4008, 'Karte nicht als gesteckt identifiziert', `Karte mit Handle ${echo(handle)} nicht vorhanden`),
  accessConditionsNotMet: (detail: string) => fault(4085, 'Zugriffsbedingungen nicht erfüllt', detail, { errorType: 'Security' }),
  signatureType: (detail: string) => fault(4111, 'Ungültiger Signaturtyp oder Signaturvariante', detail),
  certificateReference: (detail: string) => fault(4149, 'Ungültige Zertifikatsreferenz', detail),
};
