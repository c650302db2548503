/**
 * The connection indicator (spec §9.3, A_23814–A_23816): from how the calls to the IDP and the
 * Fachdienst end (ObservedTransport) it keeps one ConnectionStatus — online, degraded (answers are server
 * errors), offline (no answer) — names the failing hop and tells the pharmacist what to do. While the way is
 * broken it probes at an interval, and when it works again it says so once (onRestored), so the outage queue
 * can complete the pending operations (A_23815).
 */
import { redactSecrets } from '../../shared/fhir/operation-outcome';
import type { ConnectionHop, ConnectionStatus } from '../../shared/ipc/contract';
import type { TransportOutcome } from '../fachdienst/observed-transport';
import { TransportError } from '../fachdienst/transport';
import { HopFailure } from '../errors';

export interface ConnectionMonitorOptions {
  now: () => Date;
  /** one cheap call to the Fachdienst; resolving means it answered (its outcome also arrives via record()) */
  probe: () => Promise<void>;
  /** read before every scheduled probe, so a changed setting applies to the next one */
  probeIntervalMs: () => number;
  pendingCount: () => number;
  /** when the state or the failing hop changes — not on every call */
  onChange: (status: ConnectionStatus) => void;
  /** once per restoration: the state went from offline/degraded to online */
  onRestored: () => void;
  setTimer?: typeof setTimeout;
  clearTimer?: typeof clearTimeout;
}

type State = ConnectionStatus['state'];

interface Assessment {
  state: State;
  failedHop?: ConnectionHop;
  message?: string;
  detail?: string;
}

export class ConnectionMonitor {
  private current: Assessment = { state: 'unknown' };
  /** the shared store is unreachable (issue 18 item 7): shown before anything the Fachdienst calls say */
  private storeOutage: Assessment | undefined;
  private since: string;
  private lastCheckedAt: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | undefined;
  private recorded = 0;
  private stopped = false;

  constructor(private readonly options: ConnectionMonitorOptions) {
    this.since = options.now().toISOString();
  }

  /** Feeds the outcome of one call (wire it as the ObservedTransport's observer). */
  record(outcome: TransportOutcome): void {
    this.recorded++;
    const next = assess(outcome);
    // A working sign-in says nothing about the Fachdienst: it clears only a sign-in failure (or the unknown
    // start). A Fachdienst answer clears everything — it needed the network, and a token to ask with.
    if (next.state === 'online' && outcome.hop === 'idp' && this.isBroken() && this.current.failedHop !== 'idp') {
      this.lastCheckedAt = this.options.now().toISOString();
      return;
    }
    this.apply(next);
  }

  /**
   * A TI hop failed before the Fachdienst (backend `ti`: Konnektor, SMC-B, IDP, VAU): no way through until it is
   * fixed; the hop's German message says what to do (A_23814).
   */
  recordHopFailure(failure: HopFailure): void {
    this.recorded++;
    this.apply({
      state: 'offline',
      failedHop: failure.hop,
      message: `${failure.message}${keepsWorking('die Verbindung zurück ist')}`,
      detail: redactSecrets(`${failure.hop}: ${failure.technical}`),
    });
  }

  status(): ConnectionStatus {
    const { state, failedHop, message, detail } = this.storeOutage ?? this.current;
    return {
      state,
      ...(failedHop ? { failedHop } : {}),
      ...(message ? { message } : {}),
      ...(detail ? { detail } : {}),
      since: this.since,
      ...(this.lastCheckedAt ? { lastCheckedAt: this.lastCheckedAt } : {}),
      pendingCount: this.options.pendingCount(),
    };
  }

  /** Probes now (a probe already running is shared) and returns the resulting status. */
  async check(): Promise<ConnectionStatus> {
    this.inflight ??= this.runProbe().finally(() => {
      this.inflight = undefined;
    });
    await this.inflight;
    return this.status();
  }

  /**
   * The pharmacy's shared database went away (`detail`: which, redacted) or came back (undefined). While it is away
   * nothing is sent — every operation is journaled in the store before its Fachdienst call (docs/reliability.md) —
   * so the indicator names it as the broken hop; when it is back, what is owed is taken up again.
   */
  storeUnreachable(detail: string | undefined): void {
    const at = this.options.now().toISOString();
    if (detail === undefined) {
      if (!this.storeOutage) return;
      this.storeOutage = undefined;
      this.since = at;
      this.safely(() => this.options.onChange(this.status()));
      if (!this.isBroken()) this.safely(() => this.options.onRestored());
      return;
    }
    if (this.storeOutage) return;
    this.storeOutage = {
      state: 'offline',
      failedHop: 'store',
      message:
        'Die Datenbank der Apotheke ist nicht erreichbar. Solange sie fehlt, sendet die App nichts an den E-Rezept-Fachdienst (jeder Vorgang wird zuerst dort vermerkt). Entwürfe in diesem Fenster bleiben erhalten und werden gespeichert, sobald sie zurück ist. Bitte Netzwerk und Datenbankserver prüfen, gegebenenfalls den IT-Dienstleister informieren.',
      detail: redactSecrets(`Datenbank: keine Verbindung · ${detail}`),
    };
    this.since = at;
    this.safely(() => this.options.onChange(this.status()));
  }

  /** Clears the probe timer; nothing is scheduled afterwards. */
  stop(): void {
    this.stopped = true;
    this.clearProbeTimer();
  }

  private async runProbe(): Promise<void> {
    const recordedBefore = this.recorded;
    try {
      await this.options.probe();
      this.apply({ state: 'online' });
    } catch (e) {
      // Normally the probe's outcome arrived through record(). If the probe bypassed the ObservedTransport,
      // its own TransportError is the only news: a call without answer on the Fachdienst hop.
      if (this.recorded === recordedBefore && e instanceof TransportError) {
        this.record({ hop: 'fachdienst', kind: 'no-answer', cause: e.kind, technical: e.technical });
      }
      // backend `ti`: the probe's sign-in or the VAU certificate failed on a hop before the Fachdienst
      if (this.recorded === recordedBefore && e instanceof HopFailure) this.recordHopFailure(e);
    }
    this.lastCheckedAt = this.options.now().toISOString();
  }

  private apply(next: Assessment): void {
    const at = this.options.now().toISOString();
    const previous = this.current;
    this.current = next;
    this.lastCheckedAt = at;
    const changed = previous.state !== next.state || previous.failedHop !== next.failedHop;
    if (changed) {
      this.since = at;
      this.safely(() => this.options.onChange(this.status()));
      if (isBroken(previous.state) && next.state === 'online') this.safely(() => this.options.onRestored());
    }
    if (this.isBroken()) this.ensureProbing();
    else this.clearProbeTimer();
  }

  private isBroken(): boolean {
    return isBroken(this.current.state);
  }

  private ensureProbing(): void {
    if (this.stopped || this.timer !== undefined) return;
    const setTimer = this.options.setTimer ?? setTimeout;
    this.timer = setTimer(() => {
      this.timer = undefined;
      void this.check().then(() => {
        if (this.isBroken()) this.ensureProbing();
      });
    }, Math.max(0, this.options.probeIntervalMs()));
    // A waiting probe must never keep the process (or a test run) alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private clearProbeTimer(): void {
    if (this.timer === undefined) return;
    (this.options.clearTimer ?? clearTimeout)(this.timer);
    this.timer = undefined;
  }

  /** A failing listener must not break the call that was being observed, nor the probe loop. */
  private safely(listener: () => unknown): void {
    try {
      const result = listener();
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // ignored on purpose
    }
  }
}

const isBroken = (state: State): boolean => state === 'offline' || state === 'degraded';

const FD = 'E-Rezept-Fachdienst';
const IDP = 'Anmeldedienst (IDP) der Telematikinfrastruktur';
const NO_IDP_NO_FD = `ohne Anmeldung kann der ${FD} nicht genutzt werden`;
const CHECK_TI = 'Bitte Netzwerk und TI-Zugang (Konnektor/Router) prüfen.';

/** What keeps working (A_23815, A_23818: never block what does not need the TI). */
const keepsWorking = (until: string): string =>
  ` Entwürfe bleiben gespeichert; ausstehende Vorgänge werden automatisch nachgeholt, sobald ${until}. Rezepte auf Papier (Muster 16) können weiter beliefert werden.`;

/**
 * One outcome → the state it shows, with the pharmacist's message and the technical detail (A_23814). The HTTP status
 * stays in the detail („Technische Details“), not in the counter's sentence (issue 19 item 5).
 */
function assess(outcome: TransportOutcome): Assessment {
  const hopLabel = outcome.hop === 'idp' ? 'IDP' : 'Fachdienst';
  if (outcome.kind === 'answer') {
    if (outcome.status < 500) return { state: 'online' };
    const detail = `${hopLabel}: HTTP ${outcome.status}`;
    return outcome.hop === 'idp'
      ? {
          state: 'degraded',
          failedHop: 'idp',
          message: `Der ${IDP} ist gestört – ${NO_IDP_NO_FD}. Die Störung liegt nicht in der Apotheke; die App prüft regelmäßig, ob die Anmeldung wieder gelingt.${keepsWorking('die Anmeldung wieder gelingt')}`,
          detail,
        }
      : {
          state: 'degraded',
          failedHop: 'fachdienst',
          message: `Der ${FD} ist gestört. Die Störung liegt nicht in der Apotheke; die App prüft regelmäßig, ob er wieder antwortet.${keepsWorking('er wieder antwortet')}`,
          detail,
        };
  }
  const detail = redactSecrets(
    `${hopLabel}: keine Antwort (${outcome.cause === 'timeout' ? 'Zeitüberschreitung' : 'Netzwerkfehler'}) · ${outcome.technical}`,
  );
  if (outcome.hop === 'idp') {
    return {
      state: 'offline',
      failedHop: 'idp',
      message: `Keine Verbindung zum ${IDP} – ${NO_IDP_NO_FD}. ${CHECK_TI} Besteht der Fehler weiter, die SMC-B im Kartenterminal prüfen.${keepsWorking('die Verbindung zurück ist')}`,
      detail,
    };
  }
  return {
    state: 'offline',
    failedHop: 'network',
    message:
      outcome.cause === 'timeout'
        ? `Der ${FD} antwortet nicht (Zeitüberschreitung). ${CHECK_TI} Ist dort alles in Ordnung, liegt die Störung vermutlich beim Fachdienst.${keepsWorking('die Verbindung zurück ist')}`
        : `Keine Verbindung zum ${FD}. ${CHECK_TI}${keepsWorking('die Verbindung zurück ist')}`,
    detail,
  };
}
