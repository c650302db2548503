/**
 * FHIR formats on the wire (spec §3 "Common for all inner requests", FD ErpRequestHandler):
 * - response format: `_format` query parameter first, then `Accept`, else XML for institutions and JSON for
 *   insurants (A_19537, A_19538, A_19539); a format we cannot give ⇒ 406;
 * - request bodies: `application/fhir+json` / `application/json` or `application/fhir+xml` / `application/xml`,
 *   UTF-8 only (other charset ⇒ 415), no BOM (⇒ 400, A_28427), unparsable ⇒ 400.
 * XML ⇄ JSON goes through shared/fhir/xml.ts (the `fhir` library), never string templates.
 *
 * Never stricter than the FD: the FD knows only `_format=fhir+json|fhir+xml` and the two exact FHIR media
 * types in `Accept`; we also take the plain JSON/XML aliases and wildcards (`*∕*` is what fetch sends).
 */
import { ProfessionOids } from '../../shared/fhir/profiles';
import { fhirJsonToXml, fhirXmlToJson, type FhirResourceJson } from '../../shared/fhir/xml';
import { FachdienstError } from './operation-outcome';

export type FhirFormat = 'json' | 'xml';

export const CONTENT_TYPES: Record<FhirFormat, string> = {
  json: 'application/fhir+json;charset=utf-8',
  xml: 'application/fhir+xml;charset=utf-8',
};

const JSON_TYPES = new Set(['application/fhir+json', 'application/json']);
const XML_TYPES = new Set(['application/fhir+xml', 'application/xml', 'text/xml']);
const WILDCARDS = new Set(['*/*', 'application/*']);

/** XML for institutions (LEI), JSON for insurants (A_19537, A_19538). */
export function defaultFormat(professionOID: string | undefined): FhirFormat {
  return professionOID === ProfessionOids.insurant ? 'json' : 'xml';
}

export function negotiateFormat(
  formatParameter: string | undefined,
  accept: string | undefined,
  professionOID: string | undefined,
): FhirFormat {
  if (formatParameter !== undefined) {
    // A literal '+' in a query string decodes to a space; the FD reads `fhir+json` as written.
    const value = formatParameter.trim().replace(/ /g, '+').toLowerCase();
    if (['fhir+json', 'json', ...JSON_TYPES].includes(value)) return 'json';
    if (['fhir+xml', 'xml', ...XML_TYPES].includes(value)) return 'xml';
    throw new FachdienstError(406, `Requested format '${formatParameter}' cannot be provided`);
  }
  if (accept !== undefined && accept.trim() !== '') {
    let json = 0;
    let xml = 0;
    let wildcard = 0;
    for (const part of accept.split(',')) {
      const [typeRaw, ...params] = part.split(';');
      const type = (typeRaw ?? '').trim().toLowerCase();
      const qParam = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      if (!Number.isFinite(q) || q <= 0) continue;
      if (JSON_TYPES.has(type)) json = Math.max(json, q);
      else if (XML_TYPES.has(type)) xml = Math.max(xml, q);
      else if (WILDCARDS.has(type)) wildcard = Math.max(wildcard, q);
    }
    // FD: JSON only if it weighs more than XML; a tie goes to XML.
    if (json > 0 || xml > 0) return json > xml ? 'json' : 'xml';
    if (wildcard > 0) return defaultFormat(professionOID);
    throw new FachdienstError(406, `Requested format '${accept}' cannot be provided`);
  }
  return defaultFormat(professionOID);
}

export function serialize(resource: FhirResourceJson, format: FhirFormat): string {
  return format === 'json' ? JSON.stringify(resource) : fhirJsonToXml(resource);
}

/** The request body limit: the FD takes at most 1 MB per request (spec §3). */
export const MAX_BODY_BYTES = 1024 * 1024;

export const hasBom = (bytes: Uint8Array): boolean =>
  bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

export const BOM_TEXT = 'illegal BOM before inner request body';

/** A FHIR request body as JSON, whichever format it came in. Throws 400/415 like the FD. */
export function parseFhirBody(bytes: Uint8Array, contentType: string | undefined): FhirResourceJson {
  if (hasBom(bytes)) throw new FachdienstError(400, BOM_TEXT);
  if (contentType === undefined || contentType.trim() === '') {
    throw new FachdienstError(400, 'Missing ContentType in request header');
  }
  const [mimeRaw, ...params] = contentType.split(';');
  const mime = (mimeRaw ?? '').trim().toLowerCase();
  const charset = params
    .map((p) => p.trim())
    .find((p) => p.toLowerCase().startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '')
    .toLowerCase();
  if (charset !== undefined && charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw new FachdienstError(415, `Invalid content type encoding received: ${contentType}`);
  }
  const isJson = JSON_TYPES.has(mime);
  const isXml = XML_TYPES.has(mime);
  if (!isJson && !isXml) throw new FachdienstError(415, `Invalid content type (mime type) received: ${contentType}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FachdienstError(400, 'parsing / validation error', { diagnostics: 'body is not valid UTF-8' });
  }
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new FachdienstError(400, 'parsing / validation error', { diagnostics: shortMessage(error) });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new FachdienstError(400, 'parsing / validation error', { diagnostics: 'body is not a FHIR resource' });
    }
    const resource = parsed as Record<string, unknown>;
    if (typeof resource['resourceType'] !== 'string') {
      throw new FachdienstError(400, 'parsing / validation error', { diagnostics: 'resourceType missing' });
    }
    return resource as FhirResourceJson;
  }
  const converted = fhirXmlToJson(text);
  if (!converted.ok) throw new FachdienstError(400, 'parsing / validation error', { diagnostics: converted.error.slice(0, 300) });
  return converted.data;
}

function shortMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
