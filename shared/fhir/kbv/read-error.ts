/** Why a received prescription could not be turned into a PrescriptionView. */
export type ReadErrorCode = 'unsupported-version' | 'not-kbv-bundle' | 'malformed';

export interface ReadError {
  code: ReadErrorCode;
  /** German, for the pharmacist; never carries a KVNR, AccessCode or Secret. */
  message: string;
  kbvVersion?: string;
}

export const malformed = (message: string): ReadError => ({ code: 'malformed', message });
