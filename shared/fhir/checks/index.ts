/**
 * The two rule sets (architecture §3): `fachdienstChecks` — exactly what the Fachdienst rejects, used by the
 * simulator and the pre-flight — and `pharmacyChecks` — the pharmacy's own rules, pre-flight only — and the
 * reader of a dispense body's MedicationDispense/Medication pairs. The pre-flight, the one pipeline of both that
 * main and the dispense editor run, is `./preflight`.
 */
export { fachdienstChecks, type FachdienstCheckContext } from './fachdienst-checks';
export { pharmacyChecks } from './pharmacy-checks';
export { readRxDispensations } from './rx-dispensations';
