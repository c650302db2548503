/**
 * The `hcv` of `GET /Task?kvnr=…&hcv=…&pnw=…` (spec erezept-pharmacy §3.9): it ties the listing to data only the
 * inserted card carries. The first 5 bytes of SHA-256 over Versicherungsbeginn (spaces removed) followed by the
 * Strasse (trimmed; "" if the card has none), both in ISO-8859-15, the top bit of byte 0 cleared, Base64URL
 * without padding. The Fachdienst compares it with the one in the Prüfungsnachweis (458 when they differ).
 */
import { createHash } from 'node:crypto';
import { ok, type Result } from '../../shared/ipc/result';
import { EGK_FALLBACK, egkError, type EgkReadError } from './egk-error';
import { encodeIso885915 } from './iso-8859-15';

export function computeHcv(versicherungsbeginn: string, strasse: string | undefined): Result<string, EgkReadError> {
  const bytes = encodeIso885915(`${versicherungsbeginn.replace(/ /g, '')}${(strasse ?? '').trim()}`);
  if (!bytes) {
    // a street read from an ISO-8859-15 document always fits; one from a UTF-8 document may not
    return egkError('unencodable', `Die Anschrift auf der Gesundheitskarte enthält Zeichen, mit denen sich der Anwesenheitsnachweis nicht bilden lässt. ${EGK_FALLBACK}`, 'hcv: Versicherungsbeginn/Strasse nicht in ISO-8859-15 darstellbar');
  }
  const h40 = Buffer.from(createHash('sha256').update(bytes).digest().subarray(0, 5));
  h40[0] = (h40[0] ?? 0) & 0x7f;
  return ok(h40.toString('base64url'));
}
