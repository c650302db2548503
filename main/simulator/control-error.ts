/**
 * A refusal of the control API (`/_sim/…`): answered as `{"error": "<German text>"}` with this status.
 * Thrown by the control routes and by what they call (prescription import, scenario loader).
 */
import type { z } from 'zod';

export class ControlError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** The parsed value, or a ControlError (400) naming the first problem and where it is. */
export function parseOrRefuse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: readonly (string | number)[] = [],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [...where, ...(issue?.path ?? [])].map(String);
    throw new ControlError(
      400,
      `${path.length > 0 ? `${path.join('.')}: ` : ''}${issue?.message ?? 'ungültige Anfrage'}`,
    );
  }
  return result.data;
}
