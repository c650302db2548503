/**
 * What the simulated Konnektor knows at runtime and what the control API can change (spec ti-transport §4.3):
 * which of the loaded cards are inserted (and under which handle), whether each SMC-B's PIN is verified, and
 * whether the Konnektor is reachable at all. For the eGK path (spec erezept-pharmacy §3.9): which eGK sits in the
 * card terminal of which workplace, and whether the online check of the VSD (the insurer's service) is available.
 *
 * Card handles are volatile like a real Konnektor's (§3.3): a card keeps its handle while it stays inserted;
 * pulling and re-inserting it, or a reset (a Konnektor restart), gives a new one from a counter that never goes
 * back, so a handle a client kept from before is unknown afterwards. The PIN status stays with the card (ICCSN)
 * across a re-insert — a simplification: a real card would need PIN.SMC again, here the control API decides.
 */
import type { CardMaterial } from './card-material';
import type { EgkCard } from './egk-card';

/** The one simulated card terminal all SMC-Bs sit in (GetCards reports it as CtId). */
export const CARD_TERMINAL_ID = 'CT-SIM-01';

/**
 * Each workplace has its own card terminal for the patients' eGKs (as at a pharmacy counter): `CT-<WorkplaceId>`,
 * the card in slot 1. A workplace the control API put an eGK at is known to the Konnektor's information model from
 * then on (until a reset), beside the configured one.
 */
export const egkTerminalId = (workplaceId: string): string => `CT-${workplaceId}`;
const EGK_SLOT = 1;
/** an eGK's certificates are valid for five years; the simulated card's say so from its insertion */
const EGK_VALIDITY_YEARS = 5;

export interface InsertedCard {
  handle: string;
  card: CardMaterial;
  ctId: string;
  /** the card's position in the loaded material, from 1; stable across re-inserts */
  slotId: number;
  insertTime: Date;
}

export interface InsertedEgk {
  handle: string;
  card: EgkCard;
  workplaceId: string;
  ctId: string;
  slotId: number;
  insertTime: Date;
  /** GetCards' CertificateExpirationDate, YYYY-MM-DD */
  certificateExpirationDate: string;
}

/** Whether the online check of ReadVSD reaches the insurer's service; `unavailable` gives a PN with result 3. */
export type OnlineCheck = 'ok' | 'unavailable';

export interface KonnektorStateOptions {
  /** at start and after a reset: only the first loaded card (default) or all of them */
  inserted?: 'first' | 'all';
  /** time source for `InsertTime` (the simulator clock) */
  now?: () => Date;
}

export class UnknownCardError extends Error {
  constructor(readonly iccsn: string) {
    super(`Karte ${iccsn} ist im Simulator nicht geladen`);
    this.name = 'UnknownCardError';
  }
}

export class KonnektorState {
  /** every request answers 503 while true */
  down = false;
  onlineCheck: OnlineCheck = 'ok';
  private inserted: InsertedCard[] = [];
  /** workplace → the eGK in its terminal (undefined: the terminal is empty) */
  private readonly egkTerminals = new Map<string, InsertedEgk | undefined>();
  private readonly pinVerifiedByIccsn = new Map<string, boolean>();
  private handleCounter = 0;
  private readonly now: () => Date;
  private readonly initiallyInserted: 'first' | 'all';

  constructor(
    readonly cards: readonly CardMaterial[],
    options: KonnektorStateOptions = {},
  ) {
    this.now = options.now ?? ((): Date => new Date());
    this.initiallyInserted = options.inserted ?? 'first';
    this.reset();
  }

  /** Back to the start configuration, as after a Konnektor restart: up, PINs verified, new handles, no eGK. */
  reset(): void {
    this.down = false;
    this.onlineCheck = 'ok';
    this.egkTerminals.clear();
    this.pinVerifiedByIccsn.clear();
    for (const card of this.cards) this.pinVerifiedByIccsn.set(card.iccsn, true);
    this.inserted = [];
    const start = this.initiallyInserted === 'all' ? this.cards : this.cards.slice(0, 1);
    this.setInserted(start.map((card) => card.iccsn));
  }

  insertedCards(): readonly InsertedCard[] {
    return this.inserted;
  }

  cardByHandle(handle: string): InsertedCard | undefined {
    return this.inserted.find((slot) => slot.handle === handle);
  }

  /** Exactly these cards are inserted afterwards; cards that stay keep their handle, new ones get a new one. */
  setInserted(iccsns: readonly string[]): void {
    const wanted = new Set(iccsns);
    for (const iccsn of wanted) this.cardOf(iccsn);
    const next: InsertedCard[] = [];
    this.cards.forEach((card, index) => {
      if (!wanted.has(card.iccsn)) return;
      next.push(this.inserted.find((slot) => slot.card.iccsn === card.iccsn) ?? this.insert(card, index));
    });
    this.inserted = next;
  }

  /** Pull every inserted card and put it back: new handles, new insert times (the eGKs too). */
  reinsert(): void {
    this.inserted = this.inserted.map((slot) => this.insert(slot.card, slot.slotId - 1));
    for (const [workplaceId, egk] of this.egkTerminals) {
      if (egk !== undefined) this.insertEgk(workplaceId, egk.card);
    }
  }

  /** Puts `card` into the terminal of `workplaceId` (a card already there is pulled first): a new handle. */
  insertEgk(workplaceId: string, card: EgkCard): InsertedEgk {
    this.handleCounter += 1;
    const insertTime = this.now();
    const expiry = new Date(insertTime);
    expiry.setUTCFullYear(expiry.getUTCFullYear() + EGK_VALIDITY_YEARS);
    const inserted: InsertedEgk = {
      handle: `EGK-${this.handleCounter}`,
      card,
      workplaceId,
      ctId: egkTerminalId(workplaceId),
      slotId: EGK_SLOT,
      insertTime,
      certificateExpirationDate: expiry.toISOString().slice(0, 10),
    };
    this.egkTerminals.set(workplaceId, inserted);
    return inserted;
  }

  /** Pulls the eGK at `workplaceId`; false when its terminal was empty. The workplace stays known. */
  removeEgk(workplaceId: string): boolean {
    const present = this.egkTerminals.get(workplaceId) !== undefined;
    this.egkTerminals.set(workplaceId, undefined);
    return present;
  }

  /** The eGK in the terminal of this workplace, if any. */
  egkAt(workplaceId: string): InsertedEgk | undefined {
    return this.egkTerminals.get(workplaceId);
  }

  /** Whether this workplace has an eGK terminal (the control API put a card there since the last reset). */
  hasEgkTerminal(workplaceId: string): boolean {
    return this.egkTerminals.has(workplaceId);
  }

  /** For the control API: the eGK terminals and what is in them, and the online check. */
  egkSnapshot(): {
    onlineCheck: OnlineCheck;
    terminals: { workplaceId: string; ctId: string; egk: (EgkCard & { handle: string; insertTime: string }) | null }[];
  } {
    return {
      onlineCheck: this.onlineCheck,
      terminals: [...this.egkTerminals].map(([workplaceId, egk]) => ({
        workplaceId,
        ctId: egkTerminalId(workplaceId),
        egk: egk === undefined ? null : { handle: egk.handle, insertTime: egk.insertTime.toISOString(), ...egk.card },
      })),
    };
  }

  pinVerified(iccsn: string): boolean {
    return this.pinVerifiedByIccsn.get(this.cardOf(iccsn).iccsn) ?? false;
  }

  setPinVerified(iccsn: string, verified: boolean): void {
    this.pinVerifiedByIccsn.set(this.cardOf(iccsn).iccsn, verified);
  }

  /** For the control API: what is loaded, inserted and unlocked. */
  snapshot(): {
    down: boolean;
    cards: { iccsn: string; holderName: string; telematikId: string; inserted: boolean; handle: string | null; pinVerified: boolean }[];
  } {
    return {
      down: this.down,
      cards: this.cards.map((card) => {
        const slot = this.inserted.find((candidate) => candidate.card.iccsn === card.iccsn);
        return {
          iccsn: card.iccsn,
          holderName: card.holderName,
          telematikId: card.telematikId,
          inserted: slot !== undefined,
          handle: slot?.handle ?? null,
          pinVerified: this.pinVerified(card.iccsn),
        };
      }),
    };
  }

  private insert(card: CardMaterial, index: number): InsertedCard {
    this.handleCounter += 1;
    return {
      handle: `${card.cardType}-${this.handleCounter}`,
      card,
      ctId: CARD_TERMINAL_ID,
      slotId: index + 1,
      insertTime: this.now(),
    };
  }

  private cardOf(iccsn: string): CardMaterial {
    const card = this.cards.find((candidate) => candidate.iccsn === iccsn);
    if (card === undefined) throw new UnknownCardError(iccsn);
    return card;
  }
}
