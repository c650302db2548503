/**
 * The messages with the patients' apps (spec erezept-pharmacy §3.11, §9.3): Zuweisungen (DispReq) fetched from the
 * Fachdienst into the inbox „Nachrichten“, accepted like a scanned code (the AccessCode never leaves main), and the
 * pharmacy's replies (Communication_Reply) sent per case and deletable.
 *
 * Untrusted input: what `GET /Communication` brings is read by shared/fhir/communication (strict token parser, size
 * caps); nothing of a message is ever a URL the app follows. Privacy: the content is stored only encrypted
 * (store/messages.ts), erased with the case's personal data (A_19251) and, for Zuweisungen never accepted, after the
 * retention period; the audit trail gets ids, operation and staff only — never names, addresses or texts.
 */
import { randomUUID } from 'node:crypto';
import type { DispReqWish, IncomingDispReq, ReplyContent, SentReply } from '../../shared/erezept/communication';
import { parseAccessCode, type PrescriptionId } from '../../shared/erezept/identifiers';
import { formatToken, type ErezeptToken } from '../../shared/erezept/token';
import { unsendableCharacters } from '../../shared/erezept/message-characters';
import { buildReply, checkReply, readCommunications } from '../../shared/fhir/communication';
import type { FhirResourceJson } from '../../shared/fhir/xml';
import type { AppError, CaseMessages, MessageInbox, ReplyInput, ScanOutcome, StaffMember } from '../../shared/ipc/contract';
import { AppFailure, failure } from '../errors';
import type { Store } from '../store/store';
import type { MessageRecord } from '../store/messages';
import type { Clock } from './clock';
import type { EventHub } from './events';

/** The Fachdienst calls this service makes (main/fachdienst/client.ts; a fake in unit tests). */
export interface MessagesFachdienst {
  listCommunications(query?: { unreadOnly?: boolean; page?: string }): Promise<{ status: number; body: unknown }>;
  sendCommunication(resource: FhirResourceJson): Promise<{ id: string; body: unknown }>;
  deleteCommunication(id: string): Promise<void>;
}

export interface MessagesServiceDeps {
  store: Store;
  fachdienst: MessagesFachdienst;
  /** claims like a scan (WorkflowService.acceptListed: journaled $accept, A_23801 for a case already here) */
  accept: (tokens: readonly ErezeptToken[]) => Promise<{ results: ScanOutcome[] }>;
  staff: () => StaffMember;
  /** days a Zuweisung never accepted is kept (a setting, default 30) */
  retentionDays: () => number;
  clock: Clock;
  events: EventHub;
}

/** The pages of one refresh followed at most (a pharmacy with more unread messages gets the rest next time). */
const MAX_PAGES = 10;
/** What the inbox lists at most; older handled Zuweisungen stay in their cases. */
const INBOX_LIMIT = 200;
const DAY_MS = 86_400_000;

/** What a stored Zuweisung holds (encrypted as a whole, store/messages.ts). */
interface StoredRequest {
  kvnr: string;
  accessCode: string;
  flowType?: string;
  wish?: DispReqWish;
  wishProblem?: string;
}

/** What a stored reply holds. */
interface StoredReply {
  kvnr: string;
  content?: ReplyContent;
}

export interface RefreshResult {
  /** messages stored for the first time */
  added: number;
  /** German: messages that could not be read (named, never dropped silently) */
  unreadable: string[];
}

export class MessagesService {
  private lastRefresh: { at: string; added: number; unreadable: string[] } | undefined;
  private lastFailure: AppError | undefined;

  constructor(private readonly deps: MessagesServiceDeps) {}

  /**
   * Fetches the unread messages (`received=NULL`; the Fachdienst stamps them received with this fetch, §3.11) and
   * stores the new ones. A message this pharmacy sent (a reply from another counter) is stored as sent.
   */
  async refresh(): Promise<RefreshResult> {
    const now = this.nowIso();
    let added = 0;
    const unreadable: string[] = [];
    let page: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages += 1) {
      const answer = await this.deps.fachdienst.listCommunications(page === undefined ? { unreadOnly: true } : { page });
      const read = readCommunications(answer.body);
      if (!read.ok) {
        throw failure('fachdienst', `Die Nachrichten des E-Rezept-Fachdienstes sind nicht lesbar: ${read.error} Bitte später erneut abrufen.`, {
          detail: `GET Communication → HTTP ${answer.status}`,
          system: 'fachdienst',
          at: this.deps.clock.now(),
        });
      }
      unreadable.push(...read.data.unreadable.map((u) => (u.communicationId ? `Nachricht ${u.communicationId}: ${u.problem}` : u.problem)));
      await this.deps.store.transaction(async () => {
        for (const message of read.data.messages) if (await this.store(message, now)) added += 1;
      });
      page = read.data.nextPage;
      if (page === undefined) break;
    }
    await this.eraseExpired();
    this.lastRefresh = { at: now, added, unreadable };
    this.lastFailure = undefined;
    if (added > 0) this.deps.events.emit({ type: 'messages-changed' });
    return { added, unreadable };
  }

  async inbox(): Promise<MessageInbox> {
    const records = await this.deps.store.messages.listRequests(INBOX_LIMIT);
    const requests = [];
    for (const record of records) {
      const stored = record.content as StoredRequest | undefined;
      const local = await this.deps.store.cases.get(record.prescriptionId);
      requests.push({
        communicationId: record.communicationId,
        prescriptionId: record.prescriptionId,
        sent: record.sentAt,
        state: record.state === 'accepted' || record.state === 'dismissed' ? record.state : ('new' as const),
        ...(record.handledAt ? { handledAt: record.handledAt } : {}),
        ...(record.handledBy ? { handledBy: record.handledBy } : {}),
        ...(stored?.wish ? { wish: stored.wish } : {}),
        ...(stored?.wishProblem ? { wishProblem: stored.wishProblem } : {}),
        hasCase: local !== undefined,
      });
    }
    return {
      open: await this.deps.store.messages.countOpenRequests(),
      requests,
      ...(this.lastRefresh ? { lastRefresh: this.lastRefresh } : {}),
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    };
  }

  /** An automatic refresh failed (offline, 429 …): the inbox says so until the next one succeeds. */
  noteRefreshFailure(error: unknown): void {
    this.lastFailure =
      error instanceof AppFailure
        ? error.appError
        : failure('internal', 'Die Nachrichten konnten nicht abgerufen werden.', { detail: error instanceof Error ? error.name : 'unbekannt', at: this.deps.clock.now() }).appError;
  }

  /** „Annehmen“: claims the prescription of a Zuweisung with its AccessCode ($accept through the journal). */
  async acceptRequest(communicationId: string): Promise<ScanOutcome> {
    const staff = this.deps.staff();
    const record = await this.requireRequest(communicationId);
    const stored = record.content as StoredRequest | undefined;
    const accessCode = parseAccessCode(stored?.accessCode ?? '');
    if (!stored || !accessCode.ok) {
      throw failure('message-erased', 'Diese Zuweisung enthält keinen Zugangscode mehr (gelöscht). Bitte die Patientin oder den Patienten, das Rezept erneut zuzuweisen.', {
        at: this.deps.clock.now(),
      });
    }
    const token: ErezeptToken = { prescriptionId: record.prescriptionId, accessCode: accessCode.data, token: formatToken(record.prescriptionId, accessCode.data) };
    const [outcome] = (await this.deps.accept([token])).results;
    if (!outcome) throw failure('internal', 'Interner Fehler der App: keine Antwort auf die Übernahme.', { at: this.deps.clock.now() });
    if (outcome.ok) {
      await this.deps.store.messages.markHandled(communicationId, 'new', 'accepted', this.nowIso(), staff.kuerzel);
      await this.deps.store.audit.append({ at: this.nowIso(), staff: staff.kuerzel, operation: 'message-accept', prescriptionId: record.prescriptionId, result: 'ok' });
      this.deps.events.emit({ type: 'messages-changed' });
    }
    return outcome;
  }

  /** „Verwerfen“: the Zuweisung leaves the open ones; nothing is claimed (A_23152). Its content goes after the retention period. */
  async dismissRequest(communicationId: string): Promise<MessageInbox> {
    const staff = this.deps.staff();
    const record = await this.requireRequest(communicationId);
    if (!(await this.deps.store.messages.markHandled(communicationId, 'new', 'dismissed', this.nowIso(), staff.kuerzel))) {
      throw failure('conflict', 'Diese Zuweisung ist bereits bearbeitet.', { at: this.deps.clock.now() });
    }
    await this.deps.store.audit.append({ at: this.nowIso(), staff: staff.kuerzel, operation: 'message-dismiss', prescriptionId: record.prescriptionId, result: 'ok' });
    this.deps.events.emit({ type: 'messages-changed' });
    return this.inbox();
  }

  /** The thread of one prescription (A_23796): the patient's Zuweisung(en) and the replies, oldest first. */
  async caseMessages(prescriptionId: PrescriptionId): Promise<CaseMessages> {
    const records = await this.deps.store.messages.listFor(prescriptionId);
    const request = [...records].reverse().find((r) => r.kind === 'dispreq' && r.content !== undefined);
    const wish = (request?.content as StoredRequest | undefined)?.wish;
    const kvnr = await this.recipientOf(prescriptionId, records);
    return {
      messages: records.map((record) => toCaseMessage(record)),
      replyVersion: replyVersionFor(wish),
      ...(wish?.supplyOption ? { supplyOption: wish.supplyOption } : {}),
      canReply: kvnr !== undefined,
      ...(kvnr === undefined ? { cannotReplyReason: 'Für dieses Rezept ist keine Versichertennummer bekannt – eine Nachricht kann nicht adressiert werden.' } : {}),
    };
  }

  /**
   * Sends a reply in the payload version the patient used (v1 where both are possible, §3.11), after checking the
   * characters and lengths the Fachdienst refuses (before anything is sent). Stored as sent with the id the
   * Fachdienst gave it.
   */
  async sendReply(input: ReplyInput): Promise<CaseMessages> {
    const staff = this.deps.staff();
    const id = input.prescriptionId as PrescriptionId;
    const records = await this.deps.store.messages.listFor(id);
    const kvnr = await this.recipientOf(id, records);
    if (kvnr === undefined) {
      throw failure('message-no-recipient', 'Für dieses Rezept ist keine Versichertennummer bekannt – die Nachricht kann nicht adressiert werden.', { at: this.deps.clock.now() });
    }
    const request = [...records].reverse().find((r) => r.kind === 'dispreq' && r.content !== undefined);
    const wish = (request?.content as StoredRequest | undefined)?.wish;
    const version = replyVersionFor(wish);
    const content: ReplyContent = {
      version,
      // v1 names the supply option; a pick-up code means the patient comes to the pharmacy (the Fachdienst refuses a
      // v1 pick-up code with any other option). v3 has no such field.
      ...(version === 1 ? { supplyOption: input.pickUpCode ? 'onPremise' : (wish?.supplyOption ?? input.supplyOption ?? 'onPremise') } : {}),
      text: input.text,
      // v1 carries the code for reading and for the DataMatrix; a v3 message carries one kind (the readable code)
      ...(input.pickUpCode ? (version === 1 ? { pickUpCodeHR: input.pickUpCode, pickUpCodeDMC: input.pickUpCode } : { pickUpCodeHR: input.pickUpCode }) : {}),
      ...(input.availability ? { availability: input.availability } : {}),
      ...(version === 3 && wish?.transactionId ? { transactionId: wish.transactionId } : {}),
    };
    // the Fachdienst's own checks (shared/fhir/communication), then the app's: no control characters to the patient
    const problems = [...checkReply(content), ...unsendableCharacters(input.text)];
    if (problems.length > 0) {
      throw failure('message-invalid', `Nicht gesendet: ${problems.join(' ')}`, { at: this.deps.clock.now() });
    }
    const resource = buildReply({ prescriptionId: id, recipientKvnr: kvnr, content });
    let sent: { id: string };
    try {
      sent = await this.deps.fachdienst.sendCommunication(resource);
    } catch (e) {
      await this.deps.store.audit.append({ at: this.nowIso(), staff: staff.kuerzel, operation: 'message-reply', prescriptionId: id, result: 'failed' });
      throw e;
    }
    const now = this.nowIso();
    await this.deps.store.transaction(async () => {
      await this.deps.store.messages.insertIfNew({
        communicationId: sent.id || `local-${randomUUID()}`,
        kind: 'reply',
        prescriptionId: id,
        sentAt: now,
        storedAt: now,
        state: 'sent',
        handledBy: staff.kuerzel,
        content: { kvnr, content } satisfies StoredReply,
      });
      await this.deps.store.audit.append({ at: now, staff: staff.kuerzel, operation: 'message-reply', prescriptionId: id, result: 'ok', httpStatus: 201 });
    });
    this.deps.events.emit({ type: 'messages-changed' });
    return this.caseMessages(id);
  }

  /** „Nachricht löschen“: a reply of this pharmacy, deleted at the Fachdienst (the patient's app no longer shows it). */
  async deleteReply(communicationId: string): Promise<CaseMessages> {
    const staff = this.deps.staff();
    const record = await this.deps.store.messages.get(communicationId);
    if (!record || record.kind !== 'reply' || record.state !== 'sent') {
      throw failure('not-found', 'Diese gesendete Nachricht gibt es nicht (mehr).', { at: this.deps.clock.now() });
    }
    try {
      await this.deps.fachdienst.deleteCommunication(communicationId);
    } catch (e) {
      // already gone at the Fachdienst (the patient deleted the Task, or another counter the message): done as well
      if (!(e instanceof AppFailure && e.appError.httpStatus === 404)) throw e;
    }
    await this.deps.store.messages.markHandled(communicationId, 'sent', 'deleted', this.nowIso(), staff.kuerzel);
    await this.deps.store.audit.append({ at: this.nowIso(), staff: staff.kuerzel, operation: 'message-delete', prescriptionId: record.prescriptionId, result: 'ok' });
    this.deps.events.emit({ type: 'messages-changed' });
    return this.caseMessages(record.prescriptionId);
  }

  /** Zuweisungen never accepted lose their content after the retention period (a setting, default 30 days). */
  async eraseExpired(): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - this.deps.retentionDays() * DAY_MS).toISOString();
    const erased = await this.deps.store.messages.eraseUnacceptedRequestsBefore(before);
    if (erased > 0) this.deps.events.emit({ type: 'messages-changed' });
    return erased;
  }

  private async store(message: IncomingDispReq | SentReply, now: string): Promise<boolean> {
    if (message.kind === 'dispreq') {
      const content: StoredRequest = {
        kvnr: message.senderKvnr,
        accessCode: message.accessCode,
        ...(message.flowType ? { flowType: message.flowType } : {}),
        ...(message.wish ? { wish: message.wish } : {}),
        ...(message.wishProblem ? { wishProblem: message.wishProblem } : {}),
      };
      return this.deps.store.messages.insertIfNew({
        communicationId: message.communicationId,
        kind: 'dispreq',
        prescriptionId: message.prescriptionId,
        sentAt: message.sent,
        storedAt: now,
        state: 'new',
        content,
      });
    }
    const content: StoredReply = { kvnr: message.recipientKvnr, ...(message.content ? { content: message.content } : {}) };
    return this.deps.store.messages.insertIfNew({
      communicationId: message.communicationId,
      kind: 'reply',
      prescriptionId: message.prescriptionId,
      sentAt: message.sent,
      storedAt: now,
      state: 'sent',
      content,
    });
  }

  private async requireRequest(communicationId: string): Promise<MessageRecord> {
    const record = await this.deps.store.messages.get(communicationId);
    if (!record || record.kind !== 'dispreq' || record.state === 'erased') {
      throw failure('not-found', 'Diese Zuweisung gibt es nicht (mehr).', { at: this.deps.clock.now() });
    }
    return record;
  }

  /** The patient's KVNR: from the case, else from a Zuweisung or an earlier reply of this prescription. */
  private async recipientOf(id: PrescriptionId, records: readonly MessageRecord[]): Promise<string | undefined> {
    const local = await this.deps.store.cases.get(id);
    if (local?.kvnr) return local.kvnr;
    for (const record of records) {
      const kvnr = (record.content as { kvnr?: unknown } | undefined)?.kvnr;
      if (typeof kvnr === 'string' && kvnr !== '') return kvnr;
    }
    return undefined;
  }

  private nowIso(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** §3.11: answer in the version the patient used; v1 where both are possible (no Zuweisung, or a v1 one). */
function replyVersionFor(wish: DispReqWish | undefined): 1 | 3 {
  return wish?.version === 3 ? 3 : 1;
}

function toCaseMessage(record: MessageRecord): CaseMessages['messages'][number] {
  const base = {
    communicationId: record.communicationId,
    sent: record.sentAt,
    ...(record.handledBy ? { handledBy: record.handledBy } : {}),
    ...(record.handledAt ? { handledAt: record.handledAt } : {}),
  };
  if (record.kind === 'dispreq') {
    const stored = record.content as StoredRequest | undefined;
    return {
      kind: 'dispreq',
      ...base,
      state: record.state === 'accepted' || record.state === 'dismissed' ? record.state : 'new',
      ...(stored?.wish ? { wish: stored.wish } : {}),
    };
  }
  const stored = record.content as StoredReply | undefined;
  const content = stored?.content;
  return {
    kind: 'reply',
    ...base,
    state: record.state === 'deleted' ? 'deleted' : 'sent',
    text: content?.text ?? '',
    ...(content?.pickUpCodeHR ? { pickUpCode: content.pickUpCodeHR } : {}),
    ...(content?.availability ? { availability: content.availability } : {}),
    ...(content?.supplyOption ? { supplyOption: content.supplyOption } : {}),
  };
}
