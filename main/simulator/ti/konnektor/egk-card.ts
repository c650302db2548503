/**
 * A simulated eGK (elektronische Gesundheitskarte) as the simulated Konnektor reads it for the eGK path (spec
 * erezept-pharmacy §3.9): the insurant's data from the card's VSD (Versichertenstammdaten) — what ReadVSD answers
 * (vsd-documents.ts) and what the Prüfziffer's `hcv` is made from (Versicherungsbeginn, Strasse).
 *
 * No keys: the simulation reads no certificate of the eGK and runs no card-to-card authentication.
 * The texts are ISO-8859-15 (the VSD documents' encoding, gematik's recorded ReadVSD answers): the control API
 * refuses other characters, and `toCardText` makes names taken from the simulator's own prescriptions fit.
 */
import { isIso885915 } from '../../egk/hcv';

export type EgkSex = 'M' | 'W' | 'D' | 'X';

export interface EgkCard {
  /** 20 digits */
  iccsn: string;
  /** Versicherten_ID, the 10-character KVNR */
  kvnr: string;
  givenName: string;
  surname: string;
  /** YYYYMMDD, as on the card */
  birthDate: string;
  /** Geschlecht (VSD 5.2: M, W, D, X) */
  sex: EgkSex;
  /** Strasse; "" when the card has none (then no `Strasse` in the VSD, and the hcv counts it as "") */
  street: string;
  houseNumber: string;
  postcode: string;
  city: string;
  /** Versicherungsschutz/Beginn, YYYYMMDD */
  insuranceStart: string;
  /** Kostentraeger/Name */
  insurerName: string;
  /** Kostentraeger/Kostentraegerkennung: the insurer's 9-digit IK */
  insurerId: string;
  /**
   * A stale card (spec erezept-pharmacy §3.9, hcv): the street the insurer's online check holds when the data on the
   * chip are outdated — the patient moved and the card was never updated. The Prüfziffer's hcv is then made from
   * this street while the VSD documents keep `street`, so the Fachdienst answers 458 (A_27445). Absent: card and
   * insurer agree.
   */
  insurerStreet?: string;
}

/** The street the hcv of this card's Prüfziffer is made from: the insurer's when the card is stale. */
export function onlineCheckStreetOf(card: EgkCard): string {
  return card.insurerStreet ?? card.street;
}

/** For a stale card: a current street at the insurer that surely differs from the one on the card. */
export function movedStreetOf(cardStreet: string): string {
  return cardStreet === 'Neue Straße' ? 'Am Neuen Markt' : 'Neue Straße';
}

/** What a real card reader shows as `CardHolderName` (GetCards): given name and surname. */
export function holderNameOf(card: EgkCard): string {
  return `${card.givenName} ${card.surname}`;
}

/**
 * An ICCSN for a card that came without one: 80 (health) 276 (Germany), then a made-up issuer part and the
 * KVNR's digits — the same patient gets the same card number each time.
 */
export function defaultIccsn(kvnr: string): string {
  return `8027600000${kvnr.slice(1).replace(/\D/g, '0').padStart(9, '0').slice(0, 9)}0`;
}

/**
 * A text from elsewhere (a generated prescription) made fit for the card: characters ISO-8859-15 lacks lose their
 * accents (NFD), what still does not fit becomes "?" — the card never carries what its encoding cannot hold.
 */
export function toCardText(text: string): string {
  let result = '';
  for (const char of text.normalize('NFC')) {
    if (isIso885915(char)) {
      result += char;
      continue;
    }
    const base = [...char.normalize('NFD')].filter((part) => isIso885915(part) && !/\p{M}/u.test(part)).join('');
    result += base === '' ? (TRANSLITERATIONS[char] ?? '?') : base;
  }
  return result;
}

/** Latin letters without a decomposition (NFD keeps them whole), as they are usually written without the mark. */
const TRANSLITERATIONS: Readonly<Record<string, string>> = { ı: 'i', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D' };
