/**
 * The app's own rule for texts it sends to a patient (a pharmacy check, stricter than the Fachdienst on purpose):
 * gematik lists C0 and C1 control characters, the byte order mark U+FEFF and the replacement character U+FFFD as
 * characters that must not be transmitted in a message's payload (api-erp erp_communication; spec erezept-pharmacy
 * §3.11). The Fachdienst itself does not refuse them (shared/fhir/communication/characters.ts), but the patient's app
 * would show them as garbage. Line breaks and tabs are text and stay allowed. An unpaired UTF-16 surrogate (half an
 * emoji from a cut copy) is refused as well: that one the Fachdienst refuses too (its JSON parser cannot read it).
 * Used by main before sending and by the renderer's reply composer as the pharmacist types.
 */

export type UnsendableKind = 'control' | 'bom' | 'replacement' | 'surrogate';

export interface UnsendableCharacter {
  /** `U+0007` */
  codePoint: string;
  kind: UnsendableKind;
  /** the first position, counted in characters from 1 as the pharmacist sees them */
  position: number;
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

function kindOf(codePoint: number): UnsendableKind | undefined {
  if (codePoint === 0xfeff) return 'bom';
  if (codePoint === 0xfffd) return 'replacement';
  // iterating a string by code points yields an unpaired surrogate on its own
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'surrogate';
  const c0 = codePoint <= 0x1f && codePoint !== TAB && codePoint !== LINE_FEED && codePoint !== CARRIAGE_RETURN;
  // DEL and the C1 controls (U+007F–U+009F): Unicode's other control characters (Cc)
  const delOrC1 = codePoint >= 0x7f && codePoint <= 0x9f;
  return c0 || delOrC1 ? 'control' : undefined;
}

/** Every unsendable character of `text`, each once, in the order they first occur. */
export function findUnsendableCharacters(text: string): UnsendableCharacter[] {
  const found = new Map<number, UnsendableCharacter>();
  let position = 0;
  for (const char of text) {
    position += 1;
    const codePoint = char.codePointAt(0) ?? 0;
    const kind = kindOf(codePoint);
    if (kind && !found.has(codePoint)) {
      found.set(codePoint, { codePoint: `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`, kind, position });
    }
  }
  return [...found.values()];
}

const describe: Record<UnsendableKind, string> = {
  control: 'ein Steuerzeichen',
  bom: 'eine unsichtbare Byte-Order-Markierung',
  replacement: 'ein Ersatzzeichen (�) für ein unlesbares Zeichen',
  surrogate: 'ein halbes Sonderzeichen (z. B. ein unvollständig kopiertes Emoji)',
};

/** German problems for the pharmacist, one per character kind found; empty when the text can be sent. */
export function unsendableCharacters(text: string): string[] {
  return findUnsendableCharacters(text).map(
    (c) => `Zeichen ${c.position} (${c.codePoint}) ist ${describe[c.kind]} und kann nicht an die E-Rezept-App gesendet werden – bitte löschen.`,
  );
}

/** `text` without its unsendable characters (most are invisible: the pharmacist cannot find them to delete). */
export function withoutUnsendableCharacters(text: string): string {
  let kept = '';
  for (const char of text) if (!kindOf(char.codePointAt(0) ?? 0)) kept += char;
  return kept;
}
