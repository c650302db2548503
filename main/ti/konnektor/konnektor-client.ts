/**
 * The Konnektor's typed calls (spec ti-transport §3.3–§3.6, §5 seam 4): endpoints from `connector.sds`, the call
 * context on every request, element names and order as the gematik schemas declare them. Card handles are passed
 * through as the Konnektor gave them; choosing and re-resolving the card is the card signer's job.
 */
import { X509Certificate } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { TiError } from '../ti-error';
import { requireKonnektorSettings, type KonnektorConfig, type KonnektorContext, type KonnektorSettings } from './konnektor-config';
import { KonnektorHttp, type KonnektorHttpOptions } from './konnektor-http';
import { NS, SERVICE_NAMESPACE, type KonnektorService } from './namespaces';
import { KonnektorEndpoints } from './service-directory';
import { KonnektorFault, callSoap, childElements, childNamed, textOf, xml, type XmlElement } from './soap';

/** `CARDCMN:CardType` values (§3.3); others may appear and are passed through. */
export type CardType = 'SMC-B' | 'EGK' | 'HBA' | 'HBA-qSig' | 'SM-B' | 'HSM-B';

export interface KonnektorCard {
  /** volatile: changes when the card is re-inserted or the Konnektor restarts (§3.3) */
  handle: string;
  type: string;
  /** 20 digits */
  iccsn?: string;
  holderName?: string;
  /** `CertificateExpirationDate`, xs:date as given */
  certificateExpirationDate?: string;
  ctId?: string;
  slotId?: string;
  insertTime?: string;
  // `CardVersion` is not read: it is a structure (COSVersion, ObjectSystemVersion, … as in gematik's recorded eGK
  // answer), and its text content was whitespace and digits run together
}

/** Which of the card's keys (§3.4, §3.5): brainpoolP256r1 or RSA 2048. */
export type CardCrypt = 'ECC' | 'RSA';

/** `CARD:PinStatus` values (CardService v8.1); an unknown value is passed through as it came. */
export type PinStatusValue = 'VERIFIED' | 'TRANSPORT_PIN' | 'EMPTY_PIN' | 'BLOCKED' | 'VERIFIABLE' | 'NOT_VERIFIED' | 'DISABLED';

export interface PinStatus {
  status: PinStatusValue | (string & {});
  leftTries?: number;
}

export type VerificationResult = 'VALID' | 'INCONCLUSIVE' | 'INVALID';

export interface CertificateVerification {
  /** INCONCLUSIVE = valid offline, revocation unknown: a warning, not a failure (§3.6) */
  result: VerificationResult;
  /** role OIDs, e.g. IDP 1.2.276.0.76.4.260, FD VAU 1.2.276.0.76.4.258 */
  roles: string[];
}

/** The card has no C.AUT certificate of the asked key type (for ECC: an RSA-only card, §3.4). */
export class CardCertificateMissing extends TiError {
  constructor(
    readonly crypt: CardCrypt,
    technical: string,
  ) {
    super('smcb', 'Auf der SMC-B wurde kein Authentisierungszertifikat (C.AUT) gefunden. Bitte die Karte prüfen lassen.', technical);
    this.name = 'CardCertificateMissing';
  }
}

/** What ReadVSD returns (VSDService v5.2): the VSD documents as base64(gzip(XML)), still undecoded — main/egk/ reads them. */
export interface ReadVsdResult {
  persoenlicheVersichertendaten: string;
  allgemeineVersicherungsdaten: string;
  /** optional here: the eGK path does not need it */
  geschuetzteVersichertendaten?: string;
  /** `VSD_Status` as given; not interpreted here */
  vsdStatus: { status: string; timestamp?: string; version?: string };
  /** the Prüfungsnachweis (`pnw` of spec erezept-pharmacy §3.9), present when ReadOnlineReceipt was asked */
  pruefungsnachweis?: string;
}

export interface ReadVsdOptions {
  performOnlineCheck: boolean;
  readOnlineReceipt: boolean;
}

/** Why ReadVSD gave nothing usable: the Konnektor refused (card, SMC-B, online check) or sent no Prüfungsnachweis. */
export type VsdReadProblem = 'refused' | 'no-proof';

/** A `TiError` on hop `konnektor` for the eGK path (spec erezept-pharmacy §3.9); `code` is the Konnektor's, if any. */
export class VsdReadError extends TiError {
  constructor(
    readonly problem: VsdReadProblem,
    message: string,
    technical: string,
    code?: string,
  ) {
    super('konnektor', message, technical, code);
    this.name = 'VsdReadError';
  }
}

interface Operation {
  service: KonnektorService;
  namespace: string;
  name: string;
}

// each operation in the namespace its service is listed under in connector.sds (§3.1, §3.7)
const operation = (service: KonnektorService, name: string): Operation => ({ service, namespace: SERVICE_NAMESPACE[service], name });

const ACTIONS = {
  getCards: operation('EventService', 'GetCards'),
  readCardCertificate: operation('CertificateService', 'ReadCardCertificate'),
  verifyCertificate: operation('CertificateService', 'VerifyCertificate'),
  externalAuthenticate: operation('AuthSignatureService', 'ExternalAuthenticate'),
  getPinStatus: operation('CardService', 'GetPinStatus'),
  readVsd: operation('VSDService', 'ReadVSD'),
};

/** §3.5's table: the signature type (and for RSA the scheme) per card key. */
const SIGNATURE_TYPE: Record<CardCrypt, { type: string; scheme?: string }> = {
  ECC: { type: 'urn:bsi:tr:03111:ecdsa' },
  RSA: { type: 'urn:ietf:rfc:3447', scheme: 'RSASSA-PSS' },
};

const UNINTELLIGIBLE = 'Der Konnektor hat unverständlich geantwortet. Bitte den Konnektor prüfen; bleibt es dabei, den Support verständigen.';

export class KonnektorClient {
  private readonly http: KonnektorHttp;
  private readonly endpoints: KonnektorEndpoints;

  constructor(
    readonly settings: KonnektorSettings,
    options: KonnektorHttpOptions = {},
  ) {
    this.http = new KonnektorHttp(settings, options);
    this.endpoints = new KonnektorEndpoints(this.http, settings);
  }

  /** Validates the configuration first; an unusable one is a `KonnektorConfigError`. */
  static fromConfig(config: KonnektorConfig, options: KonnektorHttpOptions = {}): KonnektorClient {
    return new KonnektorClient(requireKonnektorSettings(config), options);
  }

  /**
   * „Verbindung prüfen“: reads `connector.sds` (§3.1) — the Konnektor answers, TLS and client authentication hold —
   * and says how many services it offers.
   */
  async checkReachable(): Promise<{ serviceCount: number }> {
    const directory = await this.endpoints.serviceDirectory();
    return { serviceCount: directory.services.size };
  }

  /** EventService v7.2 `GetCards` (§3.3). */
  async getCards(cardType: CardType = 'SMC-B'): Promise<KonnektorCard[]> {
    const answer = await this.call(ACTIONS.getCards, xml(NS.evt, 'GetCards', [contextOf(this.settings.context), xml(NS.cardcmn, 'CardType', cardType)]));
    const cards = childNamed(answer, 'Cards', NS.card);
    return (cards ? childElements(cards).filter((card) => card.localName === 'Card') : []).map((card) => {
      const field = (name: string) => textOf(childNamed(card, name));
      const handle = field('CardHandle');
      if (!handle) throw new TiError('konnektor', UNINTELLIGIBLE, 'GetCards: Card ohne CardHandle');
      const entry: KonnektorCard = { handle, type: field('CardType') ?? '' };
      const optional: [keyof KonnektorCard, string][] = [
        ['iccsn', 'Iccsn'],
        ['holderName', 'CardHolderName'],
        ['certificateExpirationDate', 'CertificateExpirationDate'],
        ['ctId', 'CtId'],
        ['slotId', 'SlotId'],
        ['insertTime', 'InsertTime'],
      ];
      for (const [key, name] of optional) {
        const value = field(name);
        if (value !== undefined) entry[key] = value;
      }
      return entry;
    });
  }

  /** CertificateService v6.0 `ReadCardCertificate` for `C.AUT` (§3.4): DER exactly as stored on the card. */
  async readCardCertificate(handle: string, crypt: CardCrypt): Promise<Buffer> {
    const answer = await this.call(ACTIONS.readCardCertificate,
      xml(NS.cert, 'ReadCardCertificate', [
        xml(NS.conn, 'CardHandle', handle),
        contextOf(this.settings.context),
        xml(NS.cert, 'CertRefList', [xml(NS.cert, 'CertRef', 'C.AUT')]),
        xml(NS.cert, 'Crypt', crypt),
      ]),
    );
    const infos = Array.from(answer.getElementsByTagNameNS(NS.certcmn, 'X509DataInfo'));
    const aut = infos.find((info) => (textOf(childNamed(info, 'CertRef')) ?? 'C.AUT') === 'C.AUT');
    const base64 = aut ? textOf(Array.from(aut.getElementsByTagNameNS(NS.certcmn, 'X509Certificate'))[0]) : undefined;
    if (!base64) throw new CardCertificateMissing(crypt, `ReadCardCertificate: kein C.AUT-Zertifikat mit Crypt=${crypt} (${infos.length} X509DataInfo)`);
    const der = decodeBase64(base64, 'ReadCardCertificate X509Certificate');
    try {
      new X509Certificate(der);
    } catch {
      throw new TiError('konnektor', UNINTELLIGIBLE, 'ReadCardCertificate: X509Certificate ist kein X.509-Zertifikat');
    }
    return der;
  }

  /**
   * AuthSignatureService `ExternalAuthenticate` (§3.5): the card signs the 32 bytes as they are, without hashing
   * again (K17). ECC answers with a DER `ECDSA-Sig-Value`, RSA with the raw RSASSA-PSS signature.
   */
  async externalAuthenticate(handle: string, hash: Buffer, crypt: CardCrypt): Promise<Buffer> {
    if (hash.length !== 32) throw new RangeError(`ExternalAuthenticate erwartet einen SHA-256-Hash (32 Bytes), nicht ${hash.length}`);
    const signature = SIGNATURE_TYPE[crypt];
    const optionalInputs: XmlElement[] = [xml(NS.dss, 'SignatureType', signature.type)];
    if (signature.scheme) optionalInputs.push(xml(NS.sig, 'SignatureSchemes', signature.scheme));
    const answer = await this.call(ACTIONS.externalAuthenticate,
      xml(NS.sig, 'ExternalAuthenticate', [
        xml(NS.conn, 'CardHandle', handle),
        contextOf(this.settings.context),
        xml(NS.sig, 'OptionalInputs', optionalInputs),
        xml(NS.sig, 'BinaryString', [xml(NS.dss, 'Base64Data', hash.toString('base64'), { MimeType: 'application/octet-stream' })]),
      ]),
    );
    const base64 = textOf(firstDescendant(answer, NS.dss, 'Base64Signature'));
    if (!base64) throw new TiError('konnektor', UNINTELLIGIBLE, 'ExternalAuthenticate: keine dss:Base64Signature in der Antwort');
    return decodeBase64(base64, 'ExternalAuthenticate Base64Signature');
  }

  /** CardService v8.1 `GetPinStatus`; for the SMC-B the PIN is `PIN.SMC` (§3.3: the card must be unlocked). */
  async getPinStatus(handle: string, pinType = 'PIN.SMC'): Promise<PinStatus> {
    const answer = await this.call(ACTIONS.getPinStatus,
      xml(NS.card, 'GetPinStatus', [contextOf(this.settings.context), xml(NS.conn, 'CardHandle', handle), xml(NS.cardcmn, 'PinTyp', pinType)]),
    );
    const status = textOf(childNamed(answer, 'PinStatus'));
    if (!status) throw new TiError('konnektor', UNINTELLIGIBLE, 'GetPinStatus: kein PinStatus in der Antwort');
    const leftTries = Number.parseInt(textOf(childNamed(answer, 'LeftTries')) ?? '', 10);
    return { status, ...(Number.isInteger(leftTries) ? { leftTries } : {}) };
  }

  /** CertificateService v6.0 `VerifyCertificate` (§3.6). */
  async verifyCertificate(der: Buffer, at?: Date): Promise<CertificateVerification> {
    const request: XmlElement[] = [contextOf(this.settings.context), xml(NS.certcmn, 'X509Certificate', der.toString('base64'))];
    if (at) request.push(xml(NS.cert, 'VerificationTime', at.toISOString()));
    const answer = await this.call(ACTIONS.verifyCertificate, xml(NS.cert, 'VerifyCertificate', request));
    const result = textOf(firstDescendant(answer, undefined, 'VerificationResult'));
    if (result !== 'VALID' && result !== 'INCONCLUSIVE' && result !== 'INVALID') {
      throw new TiError('konnektor', UNINTELLIGIBLE, `VerifyCertificate: VerificationResult ${result ?? 'fehlt'}`);
    }
    const roleList = firstDescendant(answer, undefined, 'RoleList');
    const roles = (roleList ? childElements(roleList).filter((role) => role.localName === 'Role') : []).map((role) => textOf(role)).filter((role): role is string => role !== undefined);
    return { result, roles };
  }

  /**
   * VSDService v5.2 `ReadVSD` (spec erezept-pharmacy §3.9): reads the eGK in `egkHandle`; with the online check the
   * SMC-B in `smcbHandle` authenticates the pharmacy, and the Prüfungsnachweis comes back for `GET /Task?…&pnw=`.
   * Elements in the order of gematik's recorded request (EhcHandle, HpcHandle, PerformOnlineCheck,
   * ReadOnlineReceipt, Context). The base64 fields are returned without the XML's whitespace (xs:base64Binary).
   */
  async readVsd(egkHandle: string, smcbHandle: string, options: ReadVsdOptions = { performOnlineCheck: true, readOnlineReceipt: true }): Promise<ReadVsdResult> {
    let answer: Element;
    try {
      answer = await this.call(ACTIONS.readVsd,
        xml(NS.vsd, 'ReadVSD', [
          xml(NS.vsd, 'EhcHandle', egkHandle),
          xml(NS.vsd, 'HpcHandle', smcbHandle),
          xml(NS.vsd, 'PerformOnlineCheck', String(options.performOnlineCheck)),
          xml(NS.vsd, 'ReadOnlineReceipt', String(options.readOnlineReceipt)),
          contextOf(this.settings.context),
        ]),
      );
    } catch (e) {
      if (!(e instanceof KonnektorFault)) throw e;
      const first = e.traces.find((trace) => trace.code) ?? e.traces[0];
      const text = first?.errorText ?? e.faultString;
      const detail = [first?.code ? `Fehler ${first.code}` : undefined, text ? oneLine(text) : undefined].filter(Boolean).join(': ');
      throw new VsdReadError(
        'refused',
        `Die Gesundheitskarte ließ sich über den Konnektor nicht lesen${detail ? ` (${detail})` : ''}. Bitte die Karte neu stecken und es noch einmal versuchen; bleibt es dabei, den Konnektor-Administrator fragen.`,
        e.technical,
        e.code,
      );
    }
    const field = (name: string) => {
      const text = textOf(childNamed(answer, name, NS.vsd));
      return text === undefined ? undefined : text.replace(/\s+/g, '');
    };
    const persoenlicheVersichertendaten = field('PersoenlicheVersichertendaten');
    const allgemeineVersicherungsdaten = field('AllgemeineVersicherungsdaten');
    const statusElement = childNamed(answer, 'VSD_Status', NS.vsd);
    const status = statusElement ? textOf(childNamed(statusElement, 'Status', NS.vsd)) : undefined;
    if (!persoenlicheVersichertendaten || !allgemeineVersicherungsdaten || status === undefined) {
      const missing = [!persoenlicheVersichertendaten && 'PersoenlicheVersichertendaten', !allgemeineVersicherungsdaten && 'AllgemeineVersicherungsdaten', status === undefined && 'VSD_Status/Status'].filter(Boolean);
      throw new TiError('konnektor', UNINTELLIGIBLE, `ReadVSD: ${missing.join(', ')} fehlt in der Antwort`);
    }
    const result: ReadVsdResult = { persoenlicheVersichertendaten, allgemeineVersicherungsdaten, vsdStatus: { status } };
    const geschuetzteVersichertendaten = field('GeschuetzteVersichertendaten');
    if (geschuetzteVersichertendaten) result.geschuetzteVersichertendaten = geschuetzteVersichertendaten;
    const timestamp = textOf(statusElement && childNamed(statusElement, 'Timestamp', NS.vsd));
    const version = textOf(statusElement && childNamed(statusElement, 'Version', NS.vsd));
    if (timestamp) result.vsdStatus.timestamp = timestamp;
    if (version) result.vsdStatus.version = version;
    const pruefungsnachweis = field('Pruefungsnachweis');
    if (pruefungsnachweis) result.pruefungsnachweis = pruefungsnachweis;
    else if (options.readOnlineReceipt) {
      throw new VsdReadError(
        'no-proof',
        'Der Konnektor hat keinen Prüfungsnachweis der Online-Prüfung geliefert; ohne ihn lassen sich die E-Rezepte der Gesundheitskarte nicht abrufen. Bitte es noch einmal versuchen; bleibt es dabei, den Konnektor-Administrator fragen.',
        `ReadVSD: kein Pruefungsnachweis trotz ReadOnlineReceipt=true (VSD_Status ${status})`,
      );
    }
    return result;
  }

  private async call(action: Operation, request: XmlElement): Promise<Element> {
    return callSoap(this.http, await this.endpoints.endpointOf(action.service), action, request);
  }
}

/** `CCTX:Context` with its `CONN:` children in schema order (§3.2). */
function contextOf(context: KonnektorContext): XmlElement {
  const children = [xml(NS.conn, 'MandantId', context.mandantId), xml(NS.conn, 'ClientSystemId', context.clientSystemId), xml(NS.conn, 'WorkplaceId', context.workplaceId)];
  if (context.userId) children.push(xml(NS.conn, 'UserId', context.userId));
  return xml(NS.cctx, 'Context', children);
}

function firstDescendant(parent: Element, namespace: string | undefined, localName: string): Element | undefined {
  return Array.from(parent.getElementsByTagNameNS(namespace ?? '*', localName))[0];
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- the Konnektor's text goes into a one-line message
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 160 ? `${clean.slice(0, 159)}…` : clean;
}

function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new TiError('konnektor', UNINTELLIGIBLE, `${what}: kein Base64`);
  return Buffer.from(compact, 'base64');
}
