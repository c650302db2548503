import { randomUUID } from 'node:crypto';

/** Time comes from an injected clock (architecture §2, §9.5): tests and training mode set it. */
export interface Clock {
  now(): Date;
}

/** Fresh ids, e.g. for the key of a prefilled dispense row. */
export interface IdSource {
  next(): string;
}

export const randomIds: IdSource = { next: () => randomUUID() };
