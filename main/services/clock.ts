import { randomUUID } from 'node:crypto';

/** Time comes from an injected clock (architecture §2, §9.5): tests and training mode set it. */
export interface Clock {
  now(): Date;
}

/**
 * The real TI runs on this computer's clock (architecture §2: only training follows the simulator's); the sync
 * calls the workflow makes before its steps have nothing to do.
 */
export class SystemClock implements Clock {
  constructor(private readonly base: () => Date = () => new Date()) {}

  now(): Date {
    return this.base();
  }

  async sync(): Promise<void> {}

  async syncIfOlderThan(): Promise<void> {}
}

/** Fresh ids, e.g. for the key of a prefilled dispense row. */
export interface IdSource {
  next(): string;
}

export const randomIds: IdSource = { next: () => randomUUID() };
