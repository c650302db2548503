/**
 * A refusal of the control API (`/_sim/…`): answered as `{"error": "<German text>"}` with this status.
 * Thrown by the control routes and by what they call (prescription import, scenario loader).
 */
import type { Context } from 'hono';
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

/**
 * The JSON body of a control request: at most `maxChars`, `application/json` when a Content-Type is given, and an
 * empty body counts as `{}` (a call without options). Anything else is a ControlError (400).
 */
export async function readJsonBody(c: Context, maxChars: number): Promise<unknown> {
  const contentType = c.req.header('content-type');
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  if (text.length > maxChars) throw new ControlError(400, 'Anfrage zu groß');
  if (text.trim() === '') return {};
  if (contentType !== undefined && !/^application\/json\b/i.test(contentType.trim())) {
    throw new ControlError(400, 'Content-Type application/json erwartet');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'Kein gültiges JSON');
  }
}
