/**
 * Services signal failures by throwing an AppFailure that carries a ready AppError (German message,
 * technical detail, retry class — architecture §9.6). main/ipc/handle turns it into `{ ok: false, error }`;
 * anything else that escapes becomes an `internal` error there, never a crash.
 */
import type { AppError, RetryClass } from '../shared/ipc/contract';

export class AppFailure extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
    this.name = 'AppFailure';
  }
}

export interface FailureOptions {
  detail?: string;
  retry?: RetryClass;
  httpStatus?: number;
  system?: AppError['system'];
  findings?: AppError['findings'];
  at?: Date;
}

export function failure(code: string, message: string, options: FailureOptions = {}): AppFailure {
  return new AppFailure({
    code,
    message,
    detail: options.detail,
    retry: options.retry ?? 'never',
    httpStatus: options.httpStatus,
    system: options.system ?? 'app',
    findings: options.findings,
    at: (options.at ?? new Date()).toISOString(),
  });
}

/**
 * A failure on one hop of the TI chain before the Fachdienst — the Konnektor, the SMC-B in it, the IDP, the VAU —
 * named so the connection indicator and the error say which system failed and what to do (A_23814). Nothing reached
 * the Fachdienst. Raised by the TI client (main/ti, `TiError`); read by the Fachdienst client and the connection
 * monitor, which know only this file of main/.
 */
export type TiHop = 'konnektor' | 'smcb' | 'idp' | 'vau';

export class HopFailure extends Error {
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
    this.name = 'HopFailure';
  }
}
