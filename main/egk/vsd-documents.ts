/**
 * The documents a Konnektor's `ReadVSD` hands over (spec erezept-pharmacy §3.9): each field is
 * base64(gzip(XML)), the VSD in ISO-8859-15 (namespace vsd/v5.2), the Prüfungsnachweis in UTF-8 or ISO-8859-15
 * (namespace pnw/v1.0) — as gematik's recordings of three Konnektor products show (test/fixtures,
 * erp-abrufen-egk-2025-10-01). The readers take only what the eGK path needs and never throw: every step — size,
 * base64, gunzip with an output cap, the declared character set, well-formed XML without DOCTYPE, root element and
 * namespace, each field's format — ends in a typed `EgkReadError` when it fails.
 *
 * The tree is walked child by child from the root, never with xmldom's recursive helpers (getElementsByTagNameNS,
 * textContent), so a deeply nested document cannot exhaust the stack.
 */
import { gunzipSync } from 'node:zlib';
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { parseKvnr, type Kvnr } from '../../shared/erezept/identifiers';
import { ok, type Result } from '../../shared/ipc/result';
import { EGK_FALLBACK, egkError, type EgkReadError } from './egk-error';
import { decodeIso885915 } from './iso-8859-15';

const VSD_NAMESPACE = 'http://ws.gematik.de/fa/vsdm/vsd/v5.2';
const PN_NAMESPACE = 'http://ws.gematik.de/fa/vsdm/pnw/v1.0';

/** gematik's recorded documents unpack to 161–1 044 bytes; 64 KiB leaves room and stops a gzip bomb early. */
const MAX_XML_BYTES = 64 * 1024;
/** base64 (with the XML's whitespace) of a gzip that could unpack to at most that */
const MAX_FIELD_CHARS = 256 * 1024;
/** no VSD field of the eGK path is longer (names and streets: a few dozen characters) */
const MAX_TEXT = 200;

type DocumentName = 'PersoenlicheVersichertendaten' | 'AllgemeineVersicherungsdaten' | 'Pruefungsnachweis';

const DOCUMENTS: Record<DocumentName, { namespace: string; root: string; unreadable: string }> = {
  PersoenlicheVersichertendaten: { namespace: VSD_NAMESPACE, root: 'UC_PersoenlicheVersichertendatenXML', unreadable: 'Die persönlichen Versichertendaten der Gesundheitskarte sind nicht lesbar.' },
  AllgemeineVersicherungsdaten: { namespace: VSD_NAMESPACE, root: 'UC_AllgemeineVersicherungsdatenXML', unreadable: 'Die Versicherungsdaten der Gesundheitskarte sind nicht lesbar.' },
  Pruefungsnachweis: { namespace: PN_NAMESPACE, root: 'PN', unreadable: 'Der Prüfungsnachweis der Online-Prüfung ist nicht lesbar.' },
};

/** From `PersoenlicheVersichertendaten`: who the card names, and the street for the `hcv`. */
export interface PersonalData {
  kvnr: Kvnr;
  /** `Geburtsdatum` as on the card, yyyyMMdd; month or day 00 = unknown (VSDM allows it) */
  geburtsdatum: string;
  vorname: string;
  nachname: string;
  vorsatzwort?: string;
  namenszusatz?: string;
  titel?: string;
  /** `StrassenAdresse/Strasse` exactly as on the card (untrimmed: the `hcv` trims); absent with a Postfach address */
  strasse?: string;
}

/** From `AllgemeineVersicherungsdaten`: the start of the insurance cover, input of the `hcv`. */
export interface InsuranceData {
  /** `Versicherungsschutz/Beginn` exactly as on the card (yyyyMMdd; the `hcv` removes spaces) */
  versicherungsbeginn: string;
}

/** The Prüfungsnachweis' result `E`: 1 updated, 2 no update needed, 3 online check not possible (no PZ). */
export type PnResult = 1 | 2 | 3;

export interface ProofData {
  /** `TS`, yyyyMMddHHmmss (UTC): when the online check ran */
  timestamp: string;
  result: PnResult;
}

const PERSON_FIELDS = ['Geburtsdatum', 'Vorname', 'Nachname', 'Vorsatzwort', 'Namenszusatz', 'Titel'] as const;
type PersonField = (typeof PERSON_FIELDS)[number];

export function readPersonalData(base64: string): Result<PersonalData, EgkReadError> {
  const name: DocumentName = 'PersoenlicheVersichertendaten';
  const root = unpack(base64, name);
  if (!root.ok) return root;
  const versicherter = child(root.data, 'Versicherter');
  const person = versicherter && child(versicherter, 'Person');
  const read = (parent: Element | undefined, field: string, path: string) => text(parent, field, name, path);

  const kvnrText = read(versicherter, 'Versicherten_ID', 'Versicherter/Versicherten_ID');
  if (!kvnrText.ok) return kvnrText;
  if (kvnrText.data === undefined) return missing(name, 'Versicherter/Versicherten_ID', 'die Versichertennummer (KVNR)');
  const kvnr = parseKvnr(kvnrText.data);
  if (!kvnr.ok) {
    // parseKvnr's message never repeats the KVNR itself
    return egkError('bad-kvnr', `Die Gesundheitskarte nennt keine gültige Versichertennummer: ${kvnr.error.message} ${EGK_FALLBACK}`, `${name}: Versicherten_ID ${kvnr.error.reason}`);
  }

  const values: Partial<Record<PersonField, string>> = {};
  for (const field of PERSON_FIELDS) {
    const value = read(person, field, `Versicherter/Person/${field}`);
    if (!value.ok) return value;
    const trimmed = value.data?.trim();
    if (trimmed) values[field] = trimmed;
  }
  const { Geburtsdatum: geburtsdatum, Vorname: vorname, Nachname: nachname } = values;
  if (geburtsdatum === undefined) return missing(name, 'Versicherter/Person/Geburtsdatum', 'das Geburtsdatum');
  if (!isDate(geburtsdatum, true)) return badField(name, 'Versicherter/Person/Geburtsdatum', 'das Geburtsdatum', `${geburtsdatum.length} Zeichen, kein Datum yyyyMMdd`);
  if (vorname === undefined) return missing(name, 'Versicherter/Person/Vorname', 'den Vornamen');
  if (nachname === undefined) return missing(name, 'Versicherter/Person/Nachname', 'den Nachnamen');

  const address = person && child(person, 'StrassenAdresse');
  const strasse = read(address, 'Strasse', 'Versicherter/Person/StrassenAdresse/Strasse');
  if (!strasse.ok) return strasse;

  const data: PersonalData = { kvnr: kvnr.data, geburtsdatum, vorname, nachname };
  if (values.Vorsatzwort) data.vorsatzwort = values.Vorsatzwort;
  if (values.Namenszusatz) data.namenszusatz = values.Namenszusatz;
  if (values.Titel) data.titel = values.Titel;
  if (strasse.data !== undefined) data.strasse = strasse.data;
  return ok(data);
}

export function readInsuranceData(base64: string): Result<InsuranceData, EgkReadError> {
  const name: DocumentName = 'AllgemeineVersicherungsdaten';
  const root = unpack(base64, name);
  if (!root.ok) return root;
  const versicherter = child(root.data, 'Versicherter');
  const schutz = versicherter && child(versicherter, 'Versicherungsschutz');
  const path = 'Versicherter/Versicherungsschutz/Beginn';
  const beginn = text(schutz, 'Beginn', name, path);
  if (!beginn.ok) return beginn;
  if (beginn.data === undefined) return missing(name, path, 'den Beginn des Versicherungsschutzes');
  if (!isDate(beginn.data.replace(/ /g, ''), false)) return badField(name, path, 'den Beginn des Versicherungsschutzes', `${beginn.data.length} Zeichen, nicht yyyyMMdd`);
  return ok({ versicherungsbeginn: beginn.data });
}

export function readProof(base64: string): Result<ProofData, EgkReadError> {
  const name: DocumentName = 'Pruefungsnachweis';
  const root = unpack(base64, name);
  if (!root.ok) return root;
  const ts = text(root.data, 'TS', name, 'TS');
  if (!ts.ok) return ts;
  if (ts.data === undefined) return missing(name, 'TS', 'den Zeitpunkt der Online-Prüfung');
  const timestamp = ts.data.trim();
  if (!/^\d{14}$/.test(timestamp)) return badField(name, 'TS', 'den Zeitpunkt der Online-Prüfung', `${timestamp.length} Zeichen, nicht yyyyMMddHHmmss`);
  const e = text(root.data, 'E', name, 'E');
  if (!e.ok) return e;
  if (e.data === undefined) return missing(name, 'E', 'das Ergebnis der Online-Prüfung');
  const result = e.data.trim();
  if (result !== '1' && result !== '2' && result !== '3') {
    const shown = /^\d{1,3}$/.test(result) ? result : 'unbekannt';
    return egkError(
      'bad-proof-result',
      `Die Online-Prüfung der Gesundheitskarte meldet das Ergebnis ${shown}; damit lassen sich keine E-Rezepte abrufen. ${EGK_FALLBACK}`,
      `${name}: E=${shown}`,
    );
  }
  return ok({ timestamp, result: Number(result) as PnResult });
}

// ------------------------------------------------------------------------------------------------------------
// base64 → gunzip → characters → XML → root
// ------------------------------------------------------------------------------------------------------------

function unpack(base64: string, name: DocumentName): Result<Element, EgkReadError> {
  const { unreadable: message, namespace, root: rootName } = DOCUMENTS[name];
  const unreadable = (code: EgkReadError['code'], detail: string) => egkError(code, `${message} ${EGK_FALLBACK}`, `${name}: ${detail}`);

  if (base64.length > MAX_FIELD_CHARS) return unreadable('too-large', `${base64.length} Zeichen Base64`);
  // xs:base64Binary may carry whitespace (one recording pretty-prints it)
  const compact = base64.replace(/[ \t\r\n]+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return unreadable('not-base64', 'kein Base64');

  let bytes: Buffer;
  try {
    bytes = gunzipSync(Buffer.from(compact, 'base64'), { maxOutputLength: MAX_XML_BYTES });
  } catch (e) {
    if (e instanceof RangeError) return unreadable('too-large', `entpackt mehr als ${MAX_XML_BYTES} Bytes`);
    return unreadable('not-gzip', `kein gzip (${e instanceof Error ? e.message.split('\n')[0] : 'unbekannt'})`);
  }

  const characters = decodeDeclared(bytes);
  if (!characters.ok) return unreadable('bad-encoding', characters.error);
  // VSD documents have no DTD; refusing one rules out entity tricks
  if (/<!DOCTYPE/i.test(characters.data)) return unreadable('not-xml', 'DOCTYPE nicht erlaubt');

  let root: Element | null | undefined;
  let failure: string | undefined;
  try {
    root = new DOMParser({
      onError: (level, _message, context) => {
        // the parser's own message quotes the document — the patient's data —, so only its position goes on
        if (level !== 'warning') failure ??= positionOf(context);
      },
    }).parseFromString(characters.data, 'text/xml').documentElement;
  } catch {
    failure ??= '';
  }
  if (failure !== undefined || !root) return unreadable('not-xml', `kein wohlgeformtes XML${failure ? ` (${failure})` : ''}`);
  if (root.namespaceURI !== namespace || root.localName !== rootName) {
    return unreadable('wrong-document', `Wurzel ${knownRoot(root.localName)} statt ${rootName} (Namensraum ${root.namespaceURI === namespace ? 'passt' : 'falsch'})`);
  }
  return ok(root);
}

/** The characters by the XML declaration's `encoding` (XML's default: UTF-8). */
function decodeDeclared(bytes: Buffer): Result<string, string> {
  // the declaration is ASCII in both accepted character sets
  const declaration = /^<\?xml\s[^>]{0,200}?\?>/.exec(bytes.subarray(0, 256).toString('latin1'))?.[0];
  const encoding = declaration ? /\sencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]{0,39})\1/.exec(declaration)?.[2] : undefined;
  switch ((encoding ?? 'UTF-8').toUpperCase()) {
    case 'ISO-8859-15':
      return ok(decodeIso885915(bytes));
    case 'UTF-8':
      try {
        return ok(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch {
        return { ok: false, error: 'kein gültiges UTF-8' };
      }
    default:
      return { ok: false, error: `Zeichensatz ${encoding ?? ''} nicht unterstützt` };
  }
}

// ------------------------------------------------------------------------------------------------------------
// Fields
// ------------------------------------------------------------------------------------------------------------

/** The first child element `localName` in the parent's namespace. */
function child(parent: Element, localName: string): Element | undefined {
  for (let node: Node | null = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === localName && (node as Element).namespaceURI === parent.namespaceURI) return node as Element;
  }
  return undefined;
}

/**
 * The text of a leaf field, or undefined when the field (or its parent) is absent or empty. A field with child
 * elements, control characters or an absurd length is a `bad-field` — it is going to be shown at the counter.
 */
function text(parent: Element | undefined, localName: string, name: DocumentName, path: string): Result<string | undefined, EgkReadError> {
  const element = parent && child(parent, localName);
  if (!element) return ok(undefined);
  let value = '';
  for (let node: Node | null = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) return badField(name, path, `das Feld ${localName}`, 'enthält Elemente statt Text');
    // 3 = text, 4 = CDATA; comments and processing instructions are not content
    if (node.nodeType === 3 || node.nodeType === 4) value += node.nodeValue ?? '';
    if (value.length > MAX_TEXT) return badField(name, path, `das Feld ${localName}`, `länger als ${MAX_TEXT} Zeichen`);
  }
  // eslint-disable-next-line no-control-regex -- the value is shown at the counter and hashed into the hcv
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(value)) return badField(name, path, `das Feld ${localName}`, 'enthält Steuerzeichen');
  return ok(value.trim() === '' ? undefined : value);
}

/** yyyyMMdd; with `unknownAllowed` month and day may be 00 (VSDM's unknown parts of a birth date). */
function isDate(value: string, unknownAllowed: boolean): boolean {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (unknownAllowed && month === 0) return day === 0;
  if (month < 1 || month > 12) return false;
  if (unknownAllowed && day === 0) return true;
  return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function missing(name: DocumentName, path: string, what: string) {
  return egkError('missing-field', `Die Daten der Gesundheitskarte nennen ${what} nicht. ${EGK_FALLBACK}`, `${name}: ${path} fehlt`);
}

function badField(name: DocumentName, path: string, what: string, why: string) {
  return egkError('bad-field', `Die Daten der Gesundheitskarte enthalten ${what} nicht im erwarteten Format. ${EGK_FALLBACK}`, `${name}: ${path} ${why}`);
}

/** The parser's position (numbers only) from its error context, for the detail. */
function positionOf(context: unknown): string {
  const locator = (context as { locator?: { lineNumber?: unknown; columnNumber?: unknown } } | undefined)?.locator;
  const line = Number(locator?.lineNumber);
  const column = Number(locator?.columnNumber);
  return Number.isInteger(line) && Number.isInteger(column) ? `Zeile ${line}, Spalte ${column}` : '';
}

/** A root element name from the other side only when it is one of the VSD documents (a field mix-up); any other
 * name could be anything the card or Konnektor sent. */
function knownRoot(name: string | null): string {
  const known = ['UC_PersoenlicheVersichertendatenXML', 'UC_AllgemeineVersicherungsdatenXML', 'UC_GeschuetzteVersichertendatenXML', 'PN'];
  return name !== null && known.includes(name) ? name : '(ein anderes Element)';
}
