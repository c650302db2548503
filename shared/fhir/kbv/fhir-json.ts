/**
 * Small, total accessors over FHIR JSON of unknown shape. Received data is untrusted: every accessor
 * returns undefined (or an empty list) instead of throwing when the shape is not what FHIR promises.
 */
export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const rec = (value: unknown): Json | undefined => (isRecord(value) ? value : undefined);

/** A non-blank string. */
export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

export const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);

export const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : [];

export const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/**
 * A FHIR decimal. FHIR JSON carries numbers, but the XML → JSON conversion of the `fhir` library keeps
 * decimals as strings ("875.0"), so both are accepted.
 */
export function decimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** The extensions with this url (modifier extensions are not used by the profiles we read). */
export const extensionsOf = (owner: Json | undefined, url: string): Json[] =>
  records(owner?.['extension']).filter((e) => e['url'] === url);

export const extensionOf = (owner: Json | undefined, url: string): Json | undefined =>
  extensionsOf(owner, url)[0];

/** The code of the first coding (optionally of one system) of a CodeableConcept. */
export function codeOf(concept: unknown, system?: string): string | undefined {
  const coding = records(rec(concept)?.['coding']).find(
    (c) => system === undefined || c['system'] === system,
  );
  return str(coding?.['code']);
}

/** The value of the first identifier (optionally of one system) of a list or single identifier. */
export function identifierValue(identifiers: unknown, system?: string): string | undefined {
  const list = Array.isArray(identifiers) ? records(identifiers) : isRecord(identifiers) ? [identifiers] : [];
  return str(list.find((i) => system === undefined || i['system'] === system)?.['value']);
}

/** meta.profile entries of a resource. */
export const profilesOf = (resource: Json | undefined): string[] =>
  strings(rec(resource?.['meta'])?.['profile']);

/** Splits `https://…/Profile|1.3` into url and version. */
export function splitCanonical(canonical: string): { url: string; version?: string } {
  const bar = canonical.indexOf('|');
  return bar === -1
    ? { url: canonical }
    : { url: canonical.slice(0, bar), version: canonical.slice(bar + 1) };
}

/** Whether the resource claims a profile, whatever its version. */
export const hasProfile = (resource: Json | undefined, url: string): boolean =>
  profilesOf(resource).some((p) => splitCanonical(p).url === url);
