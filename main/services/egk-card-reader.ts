/**
 * The eGK at this workplace's card terminal, through the Konnektor (spec erezept-pharmacy §3.9): `GetCards`
 * (CardType=EGK, the workplace's context) to see whether one is inserted, `ReadVSD` with online check and receipt
 * to read it, and main/egk to turn the answer into the proof for `GET /Task`. In training the Konnektor is the
 * simulator's (`<simulator>/konnektor`, default workplace); with backend `ti` the pharmacy's.
 */
import { AppFailure, failure, HopFailure } from '../errors';
import { readEgkProof } from '../egk/egk-proof';
import type { KonnektorClient } from '../ti/konnektor/konnektor-client';
import type { SmcbCardSigner } from '../ti/konnektor/smcb-card-signer';
import type { Clock } from './clock';
import type { EgkCardReader, EgkCardSlot, EgkReading } from './egk-lookup';

export class KonnektorEgkReader implements EgkCardReader {
  constructor(
    private readonly deps: {
      konnektor: Pick<KonnektorClient, 'getCards' | 'readVsd'>;
      smcb: Pick<SmcbCardSigner, 'cardHandle'>;
      clock: Clock;
    },
  ) {}

  async inserted(): Promise<EgkCardSlot | undefined> {
    const [card] = await this.konnektorCall(() => this.deps.konnektor.getCards('EGK'));
    if (!card) return undefined;
    return { ...(card.ctId ? { ctId: card.ctId } : {}), ...(card.slotId ? { slotId: card.slotId } : {}) };
  }

  async read(): Promise<EgkReading> {
    const cards = await this.konnektorCall(() => this.deps.konnektor.getCards('EGK'));
    const at = this.deps.clock.now();
    if (cards.length === 0) throw failure('egk-missing', 'Im Kartenterminal dieses Arbeitsplatzes steckt keine Gesundheitskarte. Bitte die eGK stecken.', { at });
    if (cards.length > 1) {
      throw failure('egk-several', 'An diesem Arbeitsplatz stecken mehrere Gesundheitskarten. Bitte nur die Karte des Patienten stecken lassen.', { at });
    }
    const [card] = cards;
    const answer = await this.konnektorCall(async () => this.deps.konnektor.readVsd(card?.handle ?? '', await this.deps.smcb.cardHandle()));
    const proof = readEgkProof(answer);
    if (!proof.ok) throw failure(`egk-${proof.error.code}`, proof.error.message, { detail: proof.error.detail, at });
    const { kvnr, hcv, pnw, patient } = proof.data;
    return { proof: { kind: 'vsdm', kvnr, hcv, pnw }, patient, pnResult: proof.data.pnResult };
  }

  /** A Konnektor or SMC-B failure names its hop in German (A_23814); nothing reached the Fachdienst. */
  private async konnektorCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof AppFailure || !(e instanceof HopFailure)) throw e;
      throw failure(`ti-${e.hop}`, e.message, { detail: e.technical, system: 'ti', retry: 'never', at: this.deps.clock.now() });
    }
  }
}
