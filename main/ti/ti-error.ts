/**
 * A failure on one hop of the TI chain, named so the connection indicator and the diagnosis can say which
 * system failed and what to do (A_23814): the Konnektor, the SMC-B in it, the IDP, the VAU.
 */
export type TiHop = 'konnektor' | 'smcb' | 'idp' | 'vau';

export class TiError extends Error {
  constructor(
    readonly hop: TiHop,
    /** German, for the pharmacist: what failed and what to do */
    message: string,
    /** for support: codes, statuses, the failing step — never a token, PIN or key */
    readonly technical: string,
    /** the other side's error code where it gave one (gematik_code, Konnektor fault code) */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TiError';
  }
}
