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
