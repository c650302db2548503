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
import { findUnsendableCharacters, withoutUnsendableCharacters, type UnsendableKind } from '../../../../shared/erezept/message-characters';

export type RefusedKind = UnsendableKind;

export interface RefusedCharacter {
  /** `U+0007` */
  codePoint: string;
  kind: RefusedKind;
}

/** Every refused character of `text`, each once, in the order they first occur (the rule: shared/erezept/message-characters.ts). */
export function refusedCharacters(text: string): RefusedCharacter[] {
  return findUnsendableCharacters(text).map(({ codePoint, kind }) => ({ codePoint, kind }));
}

/** `text` without its refused characters (most are invisible: the pharmacist cannot find them to delete). */
export const withoutRefusedCharacters = withoutUnsendableCharacters;

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
