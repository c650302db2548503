/**
 * The TI client's failures: a `HopFailure` (main/errors.ts) — the failing hop (`konnektor`, `smcb`, `idp`, `vau`),
 * a German message, the technical detail, the other side's code — under the name the TI code uses.
 */
import { HopFailure, type TiHop } from '../errors';

export type { TiHop };

export class TiError extends HopFailure {
  constructor(hop: TiHop, message: string, technical: string, code?: string) {
    super(hop, message, technical, code);
    this.name = 'TiError';
  }
}
