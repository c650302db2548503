/**
 * Prescriptions by eGK at the counter (spec §3.9): the patient's card at this workplace's card terminal is read
 * through the Konnektor (`ReadVSD` with online check → KVNR, `hcv`, Prüfungsnachweis), the Fachdienst lists the
 * patient's redeemable prescriptions (`GET /Task?kvnr&hcv&pnw`, every page), and the ones the pharmacist ticks are
 * claimed like scanned codes. AccessCodes never leave main: a lookup keeps them for a few minutes under an id.
 * The ones not ticked are not claimed (A_23152: a pharmacy claims only what it supplies).
 */
import { randomUUID } from 'node:crypto';
import { parseAccessCode, parsePrescriptionId, type PrescriptionId } from '../../shared/erezept/identifiers';
import type { ErezeptToken } from '../../shared/erezept/token';
import { readEgkTaskList } from '../../shared/fhir/fachdienst-responses';
import type { ScanOutcome } from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { EgkPresenceProof } from '../fachdienst/client';
import type { Clock } from './clock';

/** The card at the workplace's terminal, as the Konnektor lists it (`GetCards` CardType=EGK). */
export interface EgkCardSlot {
  ctId?: string;
  slotId?: string;
}

/** What reading the card yields: the proof for the Fachdienst and whom it names. */
export interface EgkReading {
  proof: EgkPresenceProof;
  patient: { name: string; birthDate?: string };
  /** the Prüfungsnachweis' result: 3 = the online check was not possible (the Fachdienst answers 454 or 202) */
  pnResult?: number;
}

/** The Konnektor side (main/egk over the Konnektor client; a fake in unit tests). */
export interface EgkCardReader {
  inserted(): Promise<EgkCardSlot | undefined>;
  read(): Promise<EgkReading>;
}

/** What the counter shows of a lookup (the IPC contract's shape once the eGK dialog exists). */
export interface EgkLookup {
  /** refers to this list in `accept` (valid for ten minutes, in main only) */
  lookupId: string;
  patient: { name: string; birthDate?: string };
  /** 202: the Fachdienst accepted a proof whose online check was not possible (result 3) */
  offlineProofAccepted: boolean;
  total: number;
  prescriptions: Array<{ prescriptionId: string; flowType?: string; authoredOn?: string; acceptDate?: string; expiryDate?: string }>;
  /** German: entries the app could not use (named, never dropped) */
  unreadable: string[];
}

export interface EgkFachdienst {
  listByEgk(proof: EgkPresenceProof, page?: string): Promise<{ status: number; body: unknown }>;
}

/** The pages followed at most (50 entries each, spec §3.9): a patient with more is not a counter case. */
const MAX_PAGES = 4;
/** How long a lookup's AccessCodes are kept for „Übernehmen“. */
const LOOKUP_TTL_MS = 10 * 60_000;

interface KeptLookup {
  tokens: Map<string, ErezeptToken>;
  expiresAt: number;
}

export class EgkLookupService {
  private readonly lookups = new Map<string, KeptLookup>();

  constructor(
    private readonly deps: {
      reader: () => EgkCardReader;
      fachdienst: EgkFachdienst;
      accept: (tokens: readonly ErezeptToken[]) => Promise<{ results: ScanOutcome[] }>;
      clock: Clock;
    },
  ) {}

  async poll(): Promise<{ card: EgkCardSlot | null }> {
    return { card: (await this.deps.reader().inserted()) ?? null };
  }

  async lookup(): Promise<EgkLookup> {
    const reading = await this.deps.reader().read();
    const tokens = new Map<string, ErezeptToken>();
    const prescriptions: EgkLookup['prescriptions'] = [];
    const unreadable: string[] = [];
    let offlineProofAccepted = false;
    let total = 0;
    let page: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const answer = await this.deps.fachdienst.listByEgk(reading.proof, page);
      offlineProofAccepted ||= answer.status === 202;
      const list = readEgkTaskList(answer.body);
      if (!list.ok) {
        throw failure('fachdienst', `Die Rezeptliste des E-Rezept-Fachdienstes ist nicht lesbar: ${list.error} Bitte erneut versuchen.`, {
          detail: `GET Task (eGK) → HTTP ${answer.status}`,
          system: 'fachdienst',
          at: this.deps.clock.now(),
        });
      }
      total = list.data.total;
      unreadable.push(...list.data.unreadable);
      for (const task of list.data.tasks) {
        const id = parsePrescriptionId(task.prescriptionId);
        const accessCode = parseAccessCode(task.accessCode);
        if (!id.ok || !accessCode.ok) {
          unreadable.push(`${task.prescriptionId}: Rezept-ID oder AccessCode ungültig`);
          continue;
        }
        tokens.set(id.data, { prescriptionId: id.data, accessCode: accessCode.data, token: `Task/${id.data}/$accept?ac=${accessCode.data}` });
        prescriptions.push({
          prescriptionId: id.data,
          ...(task.flowType ? { flowType: task.flowType } : {}),
          ...(task.authoredOn ? { authoredOn: task.authoredOn } : {}),
          ...(task.acceptDate ? { acceptDate: task.acceptDate } : {}),
          ...(task.expiryDate ? { expiryDate: task.expiryDate } : {}),
        });
      }
      page = list.data.nextQuery;
      if (page === undefined) break;
    }
    if (page !== undefined) unreadable.push(`Weitere Rezepte nach ${MAX_PAGES * 50} Einträgen wurden nicht geladen.`);
    const lookupId = randomUUID();
    this.forgetExpired();
    this.lookups.set(lookupId, { tokens, expiresAt: this.deps.clock.now().getTime() + LOOKUP_TTL_MS });
    return { lookupId, patient: reading.patient, offlineProofAccepted, total, prescriptions, unreadable };
  }

  /** Claims the ticked prescriptions of a lookup, in the order listed; the lookup is used up. */
  async accept(lookupId: string, prescriptionIds: readonly PrescriptionId[]): Promise<{ results: ScanOutcome[] }> {
    this.forgetExpired();
    const kept = this.lookups.get(lookupId);
    if (!kept) {
      throw failure('egk-lookup-expired', 'Die Rezeptliste zur Gesundheitskarte ist abgelaufen. Bitte die Karte erneut einlesen.', { at: this.deps.clock.now() });
    }
    const tokens = prescriptionIds.map((id) => kept.tokens.get(id));
    const missing = prescriptionIds.filter((_, index) => tokens[index] === undefined);
    if (missing.length > 0) {
      throw failure('not-found', `Diese Rezepte stehen nicht in der Liste zur Gesundheitskarte: ${missing.join(', ')}.`, { at: this.deps.clock.now() });
    }
    this.lookups.delete(lookupId);
    return this.deps.accept(tokens.filter((token): token is ErezeptToken => token !== undefined));
  }

  private forgetExpired(): void {
    const now = this.deps.clock.now().getTime();
    for (const [id, kept] of this.lookups) if (kept.expiresAt <= now) this.lookups.delete(id);
  }
}
