/**
 * The E-Rezept-Token parser (spec §2): what a scanner or the keyboard delivers when the pharmacist scans the
 * patient's DataMatrix. A_22078 requires validating scanned content before use, so only the exact grammar is
 * accepted and nothing is ever built from the input beyond the two validated identifiers:
 *
 *   code  = ws ( json / token ) ws                      ws = space, tab, CR, LF (nothing else)
 *   json  = '{' ws '"urls"' ws ':' ws '[' ws token-string *( ws ',' ws token-string ) ws ']' ws '}'
 *           with 1–3 tokens (A_19553-01, A_24571); any other key, a duplicate key or a non-string is refused
 *   token = 'Task/' PrescriptionID '/$accept?ac=' AccessCode   (A_19554; AccessCode = 64 lowercase hex)
 *
 * Decisions: strict about the JSON — only the key `urls`, exactly once (a second `urls` key would let a hostile
 * code hide which tokens JSON.parse picks). JSON string escapes such as `\/` are allowed because the decoded
 * token is checked against the same strict grammar. One bad token rejects the whole code: a code that carries
 * one forged token is not trusted for the others either. Only pharmacy flow types pass (spec §1.2).
 */
import { err, ok, type Result } from '../ipc/result';
import {
  flowTypeOf,
  isPharmacyFlowType,
  parseAccessCode,
  parsePrescriptionId,
  safeExcerpt,
  type AccessCode,
  type PrescriptionId,
} from './identifiers';

export interface ErezeptToken {
  prescriptionId: PrescriptionId;
  accessCode: AccessCode;
  /** canonical `Task/<id>/$accept?ac=<ac>` */
  token: string;
}

export type TokenErrorReason =
  | 'empty'
  | 'too-long'
  | 'control-characters'
  | 'not-json'
  | 'bad-shape'
  | 'no-tokens'
  | 'too-many-tokens'
  | 'absolute-url'
  | 'bad-token'
  | 'bad-prescription-id'
  | 'bad-access-code'
  | 'trailing-garbage'
  | 'duplicate-token'
  | 'foreign-flow-type';

export interface TokenError {
  reason: TokenErrorReason;
  /** German, for the pharmacist; never echoes more than a short, sanitised excerpt and never an AccessCode. */
  message: string;
}

/** A DataMatrix cannot carry more (ISO/IEC 16022: ≤ 1556 bytes); three tokens need about 330 characters. */
export const maxErezeptCodeLength = 2048;
/** A_19553-01, A_24571: one DataMatrix carries 1–3 tokens; more prescriptions come as several codes. */
export const maxTokensPerCode = 3;

const tokenPrefix = 'Task/';
const acceptInfix = '/$accept?';

// Only JSON whitespace counts as surrounding whitespace. NBSP, zero-width and full-width characters are not
// whitespace here (String.prototype.trim would remove some of them silently).
const surroundingWhitespace = /^[ \t\r\n]+|[ \t\r\n]+$/g;
/** C0 controls, DEL and C1 controls; TAB, LF and CR only count when `inToken` (they may surround or sit inside JSON). */
function hasControlCharacter(text: string, inToken: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const whitespace = c === 0x09 || c === 0x0a || c === 0x0d;
    if ((c < 0x20 && (inToken || !whitespace)) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

const expectedToken = 'Task/<Rezept-ID>/$accept?ac=<AccessCode>';

function tokenError(reason: TokenErrorReason, message: string): TokenError {
  return { reason, message };
}

/**
 * Parses what a scanner or the keyboard delivered as an E-Rezept code: the DataMatrix JSON `{"urls":[…]}` with
 * 1–3 tokens or one bare token `Task/<id>/$accept?ac=<ac>` (spec §2, A_19554, A_19553-01). Validates strictly
 * before anything is used (A_22078) and returns the tokens in code order, or the first problem found.
 */
export function parseErezeptCode(input: string): Result<ErezeptToken[], TokenError> {
  if (input.length > maxErezeptCodeLength) {
    return err(
      tokenError(
        'too-long',
        `Der Code ist zu lang für einen E-Rezept-Code (mehr als ${maxErezeptCodeLength} Zeichen).`,
      ),
    );
  }
  if (hasControlCharacter(input, false)) {
    return err(tokenError('control-characters', 'Der Code enthält Steuerzeichen und wird nicht verwendet.'));
  }
  const text = input.replace(surroundingWhitespace, '');
  if (text === '') return err(tokenError('empty', 'Der Scan ist leer.'));

  if (text.startsWith('{') || text.startsWith('[')) return parseJsonCode(text);

  const single = parseToken(text);
  return single.ok ? ok([single.data]) : single;
}

/** The canonical token string (A_19554): `Task/<PrescriptionID>/$accept?ac=<AccessCode>`. */
export function formatToken(id: PrescriptionId, ac: AccessCode): string {
  return `${tokenPrefix}${id}/$accept?ac=${ac}`;
}

/**
 * The relative path to POST for $accept, e.g. `Task/160.000.000.000.123.76/$accept` (spec §3.2) — resolved only
 * against the configured Fachdienst base, never against anything from the scan. The AccessCode goes separately
 * (query `ac` or header `X-AccessCode`), so it is not part of the path.
 */
export function acceptPathOf(token: ErezeptToken): string {
  return `${tokenPrefix}${token.prescriptionId}/$accept`;
}

// ---------------------------------------------------------------------------------------------
// JSON form {"urls": [...]} (A_19553-01)
// ---------------------------------------------------------------------------------------------

// The only accepted layout of the object, once JSON.parse has accepted it; rejects duplicate keys.
const jsonString = String.raw`"(?:[^"\\]|\\.)*"`;
const ws = '[ \\t\\r\\n]*';
const strictUrlsObject = new RegExp(
  `^\\{${ws}"urls"${ws}:${ws}\\[${ws}(?:${jsonString}${ws}(?:,${ws}${jsonString}${ws})*)?\\]${ws}\\}$`,
);

function parseJsonCode(text: string): Result<ErezeptToken[], TokenError> {
  const end = endOfJsonValue(text);
  if (end === undefined) return err(notJson());
  if (end < text.length) return err(trailingGarbage(text.slice(end), 'dem JSON-Objekt'));

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err(notJson());
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err(badShape());
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'urls') {
    return err(
      tokenError('bad-shape', 'Der E-Rezept-Code enthält andere Felder als „urls“ und wird nicht verwendet.'),
    );
  }
  const urls: unknown = (value as { urls: unknown }).urls;
  if (!Array.isArray(urls) || !urls.every((u): u is string => typeof u === 'string')) return err(badShape());
  if (!strictUrlsObject.test(text)) return err(badShape());
  if (urls.length === 0) return err(tokenError('no-tokens', 'Der E-Rezept-Code enthält keine Verordnung.'));
  if (urls.length > maxTokensPerCode) {
    return err(
      tokenError(
        'too-many-tokens',
        `Der E-Rezept-Code enthält ${urls.length} Verordnungen; erlaubt sind höchstens ${maxTokensPerCode} je Code.`,
      ),
    );
  }

  const tokens: ErezeptToken[] = [];
  for (const [index, url] of urls.entries()) {
    // JSON escapes (\u0000, \n) can smuggle in what the raw-text check could not see.
    const parsed = hasControlCharacter(url, true)
      ? err(
          tokenError(
            'control-characters',
            'Das E-Rezept-Token enthält Steuerzeichen und wird nicht verwendet.',
          ),
        )
      : parseToken(url);
    if (!parsed.ok) {
      const where = urls.length > 1 ? `Verordnung ${index + 1} von ${urls.length}: ` : '';
      return err({ reason: parsed.error.reason, message: where + parsed.error.message });
    }
    if (tokens.some((t) => t.prescriptionId === parsed.data.prescriptionId)) {
      return err(
        tokenError(
          'duplicate-token',
          `Der E-Rezept-Code enthält die Verordnung ${parsed.data.prescriptionId} mehrfach.`,
        ),
      );
    }
    tokens.push(parsed.data);
  }
  return ok(tokens);
}

/**
 * Index just after the JSON object or array that starts at index 0, or undefined when it is never closed.
 * Only brackets outside strings count; whether the text between is valid JSON is JSON.parse's job.
 */
function endOfJsonValue(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

const notJson = (): TokenError =>
  tokenError('not-json', 'Der E-Rezept-Code ist kein gültiges JSON und wird nicht verwendet.');
const badShape = (): TokenError =>
  tokenError('bad-shape', 'Der E-Rezept-Code hat nicht die Form {"urls": [...]} und wird nicht verwendet.');

// ---------------------------------------------------------------------------------------------
// One token Task/<id>/$accept?ac=<ac> (A_19554)
// ---------------------------------------------------------------------------------------------

// A scheme ("https:", "javascript:"), a network path ("//host") or an absolute path ("/Task", "\\host").
const absoluteReference = /^(?:[A-Za-z][A-Za-z0-9+.-]*:|[/\\])/;
// Characters after the AccessCode that turn the token into a different request rather than mere junk.
const requestSyntax = /^[&;?#/\\%]/;

function parseToken(raw: string): Result<ErezeptToken, TokenError> {
  if (absoluteReference.test(raw)) {
    return err(
      tokenError(
        'absolute-url',
        'Das E-Rezept-Token enthält eine vollständige Adresse statt eines relativen Tokens und wird aus Sicherheitsgründen nicht verwendet.',
      ),
    );
  }
  if (raw.startsWith('ChargeItem/')) {
    return err(
      tokenError('bad-token', 'Dies ist ein Code für die PKV-Abrechnungsinformation, kein E-Rezept-Token.'),
    );
  }
  if (!raw.startsWith(tokenPrefix)) return err(badToken(`Kein E-Rezept-Token: „${safeExcerpt(raw, 16)}“.`));

  const afterPrefix = raw.slice(tokenPrefix.length);
  const infixAt = afterPrefix.indexOf(acceptInfix);
  if (infixAt < 0) return err(badToken(`Kein gültiges E-Rezept-Token (erwartet: ${expectedToken}).`));
  const idText = afterPrefix.slice(0, infixAt);
  const query = afterPrefix.slice(infixAt + acceptInfix.length);

  // Path tricks: another segment, dot segments, percent-encoding or backslashes never belong to an id.
  if (/[/\\%]/.test(idText) || idText.includes('..')) {
    return err(badToken('Das E-Rezept-Token enthält einen manipulierten Pfad und wird nicht verwendet.'));
  }
  const id = parsePrescriptionId(idText);
  if (!id.ok)
    return err(tokenError('bad-prescription-id', `Ungültiges E-Rezept-Token – ${id.error.message}`));

  if (!query.startsWith('ac=')) {
    return err(badToken(`Das E-Rezept-Token hat unerwartete Parameter (erwartet: ${expectedToken}).`));
  }
  const hexRun = /^[0-9a-fA-F]*/.exec(query.slice(3))?.[0] ?? '';
  const rest = query.slice(3 + hexRun.length);
  const ac = parseAccessCode(hexRun);
  if (!ac.ok) {
    // The value itself is never echoed: an AccessCode is a secret (architecture §9.4).
    return err(
      tokenError(
        'bad-access-code',
        'Der AccessCode im E-Rezept-Token ist ungültig (64 Hex-Zeichen in Kleinbuchstaben erwartet).',
      ),
    );
  }
  if (rest !== '') {
    if (requestSyntax.test(rest)) {
      return err(
        badToken('Das E-Rezept-Token hat zusätzliche Parameter oder einen Anhang und wird nicht verwendet.'),
      );
    }
    return err(trailingGarbage(rest, 'dem E-Rezept-Token'));
  }

  const flowType = flowTypeOf(id.data);
  if (!isPharmacyFlowType(flowType)) {
    const why =
      flowType === '162'
        ? 'ist eine DiGA-Verordnung (Flowtype 162) und wird von der Krankenkasse eingelöst, nicht in der Apotheke'
        : `hat den Flowtype ${flowType}, der nicht in der Apotheke eingelöst wird`;
    return err(tokenError('foreign-flow-type', `Die Verordnung ${id.data} ${why}.`));
  }

  return ok({ prescriptionId: id.data, accessCode: ac.data, token: formatToken(id.data, ac.data) });
}

function badToken(message: string): TokenError {
  return tokenError('bad-token', message);
}

function trailingGarbage(rest: string, after: string): TokenError {
  return tokenError(
    'trailing-garbage',
    `Nach ${after} folgen unerwartete Zeichen („${safeExcerpt(rest, 12)}“); der Code wird nicht verwendet.`,
  );
}
