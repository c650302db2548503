/**
 * The trainer panel's service: the scenario deck, loading a scenario (simulator AND the app's
 * training store start afresh), reset, the scenario loaded last (kept across restarts), the patient's view and the
 * replies the patient's app received.
 * Behind dedicated IPC channels that refuse outside training (main/ipc/handlers.ts, architecture §2).
 */
import { z } from 'zod';
import type { PrescriptionId } from '../../shared/erezept/identifiers';
import {
  loadedScenarioSchema,
  type InsurantView,
  type LoadedScenario,
  type ScenarioSummary,
  type TrainerPatientReply,
} from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { Transport } from '../fachdienst/transport';
import type { EventHub } from '../services/events';
import type { Store } from '../store/repositories';
import { insurantViewOf, readInsurantDispenses, readInsurantTask } from './insurant-view';
import { patientRepliesOf } from './patient-replies';
import { mapScenarioAnswer } from './scenario-answer';
import type { SimulatorControl } from './simulator-control';

/** Settings key of the loaded scenario; stored through the Cipher — its tokens carry AccessCodes. */
export const CURRENT_SCENARIO_KEY = 'training.currentScenario';

const persistedSchema = z.object({
  scenario: loadedScenarioSchema,
  /** KVNR per PrescriptionID, for the insurant's sign-in (not part of the DTO) */
  kvnrs: z.record(z.string(), z.string()),
});
type PersistedScenario = z.infer<typeof persistedSchema>;

export interface TrainerServiceOptions {
  control: Pick<SimulatorControl, 'listScenarios' | 'loadScenario' | 'reset' | 'advanceClock' | 'insurantToken' | 'insertEgk' | 'patientReplies'>;
  /** the transport to the simulator's Fachdienst endpoints (the insurant's reads) */
  transport: Transport;
  /** the training store: emptied in one transaction together with setting the current scenario */
  store: Pick<Store, 'settings' | 'transaction' | 'resetTrainingData'>;
  events: Pick<EventHub, 'emit'>;
  /** re-reads the simulator clock (a scenario sets its own "now"; the app follows it in training) */
  syncClock: () => Promise<void>;
  /** wall-clock time, for `loadedAt` */
  now: () => Date;
  pharmacy: () => { telematikId: string; name: string };
  /** the KVNR of a local case, for prescriptions not created by the loaded scenario (e.g. demo prescriptions) */
  localKvnr?: (prescriptionId: PrescriptionId) => Promise<string | undefined>;
  /** the simulator holds a new stage (a scenario loaded, a reset): e.g. the scenario's Zuweisungen are fetched at once */
  onStageChanged?: () => void;
}

export class TrainerService {
  constructor(private readonly options: TrainerServiceOptions) {}

  listScenarios(): Promise<ScenarioSummary[]> {
    return this.options.control.listScenarios();
  }

  /**
   * Simulator first (it resets itself and creates the scenario's prescriptions); only when that succeeded the app's
   * training store is emptied and the scenario remembered, in one transaction — a failed load changes nothing here.
   */
  async loadScenario(name: string): Promise<LoadedScenario> {
    // the scenario's Zuweisungen go to this pharmacy, whatever its Telematik-ID is set to (spec §3.11)
    const answer = await this.options.control.loadScenario(name, this.options.pharmacy().telematikId);
    const mapped = mapScenarioAnswer(answer, this.options.now());
    await this.startAfresh(mapped);
    await this.options.syncClock();
    this.options.onStageChanged?.();
    return mapped.scenario;
  }

  /** Empties the simulator and the training store; no scenario is loaded afterwards. */
  async reset(): Promise<{ ok: true }> {
    await this.options.control.reset();
    await this.startAfresh(undefined);
    await this.options.syncClock();
    this.options.onStageChanged?.();
    return { ok: true };
  }

  /**
   * „Simulatorzeit vorstellen“: the simulator's clock moves, and the app follows at once (architecture §2) — e.g. an
   * hour for a 429 wait (A_25460), or days to let a prescription expire (A_23800). Deadlines may change: the inbox
   * is told to reload.
   */
  async advanceClock(duration: string): Promise<{ now: string }> {
    const now = await this.options.control.advanceClock(duration);
    await this.options.syncClock();
    this.options.events.emit({ type: 'cases-changed' });
    return { now };
  }

  /**
   * „eGK des Patienten stecken“: the card of this prescription's patient into the simulated card terminal of the
   * app's workplace, where „Rezepte per Gesundheitskarte“ (spec erezept-pharmacy §3.9) reads it — the KVNR as for the
   * patient's view (the loaded scenario's, or a local case's). `staleCard`: outdated card data, the Fachdienst
   * answers 458 (hcv mismatch).
   */
  async insertEgk(prescriptionId: PrescriptionId, staleCard = false): Promise<{ ok: true }> {
    const kvnr = await this.kvnrOf(
      prescriptionId,
      'Zu diesem Rezept ist kein Versicherter bekannt. Die Gesundheitskarte lässt sich für die Rezepte des geladenen Szenarios und für angenommene Rezepte stecken.',
    );
    await this.options.control.insertEgk(kvnr, staleCard);
    return { ok: true };
  }

  currentScenario(): LoadedScenario | null {
    return this.persisted()?.scenario ?? null;
  }

  /** What the patient's E-Rezept app shows for this prescription now: the insurant's read (spec §3.10). */
  async patientView(prescriptionId: PrescriptionId): Promise<InsurantView> {
    const persisted = this.persisted();
    const kvnr = await this.kvnrOf(
      prescriptionId,
      'Zu diesem Rezept ist kein Versicherter bekannt. Die Patientensicht gibt es für die Rezepte des geladenen Szenarios und für angenommene Rezepte.',
    );
    const token = await this.options.control.insurantToken(kvnr);
    const deps = { transport: this.options.transport, now: this.options.now };
    const task = await readInsurantTask(deps, prescriptionId, token);
    const dispenses = task.kind === 'task' ? await readInsurantDispenses(deps, prescriptionId, token) : undefined;
    const medication = persisted?.scenario.prescriptions.find((p) => p.prescriptionId === prescriptionId)?.medication;
    return insurantViewOf(prescriptionId, task, dispenses, {
      ...(medication !== undefined ? { medication } : {}),
      pharmacy: this.options.pharmacy(),
    });
  }

  /**
   * What the patient's E-Rezept app received for this prescription: the pharmacies' replies (spec §3.11, e.g. the
   * answer to a Zuweisung with its pick-up code), oldest first — the KVNR as for the patient's view. The simulator
   * answers them as the patient's app reads them, so they count as read from this call on (as in production).
   */
  async patientReplies(prescriptionId: PrescriptionId): Promise<TrainerPatientReply[]> {
    const kvnr = await this.kvnrOf(
      prescriptionId,
      'Zu diesem Rezept ist kein Versicherter bekannt. Die Nachrichten an den Patienten gibt es für die Rezepte des geladenen Szenarios und für angenommene Rezepte.',
    );
    return patientRepliesOf(prescriptionId, await this.options.control.patientReplies(kvnr));
  }

  /** The patient's KVNR: the loaded scenario's, else a local case's; `unknown` (German) when neither has one. */
  private async kvnrOf(prescriptionId: PrescriptionId, unknown: string): Promise<string> {
    const kvnr = this.persisted()?.kvnrs[prescriptionId] ?? (await this.options.localKvnr?.(prescriptionId));
    if (kvnr === undefined) throw failure('not-found', unknown, { at: this.options.now() });
    return kvnr;
  }

  private async startAfresh(next: PersistedScenario | undefined): Promise<void> {
    const { store } = this.options;
    await store.transaction(async () => {
      await store.resetTrainingData();
      // null, not a deleted row: SettingsStore has no delete, and getSecret of null reads as „none“
      if (next) await store.settings.setSecret(CURRENT_SCENARIO_KEY, next);
      else await store.settings.set(CURRENT_SCENARIO_KEY, null);
    });
    this.options.events.emit({ type: 'cases-changed' });
    this.options.events.emit({ type: 'pending-changed' });
  }

  private persisted(): PersistedScenario | undefined {
    let stored: unknown;
    try {
      stored = this.options.store.settings.getSecret(CURRENT_SCENARIO_KEY);
    } catch {
      return undefined; // unreadable (e.g. written under another key): as if none was loaded
    }
    const parsed = persistedSchema.safeParse(stored);
    return parsed.success ? parsed.data : undefined;
  }
}
