/**
 * The store seam both engines implement (docs/multi-counter.md §1): SQLite for one counter, PostgreSQL for several.
 *
 * The method set of every repository is the one the SQLite repository defines (cases.ts, drafts.ts, …), made
 * asynchronous — a PostgreSQL client cannot answer synchronously. The settings are the exception: they are read on
 * hot, synchronous paths (pharmacy, staff, timeouts), so both engines answer `get` from the row or a cache and only
 * writing waits.
 *
 * A unit of work is ambient: inside `store.transaction(async () => …)` every repository call of that async flow
 * joins the transaction — no transaction object is passed through the services, and a write that belongs to it
 * cannot slip outside by accident. A nested `transaction` joins the outer one.
 */
import type { ArticleRepository } from './articles';
import type { AuditRepository } from './audit';
import type { CaseRepository } from './cases';
import type { DraftRepository } from './drafts';
import type { MessageRepository } from './messages';
import type { PendingOperationRepository } from './pending-operations';
import type { ReceiptRepository } from './receipts';
import type { SubmissionRepository } from './submissions';

/** Every public method of T, answering with a Promise of what it returned. */
export type Asynchronous<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

export type CaseStore = Asynchronous<CaseRepository>;
export type DraftStore = Asynchronous<DraftRepository>;
export type SubmissionStore = Asynchronous<SubmissionRepository>;
export type ReceiptStore = Asynchronous<ReceiptRepository>;
export type AuditStore = Asynchronous<AuditRepository>;
export type PendingOperationStore = Asynchronous<PendingOperationRepository>;
export type MessageStore = Asynchronous<MessageRepository>;
/** the imported article master (docs/article-master.md): plain, no personal data; not training data */
export type ArticleStore = Asynchronous<ArticleRepository>;

/** Key/value settings as JSON; `*Secret` values go through the Cipher. Reads answer at once (see above). */
export interface SettingsStore {
  get(key: string): unknown;
  getSecret(key: string): unknown;
  set(key: string, value: unknown): Promise<void>;
  setSecret(key: string, value: unknown): Promise<void>;
}

export type StoreEngine = 'sqlite' | 'postgres';

export interface Store {
  readonly engine: StoreEngine;
  readonly cases: CaseStore;
  readonly drafts: DraftStore;
  readonly submissions: SubmissionStore;
  readonly receipts: ReceiptStore;
  readonly audit: AuditStore;
  readonly pendingOperations: PendingOperationStore;
  readonly settings: SettingsStore;
  /** Zuweisungen and replies (spec §3.11) */
  readonly messages: MessageStore;
  /** the pharmacy's article master (docs/article-master.md); a replacement notifies the other counters */
  readonly articles: ArticleStore;
  /** runs fn as one unit of work (all or nothing); repository calls inside join it */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** training only: empties cases, drafts, submissions, receipts, messages, owed operations and audit; keeps settings */
  resetTrainingData(): Promise<void>;
  close(): Promise<void>;
}
