/**
 * The pharmacy's SMC-B in the Konnektor as the IDP sign-in's `CardSigner` (spec ti-transport §5 seam 3, §2.4,
 * §3.3–§3.5): the card chosen among the inserted SMC-Bs, PIN.SMC checked, C.HCI.AUT read with `Crypt=ECC` (RSA only
 * for a card without ECC key), the hash signed by `ExternalAuthenticate` and brought into the JWS form. Card handles
 * are volatile: after a Konnektor fault the card is looked up again and, if its handle changed, the call repeated once.
 */
import { derSignatureToRaw } from '../../ti-crypto/ecdsa-signature';
import type { CardSignature, CardSigner } from '../idp/card-signer';
import { TiError } from '../ti-error';
import { CardCertificateMissing, type CardCrypt, type KonnektorCard, type KonnektorClient } from './konnektor-client';
import { KonnektorFault } from './soap';

/** The Konnektor calls the signer needs (a `KonnektorClient` in production). */
export type SmcbKonnektor = Pick<KonnektorClient, 'getCards' | 'readCardCertificate' | 'externalAuthenticate' | 'getPinStatus'>;

export interface SmcbCardSignerOptions {
  /** the SMC-B chosen in the settings; required once several are inserted */
  iccsn?: string;
}

/** An inserted SMC-B as the settings screen lists it (no handle: it is volatile). */
export interface SmcbSummary {
  iccsn?: string;
  holderName?: string;
  certificateExpirationDate?: string;
  ctId?: string;
  slotId?: string;
}

export type SmcbProblem = 'none-found' | 'several-found' | 'configured-not-found' | 'not-unlocked';

/** A `TiError` on hop `smcb` saying what is wrong with the card, so the UI can offer the card picker or the PIN hint. */
export class SmcbError extends TiError {
  constructor(
    readonly problem: SmcbProblem,
    message: string,
    technical: string,
    code?: string,
  ) {
    super('smcb', message, technical, code);
    this.name = 'SmcbError';
  }
}

interface CardCertificate {
  der: Buffer;
  crypt: CardCrypt;
}

export class SmcbCardSigner implements CardSigner {
  private card?: Promise<KonnektorCard>;
  /** C.AUT per card handle: the certificate does not change while the handle lives */
  private readonly certificates = new Map<string, CardCertificate>();

  constructor(
    private readonly konnektor: SmcbKonnektor,
    private readonly options: SmcbCardSignerOptions = {},
  ) {}

  /** The inserted SMC-Bs, for choosing one in the settings. */
  async listSmcbs(): Promise<SmcbSummary[]> {
    const cards = await this.konnektor.getCards('SMC-B');
    return cards.map(({ iccsn, holderName, certificateExpirationDate, ctId, slotId }) => ({ iccsn, holderName, certificateExpirationDate, ctId, slotId }));
  }

  /**
   * „Verbindung prüfen“: the card chosen afresh (§3.3), PIN.SMC verified, C.HCI.AUT readable (§3.4) — everything
   * a sign-in needs from the SMC-B except the signature.
   */
  async checkCard(): Promise<SmcbSummary & { crypt: CardCrypt }> {
    this.forgetCard();
    const card = await this.currentCard();
    return this.withCard(async (handle) => {
      await this.requireUnlocked(handle);
      const { crypt } = await this.certificateOf(handle);
      const { iccsn, holderName, certificateExpirationDate, ctId, slotId } = card;
      return { iccsn, holderName, certificateExpirationDate, ctId, slotId, crypt };
    });
  }

  /**
   * The chosen SMC-B's handle, for calls that name the pharmacy's card beside another one (`ReadVSD`'s HpcHandle,
   * spec erezept-pharmacy §3.9).
   */
  async cardHandle(): Promise<string> {
    return (await this.currentCard()).handle;
  }

  async readAuthenticationCertificate(): Promise<Buffer> {
    return (await this.withCard((handle) => this.certificateOf(handle))).der;
  }

  async signHash(hash: Buffer): Promise<CardSignature> {
    if (hash.length !== 32) throw new RangeError(`Die SMC-B signiert einen SHA-256-Hash (32 Bytes), nicht ${hash.length} Bytes`);
    return this.withCard(async (handle) => {
      await this.requireUnlocked(handle);
      const { crypt } = await this.certificateOf(handle);
      const signature = await this.konnektor.externalAuthenticate(handle, hash, crypt);
      if (crypt === 'RSA') return { alg: 'PS256', signature };
      try {
        // the Konnektor answers ECDSA in DER; the JWS carries r‖s (§2.4 step 5, K14)
        return { alg: 'BP256R1', signature: derSignatureToRaw(signature) };
      } catch (e) {
        throw new TiError(
          'konnektor',
          'Der Konnektor hat eine unlesbare Signatur der SMC-B geliefert. Bitte erneut versuchen; bleibt es dabei, den Support verständigen.',
          `ExternalAuthenticate ECC: Signatur ist kein DER ECDSA-Sig-Value (${e instanceof Error ? e.message : 'unbekannt'})`,
        );
      }
    });
  }

  /**
   * Runs `call` with the card's handle. A Konnektor fault may mean the handle went stale (card re-inserted,
   * Konnektor restarted, §3.3): the card is looked up again, and only if its handle changed is the call repeated —
   * once. Otherwise the fault stands as it came.
   */
  private async withCard<T>(call: (handle: string) => Promise<T>): Promise<T> {
    const card = await this.currentCard();
    try {
      return await call(card.handle);
    } catch (e) {
      if (!(e instanceof KonnektorFault)) throw e;
      this.forgetCard();
      const fresh = await this.currentCard();
      if (fresh.handle === card.handle) throw e;
      return call(fresh.handle);
    }
  }

  private currentCard(): Promise<KonnektorCard> {
    if (!this.card) {
      const selection = this.selectCard();
      this.card = selection;
      selection.catch(() => {
        if (this.card === selection) this.forgetCard();
      });
    }
    return this.card;
  }

  private forgetCard(): void {
    this.card = undefined;
    this.certificates.clear();
  }

  /** §3.3: one SMC-B is taken; among several, the configured ICCSN decides. */
  private async selectCard(): Promise<KonnektorCard> {
    const cards = await this.konnektor.getCards('SMC-B');
    const listed = cards.map((card) => card.iccsn ?? '?').join(', ');
    const wanted = this.options.iccsn;
    if (wanted) {
      const card = cards.find((candidate) => candidate.iccsn === wanted);
      if (card) return card;
      throw new SmcbError(
        'configured-not-found',
        `Die eingestellte SMC-B (ICCSN ${wanted}) steckt nicht im Kartenterminal. Bitte die Karte stecken oder in den Einstellungen eine andere SMC-B auswählen.`,
        `GetCards SMC-B: ICCSN ${wanted} nicht unter ${cards.length} Karte(n) [${listed}]`,
      );
    }
    const [only, ...others] = cards;
    if (!only) {
      throw new SmcbError(
        'none-found',
        'Keine SMC-B im Kartenterminal gefunden. Bitte die SMC-B stecken und prüfen, ob sie im Konnektor diesem Arbeitsplatz zugeordnet ist.',
        'GetCards SMC-B: 0 Karten',
      );
    }
    if (others.length > 0) {
      throw new SmcbError('several-found', 'Mehrere SMC-B gefunden – bitte in den Einstellungen eine auswählen.', `GetCards SMC-B: ${cards.length} Karten [${listed}]`);
    }
    return only;
  }

  /** `Crypt=ECC` first; RSA only for a card that has no ECC certificate (§3.4). */
  private async certificateOf(handle: string): Promise<CardCertificate> {
    const cached = this.certificates.get(handle);
    if (cached) return cached;
    let certificate: CardCertificate;
    try {
      certificate = { der: await this.konnektor.readCardCertificate(handle, 'ECC'), crypt: 'ECC' };
    } catch (e) {
      if (!hasNoEccCertificate(e)) throw e;
      certificate = { der: await this.konnektor.readCardCertificate(handle, 'RSA'), crypt: 'RSA' };
    }
    this.certificates.set(handle, certificate);
    return certificate;
  }

  /** ExternalAuthenticate fails on a locked card; say so in words the pharmacy can act on (§3.3). */
  private async requireUnlocked(handle: string): Promise<void> {
    const { status, leftTries } = await this.konnektor.getPinStatus(handle, 'PIN.SMC');
    if (status === 'VERIFIED') return;
    const technical = `GetPinStatus PIN.SMC: ${status}${leftTries !== undefined ? `, ${leftTries} Versuche übrig` : ''}`;
    throw new SmcbError('not-unlocked', pinMessage(status), technical, status);
  }
}

function pinMessage(status: string): string {
  const base = 'SMC-B nicht freigeschaltet';
  switch (status) {
    case 'BLOCKED':
      return `${base} – die PIN ist gesperrt. Bitte die SMC-B mit der PUK entsperren (Verwaltung des Konnektors).`;
    case 'TRANSPORT_PIN':
    case 'EMPTY_PIN':
      return `${base} – die Karte hat noch keine eigene PIN. Bitte zuerst die PIN der SMC-B setzen (Verwaltung des Konnektors).`;
    default:
      return `${base} – bitte PIN am Kartenterminal eingeben.`;
  }
}

/**
 * How a Konnektor says the card has no ECC C.AUT (§3.4): an `X509DataInfo` without `X509Data` (the schema allows
 * it), or — read defensively, since which one a product answers could not be checked here — fault 4149 for the
 * asked key type.
 */
function hasNoEccCertificate(e: unknown): boolean {
  return e instanceof CardCertificateMissing || (e instanceof KonnektorFault && e.code === '4149');
}
