/**
 * Where the simulator's random values come from. Secret and AccessCode are 256-bit values from a
 * cryptographic RNG, written as 64 lowercase hex characters (spec §1.3, A_19169-01); injectable so tests
 * can predict them.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface IdSource {
  /** 64 lowercase hex characters, 256 bits from a CSPRNG */
  secret(): string;
  accessCode(): string;
  uuid(): string;
}

export const cryptoIds: IdSource = {
  secret: () => randomBytes(32).toString('hex'),
  accessCode: () => randomBytes(32).toString('hex'),
  uuid: () => randomUUID(),
};
