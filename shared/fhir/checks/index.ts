/**
 * The two rule sets (architecture §3): `fachdienstChecks` — exactly what the Fachdienst rejects, used by the
 * simulator and the pre-flight — and `pharmacyChecks` — the pharmacy's own rules, pre-flight only; and the
 * pre-flight itself (`runPreflight`), the one pipeline of both that main and the dispense editor run.
 */
export {
  fachdienstChecks,
  fachdienstDetailsText,
  FachdienstFindingCodes,
  DosageFindingCodes,
  ShapeFindingCodes,
  readRxDispensations,
  profileVersionFor,
  type FachdienstCheckContext,
  type RxDispensation,
} from './fachdienst-checks';
export { pharmacyChecks, PharmacyFindingCodes, type PharmacyCheckContext } from './pharmacy-checks';
export {
  preflightRules,
  runPreflight,
  type PreflightContext,
  type PreflightOperation,
  type PreflightParameters,
  type PreflightResult,
  type PreflightRules,
} from './preflight';
export { WORKFLOW_1_5_ACCEPTED_UNTIL, WORKFLOW_1_5_VALID_UNTIL, WORKFLOW_1_6_VALID_FROM, type WorkflowVersion } from './profile-version';
