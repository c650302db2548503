/**
 * App settings and the people at the counter (architecture §2 "People and time"): the pharmacy identity
 * (Telematik-ID), the staff list and the current staff member, whose Kürzel goes with every state-changing
 * call. No password in this version; switching is a shortcut in the UI.
 */
import { z } from 'zod';
import {
  staffMemberSchema,
  type AppInfo,
  type BackendKind,
  type StaffMember,
} from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { SettingsStore } from '../store/repositories';
import { tiAtStart, trainingBackendAtStart } from '../backend/policy';
import type { Clock } from './clock';

export interface PharmacyIdentity {
  telematikId: string;
  name: string;
}

/** The demo pharmacy of the simulator's test PKI (training mode). */
export const DEFAULT_PHARMACY: PharmacyIdentity = {
  telematikId: '3-SMC-B-Testkarte-883110000095957',
  name: 'Demo-Apotheke am Markt',
};

export const DEFAULT_STAFF: StaffMember[] = [
  { kuerzel: 'AB', name: 'Anna Becker', active: true },
  { kuerzel: 'CD', name: 'Can Demir', active: true },
];

/** What „Apotheke & Personal“ saves once every rule of main/services/pharmacy-setup.ts holds (issue 18). */
export interface PharmacySetupValues {
  staff: Array<{ kuerzel: string; name: string; active: boolean }>;
  counterName: string;
  /** absent: the pharmacy stays as it is (backend ti: it comes from the SMC-B) */
  pharmacy?: PharmacyIdentity;
}

const Keys = {
  pharmacy: 'pharmacy',
  staffList: 'staffList',
  currentStaff: 'currentStaff',
  network: 'network',
  idpConsent: 'idpConsent',
  messageRetentionDays: 'messages.retentionDays',
  counterName: 'counterName',
} as const;

/** Zuweisungen never accepted are erased after this many days unless the setting says otherwise (issue 17, A_19251 spirit). */
const DEFAULT_MESSAGE_RETENTION_DAYS = 30;
const retentionDaysSchema = z.number().int().min(1).max(365);

/**
 * Timeouts and retry policy (spec §8, A_25460): every Fachdienst call is aborted after
 * `requestTimeoutMs`; automatic retries wait `retryBaseMs`·2^(n−1) (with jitter, at most `retryMaxDelayMs`)
 * for at most `maxAttempts` calls; while the Fachdienst is unreachable it is probed every `probeIntervalMs`.
 * Tests and demos run with milliseconds.
 */
export interface NetworkSettings {
  requestTimeoutMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  maxAttempts: number;
  probeIntervalMs: number;
}

export const DEFAULT_NETWORK_SETTINGS: NetworkSettings = {
  requestTimeoutMs: 15_000,
  retryBaseMs: 1_000,
  retryMaxDelayMs: 60_000,
  // A_25460 / api-erp status codes: „max 10“
  maxAttempts: 10,
  probeIntervalMs: 10_000,
};

const networkSettingsSchema = z
  .object({
    requestTimeoutMs: z.number().int().min(1).max(300_000),
    retryBaseMs: z.number().int().min(1).max(600_000),
    retryMaxDelayMs: z.number().int().min(1).max(3_600_000),
    maxAttempts: z.number().int().min(1).max(10),
    probeIntervalMs: z.number().int().min(10).max(3_600_000),
  })
  .partial();

const pharmacySchema = z.object({ telematikId: z.string().min(3), name: z.string().min(1) });

const storedConsentSchema = z.object({ consent: z.record(z.string(), z.unknown()), at: z.string(), acknowledged: z.boolean().optional() });

export interface SettingsServiceOptions {
  settings: SettingsStore;
  /** `training`: every backend but the real TI, the TI simulation included (architecture §2) */
  backend: { kind: BackendKind; url: string; training: boolean };
  /** backend `ti`: the Fachdienst's address follows the TI settings (the environment may be set while running) */
  fachdienstUrl?: () => string;
  appVersion: string;
  clock: Clock;
  dataProtection: AppInfo['dataProtection'];
  /** the shared store, redacted (issue 18); absent = this counter's own */
  sharedStore?: string;
  /** overrides from the command line (tests, demos); win over stored settings */
  networkOverrides?: Partial<NetworkSettings>;
}

export class SettingsService {
  constructor(private readonly options: SettingsServiceOptions) {}

  getAppInfo(): AppInfo {
    const { backend, appVersion } = this.options;
    return {
      version: appVersion,
      backend: backend.kind,
      training: backend.training,
      fachdienstUrl: this.options.fachdienstUrl?.() ?? backend.url,
      pharmacy: this.pharmacy(),
      staff: this.currentStaff(),
      staffList: this.staffList(),
      counterName: this.counterName(),
      dataProtection: this.options.dataProtection,
      ...(this.options.sharedStore ? { sharedStore: this.options.sharedStore } : {}),
      network: (({ requestTimeoutMs, retryBaseMs, maxAttempts }) => ({ requestTimeoutMs, retryBaseMs, maxAttempts }))(this.network()),
      messageRetentionDays: this.messageRetentionDays(),
      ...(backend.kind === 'ti' ? { idpConsent: this.idpConsent() } : {}),
    };
  }

  /**
   * The confirmed choice of a backend (architecture §2; `confirmed: true` is enforced by the contract): the running
   * backend is kept as is; every other one is chosen at start — the real TI with `--backend ti`, the other training
   * backend as embedded or `--fachdienst URL` — never by switching under open cases.
   */
  selectBackend(backend: BackendKind): AppInfo {
    const at = this.options.clock.now();
    if (backend === this.options.backend.kind) return this.getAppInfo();
    if (backend === 'ti') throw tiAtStart(at);
    throw trainingBackendAtStart(backend, at);
  }

  /** Defaults, then what is stored (a settings screen may write it), then the command line's overrides. */
  network(): NetworkSettings {
    const stored = networkSettingsSchema.safeParse(this.options.settings.get(Keys.network));
    return { ...DEFAULT_NETWORK_SETTINGS, ...(stored.success ? stored.data : {}), ...this.options.networkOverrides };
  }

  /** Days a Zuweisung never accepted keeps its content (names, address, texts) before it is erased. */
  messageRetentionDays(): number {
    const stored = retentionDaysSchema.safeParse(this.options.settings.get(Keys.messageRetentionDays));
    return stored.success ? stored.data : DEFAULT_MESSAGE_RETENTION_DAYS;
  }

  /** Stores the retention period of Zuweisungen never accepted (the next fetch erases what is older). */
  async setMessageRetentionDays(days: number): Promise<AppInfo> {
    await this.options.settings.set(Keys.messageRetentionDays, retentionDaysSchema.parse(days));
    return this.getAppInfo();
  }

  /**
   * Selects the staff member by Kürzel (case-insensitive); an empty Kürzel signs the current one off. Members set
   * inactive in „Apotheke & Personal“ cannot be chosen (issue 18).
   */
  async setStaff(kuerzel: string): Promise<AppInfo> {
    const wanted = kuerzel.trim();
    if (wanted === '') {
      await this.options.settings.set(Keys.currentStaff, null);
      return this.getAppInfo();
    }
    const member = this.staffList().find((s) => s.kuerzel.toLocaleUpperCase('de') === wanted.toLocaleUpperCase('de'));
    if (!member) {
      throw failure('not-found', `Das Kürzel „${wanted}“ gehört zu keinem Mitarbeiter dieser Apotheke. Bitte ein Kürzel aus der Liste wählen.`, {
        at: this.options.clock.now(),
      });
    }
    if (!member.active) {
      throw failure('staff-inactive', `„${member.kuerzel}“ (${member.name}) ist nicht mehr aktiv und kann nicht gewählt werden. Aktiv setzen lässt es sich unter „Einstellungen & Info“ → „Apotheke & Personal“.`, {
        at: this.options.clock.now(),
      });
    }
    await this.options.settings.set(Keys.currentStaff, member.kuerzel);
    return this.getAppInfo();
  }

  /** The chosen member — never an inactive one: deactivating the current member signs them off (issue 18). */
  currentStaff(): StaffMember | null {
    const kuerzel = this.options.settings.get(Keys.currentStaff);
    if (typeof kuerzel !== 'string') return null;
    const member = this.staffList().find((s) => s.kuerzel === kuerzel);
    return member?.active ? member : null;
  }

  /** Every state-changing call names who did it (architecture §2): without a current staff member, nothing happens. */
  requireStaff(): StaffMember {
    const staff = this.currentStaff();
    if (!staff) {
      throw failure('staff-required', 'Bitte zuerst das eigene Kürzel wählen – jede Aktion am Rezept wird einer Person zugeordnet.', {
        at: this.options.clock.now(),
      });
    }
    return staff;
  }

  /** Everyone, inactive members included, each with `active` set (lists stored before it existed: active). */
  staffList(): StaffMember[] {
    const parsed = z.array(staffMemberSchema).min(1).safeParse(this.options.settings.get(Keys.staffList));
    return (parsed.success ? parsed.data : DEFAULT_STAFF).map((member) => ({ ...member, active: member.active !== false }));
  }

  /** This counter's name („Kasse 1“) for the header; empty until set (issue 18). */
  counterName(): string {
    const stored = this.options.settings.get(Keys.counterName);
    return typeof stored === 'string' ? stored : '';
  }

  /**
   * Backend `ti` (the TI simulation included): the pharmacy is the SMC-B's and every sign-in sets it
   * (`rememberPharmacyFromCard`), so it is not set by hand — an edit would be overwritten at the next sign-in.
   */
  pharmacyFromCard(): boolean {
    return this.options.backend.kind === 'ti';
  }

  /**
   * Stores a set-up already checked by main/services/pharmacy-setup.ts. A current member who is now inactive is
   * signed off: the next action asks for a Kürzel (architecture §2), the history keeps theirs.
   */
  async applyPharmacySetup(values: PharmacySetupValues): Promise<void> {
    await this.options.settings.set(Keys.staffList, values.staff);
    await this.options.settings.set(Keys.counterName, values.counterName);
    if (values.pharmacy) await this.options.settings.set(Keys.pharmacy, values.pharmacy);
    const current = this.options.settings.get(Keys.currentStaff);
    if (typeof current !== 'string') return;
    // a Kürzel stored before the set-up wrote it in capitals still names the same person
    const stays = values.staff.find((member) => member.active && member.kuerzel.toLocaleUpperCase('de') === current.toLocaleUpperCase('de'));
    await this.options.settings.set(Keys.currentStaff, stays ? stays.kuerzel : null);
  }

  /**
   * Backend `ti`: the pharmacy is the SMC-B's. The IDP derives `idNummer` (Telematik-ID) and `organizationName`
   * from the card's certificate (spec ti-transport §2.8); every sign-in refreshes them.
   */
  async rememberPharmacyFromCard(claims: Record<string, unknown>): Promise<boolean> {
    const parsed = pharmacySchema.safeParse({ telematikId: claims['idNummer'], name: claims['organizationName'] });
    if (!parsed.success) return false;
    const known = this.pharmacy();
    if (known.telematikId === parsed.data.telematikId && known.name === parsed.data.name) return false;
    await this.options.settings.set(Keys.pharmacy, parsed.data);
    // true: the identity changed, the window shows the new one
    return true;
  }

  /**
   * The IDP's `user_consent` at a sign-in (api-erp authentisieren.adoc steps 18–19), with when. The same consent as
   * before keeps its acknowledgement; a different one is shown again. Returns whether the window must show it.
   */
  async rememberIdpConsent(consent: Record<string, unknown>): Promise<boolean> {
    const known = storedConsentSchema.safeParse(this.options.settings.get(Keys.idpConsent));
    const same = known.success && JSON.stringify(known.data.consent) === JSON.stringify(consent);
    const acknowledged = same && known.data.acknowledged === true;
    await this.options.settings.set(Keys.idpConsent, { consent, at: same ? known.data.at : this.options.clock.now().toISOString(), acknowledged });
    return !same;
  }

  /** „Zur Kenntnis genommen“: the consent is not shown again until the IDP asks for something else. */
  async acknowledgeIdpConsent(): Promise<AppInfo> {
    const known = storedConsentSchema.safeParse(this.options.settings.get(Keys.idpConsent));
    if (!known.success) {
      throw failure('not-found', 'Es liegt keine Einwilligung des Identity Providers vor – die App hat sich noch nicht angemeldet.', { at: this.options.clock.now() });
    }
    await this.options.settings.set(Keys.idpConsent, { ...known.data, acknowledged: true });
    return this.getAppInfo();
  }

  private idpConsent(): AppInfo['idpConsent'] {
    const known = storedConsentSchema.safeParse(this.options.settings.get(Keys.idpConsent));
    if (!known.success) return null;
    const texts = (value: unknown) =>
      Object.entries(z.record(z.string(), z.string()).catch({}).parse(value)).map(([name, text]) => ({ name, text }));
    return {
      at: known.data.at,
      scopes: texts(known.data.consent['requested_scopes']),
      claims: texts(known.data.consent['requested_claims']),
      acknowledged: known.data.acknowledged === true,
    };
  }

  pharmacy(): PharmacyIdentity {
    const parsed = pharmacySchema.safeParse(this.options.settings.get(Keys.pharmacy));
    return parsed.success ? parsed.data : DEFAULT_PHARMACY;
  }
}
