/**
 * Narrowing helpers for FHIR JSON of unknown shape (a request body, a converted XML document):
 * the rule sets read untrusted input and must never throw on it.
 */
export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asObject = (value: unknown): JsonObject | undefined => (isJsonObject(value) ? value : undefined);

/** An array as is; anything else as an empty array (FHIR never sends empty arrays, so both mean "absent"). */
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
