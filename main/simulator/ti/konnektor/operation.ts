/**
 * What every simulated Konnektor operation gets and the pieces they share: the card behind a `CONN:CardHandle`,
 * the `CONN:Status` of a successful answer, strict base64 for `xs:base64Binary` fields.
 */
import type { Element } from '@xmldom/xmldom';
import type { KonnektorContextConfig } from './call-context';
import type { CertificateTrust } from './certificate-check';
import type { RandomSource } from './digest-signature';
import { Faults } from './konnektor-fault';
import type { InsertedCard, KonnektorState } from './konnektor-state';
import { NS } from './namespaces';
import { childText, type XmlNode } from './soap-envelope';

export interface OperationEnvironment {
  state: KonnektorState;
  context: KonnektorContextConfig;
  now: () => Date;
  trust: CertificateTrust;
  /**
   * The MAC key of the Prüfziffer in ReadVSD's Prüfungsnachweis (main/simulator/egk/pruefungsnachweis.ts), asked
   * per call: the simulated Fachdienst checks the PN with the same key, which a reset may replace.
   */
  egkProofKey: () => Buffer;
  /** tests only: the random source of card signatures */
  random: RandomSource | undefined;
}

/** Checks and answers one operation; returns the SOAP response, throws a KonnektorFault. */
export type OperationHandler = (operation: Element, environment: OperationEnvironment) => string;

/** The inserted card a `CONN:CardHandle` names; 4008 for a handle the Konnektor does not know (any more). */
export function requireCard(operation: Element, state: KonnektorState): InsertedCard {
  const handle = childText(operation, NS.CONN, 'CardHandle');
  if (handle === undefined || handle === '') throw Faults.syntax('CardHandle fehlt');
  const slot = state.cardByHandle(handle);
  if (slot === undefined) throw Faults.cardNotInserted(handle);
  return slot;
}

/** `CONN:Status/CONN:Result = OK` (ConnectorCommon.xsd), the first child of every response. */
export function addOkStatus(response: XmlNode): void {
  response.add('CONN', 'Status').add('CONN', 'Result', 'OK');
}

/** `xs:base64Binary`: whitespace allowed, otherwise only the base64 alphabet with correct padding. */
export function decodeBase64(text: string, field: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw Faults.syntax(`${field} ist kein Base64`);
  return Buffer.from(compact, 'base64');
}
