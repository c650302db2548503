/** The KBV prescription reader: what the pharmacy receives in the $accept Binary, as a PrescriptionView. */
export { readPrescriptionFromQes, readPrescriptionJson, readPrescriptionXml } from './read-prescription';
export type { ReadErrorCode } from './read-error';
export { claimedKbvVersion } from './kbv-version';
