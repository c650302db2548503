/**
 * A fake bridge for component tests (architecture §9.5: inject, never mock modules): an in-memory case
 * store with main's answers in the contract's shapes. Every method is a vi.fn, so tests can assert the
 * requests and replace single answers with mockResolvedValueOnce.
 *
 * Every answer — the store's and a test's own — is parsed with the channel's response schema of the IPC
 * contract (shared/ipc/contract.ts), or with the AppError schema for a refusal, the shapes the real main process
 * answers in. One that main could never send makes the test fail (test-setup.ts asks after every test), so a
 * component test cannot pass on data the app will never see.
 */
import { vi } from 'vitest';
import { z } from 'zod';
import type { ArticleCatalog, ArticleCatalogInfo, ArticleImportSummary } from '../../../shared/erezept/catalog/article-catalog';
import { demoArticleCatalog } from '../../../shared/erezept/catalog/demo-catalog';
import type { DispenseEntry } from '../../../shared/erezept/dispense-entry';
import {
  appErrorSchema,
  channels,
  contract,
  type AppError,
  type AppEvent,
  type AppInfo,
  type BackendKind,
  type CaseDetail,
  type CaseFilter,
  type CaseLease,
  type EgkLookup,
  type EnrolmentCode,
  type Channel,
  type ConnectionDiagnosis,
  type ConnectionStatus,
  type ErxBridge,
  type InsurantView,
  type LoadedScenario,
  type PatientView,
  type PendingOperation,
  type PharmacySetup,
  type PharmacySetupInput,
  type PharmacySetupProblem,
  type ScanOutcome,
  type ScenarioSummary,
  type SmcbCard,
  type Submission,
  type TrainerPatientReply,
  type TiSettings,
  type TiSettingsInput,
  type TiSettingsProblem,
} from '../../../shared/ipc/contract';
import { appInfo as makeAppInfo, connectionStatus, receipt } from './fixtures';
import { loadedScenario, scenarioSummaries } from './trainer-fixtures';

export interface FakeBridgeOptions {
  appInfo?: AppInfo;
  cases?: CaseDetail[];
  /** what scanCode answers (default: every case in the store, as freshly accepted, with its detail like main) */
  scanResults?: ScanOutcome[];
  /** the Fachdienst's time for $dispense/$close answers */
  now?: string;
  /** what getConnection answers (default: online, nothing pending) */
  connection?: ConnectionStatus;
  /** what listPendingOperations answers (default: none) */
  pendingOperations?: PendingOperation[];
  /** what diagnoseConnection answers (default: the simulator's one step, passed) */
  diagnosis?: ConnectionDiagnosis;
  /** backend ti: what getTiSettings answers (default: refused, as with a simulator) */
  tiSettings?: TiSettings;
  /** what saveTiSettings answers for a request (default: saved, settings unchanged) */
  saveTiSettings?: (input: TiSettingsInput) => { saved: boolean; settings: TiSettings; problems: TiSettingsProblem[] };
  /**
   * what savePharmacySetup answers for a request (default: saved as sent — Kürzel in capitals, names trimmed —, the
   * AppInfo follows; backend ti refuses a pharmacy like main)
   */
  savePharmacySetup?: (input: PharmacySetupInput) => { saved: boolean; setup: PharmacySetup; problems: PharmacySetupProblem[] };
  /** what listSmcbs answers (default: none inserted) */
  smcbs?: SmcbCard[];
  /** the eGK at the workplace: what egkLookup answers (default: no card inserted) */
  egk?: EgkLookup;
  /** the trainer's deck (default: trainer-fixtures' scenarioSummaries) */
  scenarios?: ScenarioSummary[];
  /** the scenario loaded before the app started (default: none) */
  currentScenario?: LoadedScenario | null;
  /** what trainerLoadScenario answers for a name of the deck (default: loadedScenario with that summary) */
  scenarioFor?: (summary: ScenarioSummary) => LoadedScenario;
  /** what trainerPatientView answers, by PrescriptionID */
  insurantViews?: InsurantView[];
  /** what trainerPatientReplies answers, by PrescriptionID (default: none for every prescription) */
  patientReplies?: Record<string, TrainerPatientReply[]>;
  /**
   * cases another counter of a shared store holds, by PrescriptionID (default: none — every case is this counter's,
   * as with one counter); `holdElsewhere` changes it during a test
   */
  heldElsewhere?: Record<string, OtherCounter>;
  /**
   * what createEnrolmentCode answers (docs/multi-counter.md §5, „Kasse hinzufügen“); default: refused with
   * `not-shared` like main on a counter that keeps its own store
   */
  enrolmentCode?: () => EnrolmentCode;
  /**
   * the catalogue main's article channels answer from (issue 19 item 2); default: the demo catalogue, as main in
   * training
   */
  articles?: ArticleCatalog;
  /**
   * what importArticles answers for a file, a summary or main's refusal (default: every line after the two header
   * lines is an article; refused like main without a signed-in staff member and with the embedded simulator); an
   * import makes articleCatalogInfo answer `imported` and sends `articles-changed` like main
   */
  importArticles?: (file: ArticleFile) => ArticleImportSummary | AppError;
}

/** An article master file as the settings send it. */
export interface ArticleFile {
  fileName: string;
  text: string;
}

/** Another counter holding a case (docs/multi-counter.md §4): its name, the Kürzel there, whether it is sending. */
export interface OtherCounter {
  counter: string;
  staff: string;
  busy?: boolean;
}

const filterStatuses: Record<CaseFilter, readonly CaseDetail['status'][] | undefined> = {
  all: undefined,
  open: ['accepted', 'dispensed'],
  'to-close': ['dispensed'],
  closed: ['closed'],
  ended: ['rejected', 'aborted'],
};

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Answers of a fake bridge that main could never have sent, since the last look (see takeContractViolations). */
const contractViolations: string[] = [];

/** The violations found since the last call, which forgets them: test-setup.ts fails the test that caused any. */
export function takeContractViolations(): string[] {
  return contractViolations.splice(0);
}

/** What main answers on `channel`: the IpcResult with the contract's response schema, or an AppError. */
const answerSchemaOf = (channel: Channel): z.ZodType => {
  const data: z.ZodType = contract[channel].response;
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), z.object({ ok: z.literal(false), error: appErrorSchema })]);
};

/** Passes the answer on as it is — what the app sees must not depend on this check — and notes a violation. */
function checkedAnswer(channel: Channel, answer: unknown): unknown {
  const parsed = answerSchemaOf(channel).safeParse(answer);
  if (!parsed.success) contractViolations.push(`${channel} answered what main could never send:\n${z.prettifyError(parsed.error)}`);
  return answer;
}

/** What main's getPharmacySetup answers for this AppInfo. */
const pharmacySetupOf = (info: AppInfo): PharmacySetup => ({
  staff: info.staffList.map((m) => ({ kuerzel: m.kuerzel, name: m.name, active: m.active !== false })),
  counterName: info.counterName ?? '',
  pharmacy: info.pharmacy,
  pharmacySource: info.backend === 'ti' ? 'smcb' : 'settings',
});

export function createFakeBridge(options: FakeBridgeOptions = {}) {
  let info = options.appInfo ?? makeAppInfo();
  const now = options.now ?? '2026-10-05T08:30:00.000Z';
  const cases = new Map((options.cases ?? []).map((c) => [c.prescriptionId, c]));
  const listeners = new Set<(event: AppEvent) => void>();
  let connection = options.connection ?? connectionStatus();
  let pending = [...(options.pendingOperations ?? [])];
  const scenarios = options.scenarios ?? scenarioSummaries();
  let current = options.currentScenario ?? null;
  const insurantViews = new Map((options.insurantViews ?? []).map((v) => [v.prescriptionId, v]));
  const patientReplies = new Map(Object.entries(options.patientReplies ?? {}));
  const scenarioFor = options.scenarioFor ?? ((summary: ScenarioSummary) => loadedScenario({ ...summary, loadedAt: now, now }));
  const elsewhere = new Map(Object.entries(options.heldElsewhere ?? {}));
  const articles = options.articles ?? demoArticleCatalog;
  /** the master imported during the test, else what the catalogue says of itself */
  let importedInfo: ArticleCatalogInfo | undefined;

  const refusal = (code: string, message: string) => ({
    ok: false as const,
    error: { code, message, retry: 'never' as const, system: 'app' as const, at: now },
  });
  /** main refuses the trainer channels outside training (architecture §2) */
  const outsideTraining = () => (info.training ? undefined : refusal('state', 'Nur im Trainingsmodus verfügbar.'));

  const notFound = (id: string) => ({
    ok: false as const,
    error: { code: 'not-found', message: `Kein Fall zu ${id}.`, retry: 'never' as const, system: 'app' as const, at: now },
  });

  /** main's answer about who holds a case: the other counter's, else this one's (a free case is taken) */
  const leaseOf = (id: string): CaseLease => {
    const other = elsewhere.get(id);
    if (other) return { mine: false, counter: other.counter, staff: other.staff, busy: other.busy ?? false };
    return { mine: true, counter: info.counterName ?? '', staff: info.staff?.kuerzel ?? '', busy: false };
  };
  /** the German words main uses for the holder: „Kasse 2 (AB)“ */
  const holderWords = (other: OtherCounter) => (other.staff ? `${other.counter} (${other.staff})` : other.counter);
  /** like main: $dispense/$close/$reject/$abort only while no other counter holds the case */
  const refusedByLease = (id: string) => {
    const other = elsewhere.get(id);
    if (!other) return undefined;
    const why = other.busy ? 'sendet gerade an den E-Rezept-Fachdienst' : 'bearbeitet dieses Rezept';
    return refusal('case-leased', `${holderWords(other)} ${why}. Hier wurde nichts gesendet. Zum Weiterarbeiten hier das Rezept zuerst übernehmen.`);
  };

  const update = (id: string, change: Partial<CaseDetail>) => {
    const current = cases.get(id)!;
    const next = { ...current, ...change };
    cases.set(id, next);
    return next;
  };

  const addSubmission = (id: string, operation: Submission['operation'], entries: DispenseEntry[]): Submission[] => {
    const current = cases.get(id)!;
    const version = current.submissions.length + 1;
    const sent: Submission = {
      id: version,
      version,
      operation,
      state: 'confirmed',
      staff: info.staff?.kuerzel ?? '',
      createdAt: now,
      completedAt: now,
      entries,
      withBody: true,
      httpStatus: operation === 'dispense' ? 204 : 200,
    };
    return [...current.submissions, sent];
  };

  /** $reject/$abort: only id, status, times and staff stay (A_19251). */
  const end = (id: string, status: 'rejected' | 'aborted') =>
    update(id, {
      status,
      readOnly: true,
      endedAt: now,
      endedBy: info.staff?.kuerzel,
      patientName: undefined,
      kvnr: undefined,
      medicationLabel: undefined,
      prescription: null,
      draft: null,
      confirmedEntries: null,
      submissions: cases.get(id)!.submissions.map((s) => ({ ...s, entries: [] })),
      hasUnsentChanges: false,
      deadlineFindings: [],
    });

  /** main's importer is main's (main/services/article-import.ts): the fake counts the lines after the format line and header */
  const importedAsSent = (file: ArticleFile): ArticleImportSummary => ({
    articleCount: file.text.split(/\r?\n/).slice(2).filter((line) => line.trim() !== '').length,
    importedAt: now,
  });

  /** main's rules are main's (main/services/pharmacy-setup.ts); the fake stores what it gets, like a valid save */
  const savedAsSent = (input: PharmacySetupInput): { saved: boolean; setup: PharmacySetup; problems: PharmacySetupProblem[] } => {
    if (input.pharmacy && info.backend === 'ti') {
      return { saved: false, setup: pharmacySetupOf(info), problems: [{ field: 'pharmacy', message: 'Name und Telematik-ID kommen mit der TI von der SMC-B.' }] };
    }
    const staffList = input.staff.map((m) => ({ kuerzel: m.kuerzel.trim().toUpperCase(), name: m.name.trim(), active: m.active }));
    const staff = staffList.find((m) => m.active && m.kuerzel === info.staff?.kuerzel) ?? null;
    info = { ...info, staffList, staff, counterName: input.counterName.trim(), ...(input.pharmacy ? { pharmacy: input.pharmacy } : {}) };
    return { saved: true, setup: pharmacySetupOf(info), problems: [] };
  };

  const bridge = {
    getAppInfo: vi.fn(async () => ({ ok: true as const, data: info })),
    setStaff: vi.fn(async ({ kuerzel }: { kuerzel: string }) => {
      info = { ...info, staff: info.staffList.find((s) => s.kuerzel === kuerzel) ?? null };
      return { ok: true as const, data: info };
    }),
    setMessageRetentionDays: vi.fn(async ({ days }: { days: number }) => {
      info = { ...info, messageRetentionDays: days };
      return { ok: true as const, data: info };
    }),
    getPharmacySetup: vi.fn(async () => ({ ok: true as const, data: pharmacySetupOf(info) })),
    savePharmacySetup: vi.fn(async (input: PharmacySetupInput) => {
      const answer = options.savePharmacySetup?.(input) ?? savedAsSent(input);
      return { ok: true as const, data: answer };
    }),
    scanCode: vi.fn(async () => ({
      ok: true as const,
      data: {
        results:
          options.scanResults ??
          [...cases.values()].map((c): ScanOutcome => ({ ok: true, prescriptionId: c.prescriptionId, outcome: 'accepted', case: c, detail: c })),
      },
    })),
    listCases: vi.fn(async ({ query, filter, limit }: { query?: string; filter?: CaseFilter; limit?: number }) => {
      const statuses = filterStatuses[filter ?? 'all'];
      const q = query?.trim().toLowerCase() ?? '';
      const found = [...cases.values()].filter(
        (c) =>
          (!statuses || statuses.includes(c.status)) &&
          (q === '' ||
            c.prescriptionId.includes(q) ||
            c.patientName?.toLowerCase().includes(q) === true ||
            c.kvnr?.toLowerCase() === q),
      );
      return { ok: true as const, data: { cases: found.slice(0, limit ?? 200), total: found.length } };
    }),
    getCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => {
      const found = cases.get(prescriptionId);
      return found ? { ok: true as const, data: found } : notFound(prescriptionId);
    }),
    saveDraft: vi.fn(async ({ prescriptionId, entries }: { prescriptionId: string; entries: DispenseEntry[] }) => {
      if (!cases.has(prescriptionId)) return notFound(prescriptionId);
      update(prescriptionId, { draft: entries });
      return { ok: true as const, data: { savedAt: now } };
    }),
    submitDispense: vi.fn(async ({ prescriptionId, entries }: { prescriptionId: string; entries: DispenseEntry[] }) => {
      const current = cases.get(prescriptionId);
      if (!current) return notFound(prescriptionId);
      const leased = refusedByLease(prescriptionId);
      if (leased) return leased;
      if (current.confirmedEntries && sameJson(current.confirmedEntries, entries)) {
        return {
          ok: true as const,
          data: { ...current, outcome: 'unchanged' as const, notice: 'Die Liste entspricht der zuletzt bestätigten; nichts gesendet.' },
        };
      }
      const data = update(prescriptionId, {
        status: 'dispensed',
        lastDispenseAt: now,
        lastConfirmedAt: now,
        closeDeadline: '2026-10-06',
        closeDeadlineState: 'open',
        draft: entries,
        confirmedEntries: entries,
        hasUnsentChanges: false,
        submissions: addSubmission(prescriptionId, 'dispense', entries),
      });
      return { ok: true as const, data: { ...data, outcome: 'sent' as const } };
    }),
    closeCase: vi.fn(async ({ prescriptionId, entries }: { prescriptionId: string; entries?: DispenseEntry[] }) => {
      const current = cases.get(prescriptionId);
      if (!current) return notFound(prescriptionId);
      const leased = refusedByLease(prescriptionId);
      if (leased) return leased;
      const list = entries ?? current.draft ?? [];
      const data = update(prescriptionId, {
        status: 'closed',
        closedAt: now,
        readOnly: true,
        confirmedEntries: list,
        hasUnsentChanges: false,
        closeDeadline: undefined,
        closeDeadlineState: undefined,
        submissions: addSubmission(prescriptionId, 'close', list),
        receipt: receipt(prescriptionId, { staff: info.staff?.kuerzel ?? '' }),
      });
      return { ok: true as const, data };
    }),
    rejectCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string; confirmed: true }) =>
      !cases.has(prescriptionId) ? notFound(prescriptionId) : (refusedByLease(prescriptionId) ?? { ok: true as const, data: end(prescriptionId, 'rejected') }),
    ),
    abortCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string; confirmed: true }) =>
      !cases.has(prescriptionId) ? notFound(prescriptionId) : (refusedByLease(prescriptionId) ?? { ok: true as const, data: end(prescriptionId, 'aborted') }),
    ),
    refetchReceipt: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => {
      const current = cases.get(prescriptionId);
      if (!current?.receipt) return notFound(prescriptionId);
      return { ok: true as const, data: update(prescriptionId, { receipt: { ...current.receipt, receivedAt: now } }) };
    }),
    recoverSecret: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) =>
      cases.has(prescriptionId) ? { ok: true as const, data: update(prescriptionId, { secretMissing: false }) } : notFound(prescriptionId),
    ),
    previewPatientView: vi.fn(async ({ prescriptionId, entries }: { prescriptionId: string; entries?: DispenseEntry[] }) => {
      const current = cases.get(prescriptionId);
      if (!current) return notFound(prescriptionId);
      const list = entries ?? current.draft ?? [];
      const view: PatientView = {
        prescriptionId,
        pharmacyName: info.pharmacy.name,
        items: list.map((e) => ({
          key: e.key,
          medication: e.medication.kind === 'freitext' ? e.medication.text : (e.medication.name ?? ''),
          pzn: 'pzn' in e.medication ? e.medication.pzn : undefined,
          packs: e.packs,
          batch: e.batch?.lot,
          batchExpiry: e.batch?.expiry,
          whenHandedOver: e.whenHandedOver,
          dosage: e.dosageText ?? current.prescription?.request.dosageText,
          dosageSource: e.dosageText ? ('dispense' as const) : ('prescription' as const),
          substituted: e.substituted ?? false,
        })),
      };
      return { ok: true as const, data: view };
    }),
    getConnection: vi.fn(async () => ({ ok: true as const, data: connection })),
    listPendingOperations: vi.fn(async () => ({ ok: true as const, data: pending })),
    getTiSettings: vi.fn(async () =>
      options.tiSettings ? { ok: true as const, data: options.tiSettings } : refusal('not-available', 'Die TI-Einstellungen gibt es nur mit der TI.'),
    ),
    saveTiSettings: vi.fn(async (input: TiSettingsInput) => {
      if (!options.tiSettings) return refusal('not-available', 'Die TI-Einstellungen gibt es nur mit der TI.');
      return { ok: true as const, data: options.saveTiSettings?.(input) ?? { saved: true, settings: options.tiSettings, problems: [] } };
    }),
    listSmcbs: vi.fn(async () => ({ ok: true as const, data: options.smcbs ?? [] })),
    holdCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => ({ ok: true as const, data: leaseOf(prescriptionId) })),
    /** „Übernehmen“: refused like main while the other counter is sending */
    takeOverCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string; confirmed: true }) => {
      const other = elsewhere.get(prescriptionId);
      if (other?.busy) {
        return refusal('case-leased', `${holderWords(other)} sendet gerade an den E-Rezept-Fachdienst. Bitte warten, bis das erledigt ist, dann erneut übernehmen.`);
      }
      elsewhere.delete(prescriptionId);
      return { ok: true as const, data: leaseOf(prescriptionId) };
    }),
    releaseCase: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => ({ ok: true as const, data: { released: !elsewhere.has(prescriptionId) } })),
    /** „Kasse hinzufügen“: main refuses it while this counter keeps its own store (main/services/enrolment-codes.ts) */
    createEnrolmentCode: vi.fn(async (_req: { confirmed: true }) =>
      options.enrolmentCode
        ? { ok: true as const, data: options.enrolmentCode() }
        : refusal('not-shared', 'Diese Kasse arbeitet mit ihrer eigenen Datenbank. Einmal-Codes zum Hinzufügen einer Kasse gibt es nur mit einer gemeinsamen Datenbank.'),
    ),
    egkPoll: vi.fn(async () => ({ ok: true as const, data: { card: options.egk ? { ctId: 'CT-AP1', slotId: '1' } : null } })),
    egkLookup: vi.fn(async () => (options.egk ? { ok: true as const, data: options.egk } : refusal('egk-missing', 'Im Kartenterminal dieses Arbeitsplatzes steckt keine Gesundheitskarte.'))),
    egkAccept: vi.fn(async ({ prescriptionIds }: { lookupId: string; prescriptionIds: string[] }) => ({
      ok: true as const,
      data: {
        results: prescriptionIds.map((id): ScanOutcome => {
          const found = cases.get(id);
          return found ? { ok: true, prescriptionId: id, outcome: 'accepted', case: found, detail: found } : { ok: false, prescriptionId: id, error: notFound(id).error };
        }),
      },
    })),
    // the patients' messages: an empty inbox; message tests set their own answers
    listMessages: vi.fn(async () => ({ ok: true as const, data: { open: 0, requests: [] } })),
    refreshMessages: vi.fn(async () => ({ ok: true as const, data: { open: 0, requests: [], lastRefresh: { at: now, added: 0, unreadable: [] } } })),
    acceptMessage: vi.fn(async ({ communicationId }: { communicationId: string }) => refusal('not-found', `Keine Zuweisung ${communicationId}.`)),
    dismissMessage: vi.fn(async ({ communicationId }: { communicationId: string }) => refusal('not-found', `Keine Zuweisung ${communicationId}.`)),
    caseMessages: vi.fn(async (_req: { prescriptionId: string }) => ({ ok: true as const, data: { messages: [], replyVersion: 1 as const, canReply: true } })),
    sendReply: vi.fn(async (_req: unknown) => refusal('not-available', 'Im Test-Bridge nicht vorgesehen.')),
    deleteReply: vi.fn(async (_req: { communicationId: string }) => refusal('not-found', 'Im Test-Bridge nicht vorgesehen.')),
    acknowledgeIdpConsent: vi.fn(async () => {
      if (!info.idpConsent) return refusal('not-found', 'Es liegt keine Einwilligung des Identity Providers vor.');
      info = { ...info, idpConsent: { ...info.idpConsent, acknowledged: true } };
      return { ok: true as const, data: info };
    }),
    diagnoseConnection: vi.fn(async () => ({
      ok: true as const,
      data: options.diagnosis ?? { ok: true, at: now, steps: [{ step: 'fachdienst' as const, hop: 'fachdienst' as const, state: 'ok' as const, message: 'Der E-Rezept-Fachdienst antwortet.' }] },
    })),
    /** „Jetzt erneut versuchen“: the fake reaches the Fachdienst again and completes every queued operation. */
    resumePendingOperations: vi.fn(async () => {
      pending = pending.map((op) => (op.state === 'pending' && op.reason !== 'rate-limited' ? { ...op, state: 'done' as const, completedAt: now } : op));
      connection = { ...connection, state: 'online', failedHop: undefined, message: undefined, detail: undefined, pendingCount: 0 };
      return { ok: true as const, data: pending };
    }),
    cancelPendingOperation: vi.fn(async ({ id }: { id: number }) => {
      const found = pending.find((op) => op.id === id);
      if (!found) return { ok: false as const, error: { code: 'not-found', message: `Kein ausstehender Vorgang ${id}.`, retry: 'never' as const, system: 'app' as const, at: now } };
      const cancelled = { ...found, state: 'cancelled' as const, completedAt: now };
      pending = pending.map((op) => (op.id === id ? cancelled : op));
      return { ok: true as const, data: cancelled };
    }),
    cancelRetry: vi.fn(async (_req: { prescriptionId: string }) => ({ ok: true as const, data: { cancelled: true } })),
    lookupArticles: vi.fn(async ({ pzns }: { pzns: string[] }) => ({ ok: true as const, data: [...(await articles.byPzns(pzns)).values()] })),
    searchArticles: vi.fn(async ({ text, limit }: { text: string; limit?: number }) => ({ ok: true as const, data: await articles.search(text, limit) })),
    articleCatalogInfo: vi.fn(async () => ({ ok: true as const, data: importedInfo ?? (await articles.info()) })),
    /** a write as the signed-in staff member, like main; nothing changes when it is refused */
    importArticles: vi.fn(async (file: ArticleFile) => {
      const staff = info.staff?.kuerzel;
      if (!staff) return refusal('staff-required', 'Bitte zuerst das eigene Kürzel wählen – jede Aktion am Rezept wird einer Person zugeordnet.');
      // main/services/article-master.ts: the embedded simulator's prescriptions carry the demo catalogue's PZNs
      if (info.backend === 'embedded') {
        return refusal('state', 'Im Training mit dem eingebauten Simulator gilt immer der Demo-Artikelstamm, denn die Übungsrezepte tragen dessen PZN. Ein eigener Artikelstamm wird hier nicht eingelesen.');
      }
      const answer = options.importArticles?.(file) ?? importedAsSent(file);
      if ('code' in answer) return { ok: false as const, error: answer };
      importedInfo = { kind: 'imported', articleCount: answer.articleCount, source: answer.source, asOf: answer.asOf, importedAt: answer.importedAt, importedBy: staff };
      // main tells every window (and every counter) that cached lookups are stale
      queueMicrotask(() => listeners.forEach((l) => l({ type: 'articles-changed' })));
      return { ok: true as const, data: answer };
    }),
    /** like main until the TI backend exists: `ti` is refused (architecture §2) */
    selectBackend: vi.fn(async ({ backend }: { backend: BackendKind; confirmed: true }) =>
      backend === info.backend
        ? { ok: true as const, data: info }
        : backend === 'ti'
          ? refusal('restart-required', 'Die echte TI wird beim Start gewählt: bitte die App mit „--backend ti“ starten.')
          : { ok: true as const, data: info },
    ),
    trainerListScenarios: vi.fn(async () => outsideTraining() ?? { ok: true as const, data: scenarios }),
    /** loading resets the training store: every case goes (docs/qa-contract.md, scenario-load) */
    trainerLoadScenario: vi.fn(async ({ name }: { name: string }) => {
      const refused = outsideTraining();
      if (refused) return refused;
      const summary = scenarios.find((s) => s.name === name);
      if (!summary) return refusal('not-found', `Kein Szenario „${name}“.`);
      cases.clear();
      current = scenarioFor(summary);
      return { ok: true as const, data: current };
    }),
    trainerCurrentScenario: vi.fn(async () => outsideTraining() ?? { ok: true as const, data: current }),
    trainerAdvanceClock: vi.fn(async () => outsideTraining() ?? { ok: true as const, data: { now: new Date(Date.now() + 3_600_000).toISOString() } }),
    trainerReset: vi.fn(async () => {
      const refused = outsideTraining();
      if (refused) return refused;
      cases.clear();
      current = null;
      return { ok: true as const, data: { ok: true as const } };
    }),
    trainerPatientView: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => {
      const refused = outsideTraining();
      if (refused) return refused;
      const view = insurantViews.get(prescriptionId);
      return view ? { ok: true as const, data: view } : refusal('not-found', `Kein Rezept ${prescriptionId} im Simulator.`);
    }),
    trainerPatientReplies: vi.fn(async ({ prescriptionId }: { prescriptionId: string }) => outsideTraining() ?? { ok: true as const, data: patientReplies.get(prescriptionId) ?? [] }),
    /** a prescription of the loaded scenario, or one with a patient view: its patient's eGK goes in */
    trainerInsertEgk: vi.fn(async ({ prescriptionId }: { prescriptionId: string; staleCard?: boolean }) => {
      const refused = outsideTraining();
      if (refused) return refused;
      const known = current?.prescriptions.some((p) => p.prescriptionId === prescriptionId) === true || insurantViews.has(prescriptionId);
      return known ? { ok: true as const, data: { ok: true as const } } : refusal('not-found', `Zu ${prescriptionId} ist kein Versicherter bekannt.`);
    }),
    onEvent: vi.fn((listener: (event: AppEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  };

  // What the app calls: each channel's vi.fn, its answer checked against the contract.
  const checked: Record<string, unknown> = { onEvent: bridge.onEvent };
  for (const channel of channels) {
    const method = channel.slice('erx:'.length);
    const fake: unknown = Reflect.get(bridge, method);
    if (typeof fake !== 'function') throw new Error(`the fake bridge has no answer for ${channel}`);
    checked[method] = async (req: unknown) => checkedAnswer(channel, await fake(req));
  }

  return {
    // The vi.fn signatures are narrower than the contract's request types; the shapes are the contract's.
    bridge: checked as unknown as ErxBridge,
    calls: bridge,
    emit: (event: AppEvent) => listeners.forEach((l) => l(event)),
    caseOf: (id: string) => cases.get(id),
    /** what the patient's app shows next (e.g. after a dispense) */
    setInsurantView: (view: InsurantView) => insurantViews.set(view.prescriptionId, view),
    /** the replies the patient's app has next (e.g. after the pharmacy answered) */
    setPatientReplies: (prescriptionId: string, replies: TrainerPatientReply[]) => patientReplies.set(prescriptionId, replies),
    /** another counter takes the case (or, with null, leaves it); main would follow with `case-changed` */
    holdElsewhere: (prescriptionId: string, other: OtherCounter | null) => {
      if (other) elsewhere.set(prescriptionId, other);
      else elsewhere.delete(prescriptionId);
    },
  };
}
