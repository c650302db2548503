/**
 * What the eGK readers return instead of throwing (the card's data arrive through the Konnektor and are read like
 * any hostile input): a code for the program, a German message for the pharmacist, a technical detail for support.
 * Neither message nor detail ever carries the patient's data — no KVNR, name, address or date (architecture §7:
 * messages may end up in logs).
 */
import { err, type Err } from '../../shared/ipc/result';

export type EgkReadCode =
  /** the field is not base64 */
  | 'not-base64'
  /** more than a VSD document can be (packed or unpacked) */
  | 'too-large'
  /** base64, but not gzip */
  | 'not-gzip'
  /** the declared character set is unknown, or the bytes do not fit it */
  | 'bad-encoding'
  /** not well-formed XML, or XML with a DOCTYPE */
  | 'not-xml'
  /** well-formed XML, but not the document expected (root element, namespace) */
  | 'wrong-document'
  /** a field the eGK path needs is absent */
  | 'missing-field'
  /** a field is present but not in its format */
  | 'bad-field'
  /** the KVNR has a wrong format or check digit (spec erezept-pharmacy §1.3) */
  | 'bad-kvnr'
  /** Versicherungsbeginn and Strasse cannot be written in ISO-8859-15, so no `hcv` (spec §3.9) */
  | 'unencodable'
  /** the Konnektor's answer carries no Prüfungsnachweis */
  | 'no-proof'
  /** the Prüfungsnachweis names a result with which no prescriptions can be listed */
  | 'bad-proof-result';

export interface EgkReadError {
  readonly code: EgkReadCode;
  /** German, for the pharmacist: what is wrong and what to do */
  readonly message: string;
  /** for support: which document, which step */
  readonly detail: string;
}

/** What the pharmacist can do when the card's data cannot be used: the patient's token still works. */
export const EGK_FALLBACK = 'Bitte die Karte neu stecken und es noch einmal versuchen; bleibt es dabei, die E-Rezepte über den Ausdruck oder die App der Patientin bzw. des Patienten einlösen.';

export function egkError(code: EgkReadCode, message: string, detail: string): Err<EgkReadError> {
  return err({ code, message, detail });
}
