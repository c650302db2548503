/**
 * Which characters of a reply the E-Rezept-Fachdienst refuses, and how it counts lengths — exactly as strict as the
 * Fachdienst, no stricter (spec erezept-pharmacy §3.11, checked against erp-processing-context 1.22):
 *
 * - The payload is a JSON text inside `contentString`; the Fachdienst parses it (CommunicationPayload.cxx,
 *   rapidjson) and answers 400 „Invalid JSON in payload.contentString“ when that fails. JSON.stringify writes an
 *   unpaired UTF-16 surrogate (half of an emoji, e.g. from a cut copy) as `\udXXX`, which that parser refuses. That is
 *   the one kind of character the Fachdienst refuses.
 * - It has no check for other non-printable characters. api-erp (erp_communication.adoc) lists C0 and C1 control
 *   codes, U+FEFF and U+FFFD as „dürfen nicht übertragen werden“ — a rule for the patient's app (E-Rezept-FdV), not
 *   enforced by the Fachdienst: the payload schemas have no pattern on text fields, and the FHIR string pattern
 *   `^[ \r\n\t\S]+$` uses `\S`, which the Fachdienst's schema validator (rapidjson's own regex) cannot compile, so it
 *   is not applied. Besides, JSON.stringify writes every C0 character as an escape, so `contentString` holds none.
 *   Line breaks (LF, CR) and tabs therefore pass, as every other character does.
 * - Lengths are counted in Unicode code points (rapidjson's maxLength), the payload size in UTF-8 bytes (≤ 10 240,
 *   CommunicationPayload::maxPayloadSize).
 */
import { replyLimits } from '../../erezept/communication';

/**
 * A payload longer than this is not read: the Fachdienst refuses more than 10 240 bytes, and every UTF-16 code unit
 * takes at least one UTF-8 byte, so no payload it accepted is longer.
 */
export const MAX_PAYLOAD_CHARS = replyLimits.payloadBytes;

/** At most this many characters are named one by one; the rest are counted. */
const MAX_NAMED = 5;

/**
 * German problems with the characters of `text` the Fachdienst refuses, each naming the position (counted in
 * characters from 1, as the pharmacist sees them) and the kind. Empty when the text can be sent.
 */
export function refusedCharacters(text: string): string[] {
  const positions: number[] = [];
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    position += 1;
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      i += 1; // a complete pair is one character
      continue;
    }
    if (isHighSurrogate(unit) || isLowSurrogate(unit)) positions.push(position);
  }
  const named = positions
    .slice(0, MAX_NAMED)
    .map(
      (at) =>
        `Zeichen ${at} ist ein unvollständiges Sonderzeichen (ein halbes Emoji oder Symbol, z. B. vom Kopieren) – der Fachdienst lehnt es ab; bitte löschen und neu eingeben.`,
    );
  const more = positions.length - named.length;
  return more > 0 ? [...named, `… und ${more} weitere solche Zeichen.`] : named;
}

/** Length as the Fachdienst's schema counts it: Unicode code points (an emoji is one). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) i += 1;
    count += 1;
  }
  return count;
}

/** Size in UTF-8 bytes, as the Fachdienst measures `contentString` (an unpaired surrogate would become 3 bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;
