/**
 * What the simulated Konnektor knows at runtime and what the control API can change (spec ti-transport §4.3):
 * which of the loaded cards are inserted (and under which handle), whether each SMC-B's PIN is verified, and
 * whether the Konnektor is reachable at all.
 *
 * Card handles are volatile like a real Konnektor's (§3.3): a card keeps its handle while it stays inserted;
 * pulling and re-inserting it, or a reset (a Konnektor restart), gives a new one from a counter that never goes
 * back, so a handle a client kept from before is unknown afterwards. The PIN status stays with the card (ICCSN)
 * across a re-insert — a simplification: a real card would need PIN.SMC again, here the control API decides.
 */
import type { CardMaterial } from './card-material';

/** The one simulated card terminal all cards sit in (GetCards reports it as CtId). */
export const CARD_TERMINAL_ID = 'CT-SIM-01';

export interface InsertedCard {
  handle: string;
  card: CardMaterial;
  ctId: string;
  /** the card's position in the loaded material, from 1; stable across re-inserts */
  slotId: number;
  insertTime: Date;
}

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
  private inserted: InsertedCard[] = [];
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

  /** Back to the start configuration, as after a Konnektor restart: up, PINs verified, new handles. */
  reset(): void {
    this.down = false;
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

  /** Pull every inserted card and put it back: new handles, new insert times. */
  reinsert(): void {
    this.inserted = this.inserted.map((slot) => this.insert(slot.card, slot.slotId - 1));
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
