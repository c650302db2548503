/**
 * What may not go out in a reply's text, checked as the pharmacist types (spec erezept-pharmacy §3.11; main checks
 * the same again before sending). Two rules, as main applies them:
 *
 * - The Fachdienst refuses an unpaired UTF-16 surrogate (half an emoji, e.g. from a cut copy): its JSON parser
 *   cannot read the payload then. It counts lengths in Unicode code points: v1 `info_text` ≤ 500, v3 `text` ≤ 800.
 * - The app's own, stricter rule: gematik lists C0 and C1 control characters, U+FEFF (BOM) and U+FFFD as characters
 *   that must not be transmitted (api-erp erp_communication) — the patient's app would show garbage. Line breaks and
 *   tabs are text and stay allowed.
 */
import { replyLimits, type PayloadVersion } from '../../../../shared/erezept/communication';

export type RefusedKind = 'control' | 'bom' | 'replacement' | 'surrogate';

export interface RefusedCharacter {
  /** `U+0007` */
  codePoint: string;
  kind: RefusedKind;
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function refusedKindOf(codePoint: number): RefusedKind | undefined {
  if (codePoint === 0xfeff) return 'bom';
  if (codePoint === 0xfffd) return 'replacement';
  // iterating a string by code points yields an unpaired surrogate on its own
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'surrogate';
  // C0 (U+0000–U+001F) without tab and line breaks, DEL and C1 (U+007F–U+009F): Unicode's control characters (Cc)
  const c0 =
    codePoint <= 0x1f && codePoint !== TAB && codePoint !== LINE_FEED && codePoint !== CARRIAGE_RETURN;
  const delOrC1 = codePoint >= 0x7f && codePoint <= 0x9f;
  return c0 || delOrC1 ? 'control' : undefined;
}

const codePointLabel = (codePoint: number): string =>
  `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/** Every refused character of `text`, each once, in the order they first occur. */
export function refusedCharacters(text: string): RefusedCharacter[] {
  const found = new Map<number, RefusedKind>();
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const kind = refusedKindOf(codePoint);
    if (kind && !found.has(codePoint)) found.set(codePoint, kind);
  }
  return [...found].map(([codePoint, kind]) => ({ codePoint: codePointLabel(codePoint), kind }));
}

/** `text` without its refused characters (most are invisible: the pharmacist cannot find them to delete). */
export function withoutRefusedCharacters(text: string): string {
  let kept = '';
  for (const char of text) if (!refusedKindOf(char.codePointAt(0)!)) kept += char;
  return kept;
}

/** The text limit of the payload version the reply goes out in (v1 `info_text` 500, v3 `text` 800). */
export function replyTextLimit(version: PayloadVersion): number {
  return version === 3 ? replyLimits.textV3 : replyLimits.infoTextV1;
}

/** The length counted against the limit: Unicode code points, as the Fachdienst's schemas count (an emoji is one). */
export function replyTextLength(text: string): number {
  let count = 0;
  for (const _char of text) count += 1;
  return count;
}
