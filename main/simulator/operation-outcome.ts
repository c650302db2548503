/**
 * Errors as the Fachdienst sends them (spec §8): an OperationOutcome whose issue code is derived from the HTTP
 * status, `details.text` = the FD message, optional `diagnostics`. 500 always carries the fixed text
 * "Internal server error." and no diagnostics (FD hides internals).
 *
 * Operations throw a `FachdienstError`; the app turns it into the response in the negotiated format.
 */
import type { FhirResourceJson } from '../../shared/fhir/xml';

export interface OutcomeIssue {
  text: string;
  diagnostics?: string;
}

export class FachdienstError extends Error {
  readonly issues: OutcomeIssue[];

  constructor(
    readonly status: number,
    text: string,
    readonly options: {
      diagnostics?: string;
      /** a second issue, e.g. the 409 "Task is processed by requesting institution" (FD ErpFail2, spec §3.2) */
      secondText?: string;
      /** extra response headers, e.g. `VAU-Error-Code: brute_force` (A_20703) */
      headers?: Record<string, string>;
    } = {},
  ) {
    super(text);
    this.name = 'FachdienstError';
    const first: OutcomeIssue = { text };
    if (options.diagnostics !== undefined) first.diagnostics = options.diagnostics;
    this.issues = options.secondText ? [first, { text: options.secondText }] : [first];
  }
}

/** spec §8: issue code by HTTP status (FD OperationOutcome::httpCodeToOutcomeIssueType). */
export function issueCodeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'unknown';
    case 403:
    case 423:
    case 454:
    case 455:
    case 456:
    case 457:
    case 458:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'not-supported';
    case 409:
      return 'conflict';
    case 410:
      return 'processing';
    case 415:
      return 'value';
    case 429:
      return 'transient';
    default:
      return 'processing';
  }
}

export const INTERNAL_SERVER_ERROR_TEXT = 'Internal server error.';

export function operationOutcome(status: number, issues: readonly OutcomeIssue[]): FhirResourceJson {
  const code = issueCodeForStatus(status);
  const safeIssues: readonly OutcomeIssue[] = status === 500 ? [{ text: INTERNAL_SERVER_ERROR_TEXT }] : issues;
  return {
    resourceType: 'OperationOutcome',
    issue: safeIssues.map((issue) => ({
      severity: 'error',
      code,
      details: { text: issue.text },
      ...(issue.diagnostics !== undefined ? { diagnostics: issue.diagnostics } : {}),
    })),
  };
}

/** `VAU-Error-Code: brute_force` on every wrong Secret or AccessCode (A_20703, spec §3.1). */
export const BRUTE_FORCE_HEADERS: Record<string, string> = { 'VAU-Error-Code': 'brute_force' };
