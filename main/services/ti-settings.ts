/**
 * The TI connection's settings (docs/ti.md „Settings“; spec ti-transport §3.1, §3.2, table "TI endpoints"): the
 * environment and its addresses, the Konnektor (address, call context, TLS trust, client authentication), the SMC-B
 * and the IDP client id — stored in this mode's store, the secrets through its cipher (architecture §7: encrypted at
 * rest, never in a log, never back to the renderer).
 *
 * Where the addresses come from: the TI simulation (`--backend ti` with all three on loopback) takes them from the
 * start, with the Konnektor over plain HTTP; only the call context, the SMC-B and the client id are set here. The
 * real TI takes the environment's addresses (or own ones, or those given at start) and everything else from here.
 */
import { z } from 'zod';
import {
  tiEnvironmentSchema,
  tiTrustSchema,
  type TiSettings,
  type TiSettingsInput,
  type TiSettingsProblem,
} from '../../shared/ipc/contract';
import { isLoopbackHost } from '../backend/policy';
import type { TiAddresses } from '../backend/choice';
import type { SettingsStore } from '../store/repositories';
import type { TiTrustPolicy } from '../ti/certificate-trust';
import { validateKonnektorConfig, DEFAULT_CONTEXT, type KonnektorClientAuth, type KonnektorConfig, type KonnektorConfigField } from '../ti/konnektor/konnektor-config';
import { TiError } from '../ti/ti-error';
import { DEFAULT_CLIENT_ID } from '../ti/ti-connection';
import { TI_ENVIRONMENTS } from '../ti/ti-environments';

const Keys = { settings: 'tiSettings', secrets: 'tiSecrets' } as const;

/** How the app was started with backend `ti` (main/backend/choice.ts). */
export interface TiStart {
  /** every address on loopback: the TI simulation */
  simulation: boolean;
  /** `--fachdienst`, `--idp`, `--konnektor`; absent = from the settings */
  addresses?: TiAddresses;
}

/** What the TI connection is built from (main/ti/ti-connection.ts). */
export interface TiConnectionConfig {
  fachdienstUrl: string;
  idpUrl: string;
  scope: string;
  clientId: string;
  konnektor: KonnektorConfig;
  trustPolicy: TiTrustPolicy;
}

export type TiSettingsSaved = { saved: boolean; settings: TiSettings; problems: TiSettingsProblem[] };

const storedSchema = z.object({
  environment: tiEnvironmentSchema,
  fachdienstUrl: z.string(),
  idpUrl: z.string(),
  konnektor: z.object({
    baseUrl: z.string(),
    mandantId: z.string(),
    clientSystemId: z.string(),
    workplaceId: z.string(),
    userId: z.string(),
    trust: tiTrustSchema,
    allowPlainHttp: z.boolean(),
    smcbIccsn: z.string(),
    clientAuth: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }),
      z.object({ kind: z.literal('basic'), username: z.string() }),
      z.object({ kind: z.literal('pkcs12') }),
      z.object({ kind: z.literal('pem'), certPem: z.string() }),
    ]),
  }),
  clientId: z.string(),
});
type Stored = z.infer<typeof storedSchema>;

/** Secrets, stored encrypted apart from the rest; only the one the chosen authentication needs is kept. */
const secretsSchema = z.object({ password: z.string().optional(), pfxBase64: z.string().optional(), passphrase: z.string().optional(), keyPem: z.string().optional() });
type Secrets = z.infer<typeof secretsSchema>;

const UNSET: Stored = {
  environment: 'ru',
  fachdienstUrl: '',
  idpUrl: '',
  konnektor: {
    baseUrl: '',
    ...DEFAULT_CONTEXT,
    userId: '',
    trust: { kind: 'none' },
    allowPlainHttp: false,
    smcbIccsn: '',
    clientAuth: { kind: 'none' },
  },
  clientId: DEFAULT_CLIENT_ID,
};

export const TI_NOT_SET_UP_MESSAGE =
  'Die TI-Anbindung ist noch nicht vollständig eingerichtet. Bitte unter „Einstellungen & Info“ (Alt+I) Umgebung, Konnektor und Zugangsdaten eintragen. Es wurde nichts gesendet.';

export class TiSettingsService {
  constructor(
    private readonly options: {
      settings: SettingsStore;
      start: TiStart;
      /** open cases belong to the environment they were claimed in: it cannot change under them */
      openCaseCount: () => Promise<number>;
    },
  ) {}

  view(): TiSettings {
    const stored = this.stored();
    const secrets = this.secrets();
    const addresses = this.addresses(stored);
    const fromStart = this.options.start.addresses;
    const { clientAuth } = stored.konnektor;
    return {
      environment: this.storedRaw() === undefined && !fromStart ? null : fromStart ? 'custom' : stored.environment,
      fachdienstUrl: addresses?.fachdienstUrl ?? '',
      idpUrl: addresses?.idpUrl ?? '',
      addressesFromStart: fromStart !== undefined,
      konnektor: {
        ...stored.konnektor,
        baseUrl: fromStart?.konnektorUrl ?? stored.konnektor.baseUrl,
        allowPlainHttp: this.options.start.simulation || stored.konnektor.allowPlainHttp,
        clientAuth:
          clientAuth.kind === 'basic'
            ? { kind: 'basic', username: clientAuth.username, passwordStored: secrets.password !== undefined }
            : clientAuth.kind === 'pkcs12'
              ? { kind: 'pkcs12', certificateStored: secrets.pfxBase64 !== undefined, passphraseStored: secrets.passphrase !== undefined }
              : clientAuth.kind === 'pem'
                ? { kind: 'pem', certPem: clientAuth.certPem, keyStored: secrets.keyPem !== undefined }
                : { kind: 'none' },
      },
      clientId: stored.clientId,
      problems: this.storedRaw() === undefined && !fromStart ? [{ field: 'environment', message: TI_NOT_SET_UP_MESSAGE }] : this.check(stored, secrets).problems,
    };
  }

  /** Validates and, when valid, stores. A secret left out keeps the stored one (the form never sees them). */
  async save(input: TiSettingsInput): Promise<TiSettingsSaved> {
    const previous = this.stored();
    const secrets = mergeSecrets(input.konnektor.clientAuth, previous, this.secrets());
    const next: Stored = {
      environment: input.environment,
      fachdienstUrl: input.environment === 'custom' ? input.fachdienstUrl.trim() : '',
      idpUrl: input.environment === 'custom' ? input.idpUrl.trim() : '',
      konnektor: {
        ...input.konnektor,
        baseUrl: input.konnektor.baseUrl.trim(),
        smcbIccsn: input.konnektor.smcbIccsn.replace(/\s+/g, ''),
        clientAuth: publicPartOf(input.konnektor.clientAuth),
      },
      clientId: input.clientId.trim(),
    };
    const problems = [...this.check(next, secrets).problems, ...(await this.environmentChange(previous, next))];
    if (problems.length > 0) return { saved: false, settings: this.view(), problems };
    await this.options.settings.set(Keys.settings, next);
    await this.options.settings.setSecret(Keys.secrets, secrets);
    return { saved: true, settings: this.view(), problems: [] };
  }

  /** The address the Fachdienst has now ('' while not set up). */
  fachdienstUrl(): string {
    return this.addresses(this.stored())?.fachdienstUrl ?? '';
  }

  /** What the connection is built from, or a TiError on hop `konnektor` saying the set-up is missing. */
  connectionConfig(): TiConnectionConfig {
    if (this.storedRaw() === undefined && !this.options.start.addresses) {
      throw new TiError('konnektor', TI_NOT_SET_UP_MESSAGE, 'TI-Einstellungen: keine gespeichert');
    }
    const { config, problems } = this.check(this.stored(), this.secrets());
    if (!config) {
      throw new TiError('konnektor', TI_NOT_SET_UP_MESSAGE, `TI-Einstellungen: ${problems.map((p) => p.field).join(', ')}`);
    }
    return config;
  }

  private check(stored: Stored, secrets: Secrets): { config?: TiConnectionConfig; problems: TiSettingsProblem[] } {
    const problems: TiSettingsProblem[] = [];
    const { start } = this.options;
    const addresses = this.addresses(stored);
    if (!start.addresses && stored.environment === 'custom') {
      for (const field of ['fachdienstUrl', 'idpUrl'] as const) {
        const problem = customAddressProblem(stored[field], field === 'fachdienstUrl' ? 'E-Rezept-Fachdienstes' : 'Identity Providers (IDP)');
        if (problem) problems.push({ field, message: problem });
      }
    }
    if (!/^[\w.-]{1,200}$/.test(stored.clientId)) {
      problems.push({ field: 'clientId', message: 'Die Client-ID beim IDP fehlt oder enthält unzulässige Zeichen (Buchstaben, Ziffern, Punkt, Bindestrich, Unterstrich).' });
    }
    const konnektor = this.konnektorConfig(stored, secrets);
    const validation = validateKonnektorConfig(konnektor);
    if (!validation.ok) problems.push(...validation.problems.map((p) => ({ field: konnektorField(p.field), message: p.message })));
    if (problems.length > 0 || !addresses) return { problems };
    return {
      problems,
      config: {
        fachdienstUrl: addresses.fachdienstUrl,
        idpUrl: addresses.idpUrl,
        scope: addresses.scope,
        clientId: stored.clientId,
        konnektor,
        trustPolicy: start.simulation ? 'simulation' : stored.environment === 'pu' && !start.addresses ? 'production' : 'reference',
      },
    };
  }

  private konnektorConfig(stored: Stored, secrets: Secrets): KonnektorConfig {
    const { start } = this.options;
    const k = stored.konnektor;
    const context = { mandantId: k.mandantId, clientSystemId: k.clientSystemId, workplaceId: k.workplaceId, ...(k.userId.trim() ? { userId: k.userId } : {}) };
    const smcb = k.smcbIccsn ? { smcbIccsn: k.smcbIccsn } : {};
    // The TI simulation's Konnektor speaks plain HTTP on this machine (spec ti-transport §3.2 option 1).
    if (start.simulation && start.addresses) return { baseUrl: start.addresses.konnektorUrl, allowPlainHttp: true, context, ...smcb };
    return {
      baseUrl: start.addresses?.konnektorUrl ?? k.baseUrl,
      context,
      allowPlainHttp: k.allowPlainHttp,
      ...(k.trust.kind === 'none' ? {} : { trust: k.trust }),
      clientAuth: clientAuthOf(k.clientAuth, secrets),
      ...smcb,
    };
  }

  private addresses(stored: Stored): { fachdienstUrl: string; idpUrl: string; scope: string } | undefined {
    const fromStart = this.options.start.addresses;
    if (fromStart) return { fachdienstUrl: fromStart.fachdienstUrl, idpUrl: fromStart.idpUrl, scope: 'openid e-rezept' };
    if (this.storedRaw() === undefined) return undefined;
    if (stored.environment === 'custom') return { fachdienstUrl: stored.fachdienstUrl, idpUrl: stored.idpUrl, scope: 'openid e-rezept' };
    return TI_ENVIRONMENTS[stored.environment];
  }

  /** Cases claimed in one environment cannot be dispensed or closed in another: no switch while any is open. */
  private async environmentChange(previous: Stored, next: Stored): Promise<TiSettingsProblem[]> {
    if (this.options.start.addresses || this.storedRaw() === undefined) return [];
    const before = this.addresses(previous);
    const after = next.environment === 'custom' ? { fachdienstUrl: next.fachdienstUrl, idpUrl: next.idpUrl } : TI_ENVIRONMENTS[next.environment];
    if (before?.fachdienstUrl === after.fachdienstUrl && before.idpUrl === after.idpUrl) return [];
    const open = await this.options.openCaseCount();
    if (open === 0) return [];
    return [
      {
        field: 'environment',
        message: `Die TI-Umgebung kann nicht gewechselt werden, solange ${open === 1 ? 'ein Rezept' : `${open} Rezepte`} in Abgabe ${open === 1 ? 'ist' : 'sind'}: bitte zuerst abschließen oder zurückgeben.`,
      },
    ];
  }

  private storedRaw(): unknown {
    return this.options.settings.get(Keys.settings);
  }

  private stored(): Stored {
    const parsed = storedSchema.safeParse(this.storedRaw());
    return parsed.success ? parsed.data : UNSET;
  }

  private secrets(): Secrets {
    const parsed = secretsSchema.safeParse(this.options.settings.getSecret(Keys.secrets));
    return parsed.success ? parsed.data : {};
  }
}

type ClientAuthInput = TiSettingsInput['konnektor']['clientAuth'];

function publicPartOf(auth: ClientAuthInput): Stored['konnektor']['clientAuth'] {
  if (auth.kind === 'basic') return { kind: 'basic', username: auth.username.trim() };
  if (auth.kind === 'pem') return { kind: 'pem', certPem: auth.certPem };
  return { kind: auth.kind };
}

/** The secrets the chosen authentication needs: what the form sent, else what was stored for the same kind. */
function mergeSecrets(auth: ClientAuthInput, previous: Stored, stored: Secrets): Secrets {
  const sameKind = previous.konnektor.clientAuth.kind === auth.kind;
  const kept = <K extends keyof Secrets>(key: K): Secrets[K] => (sameKind ? stored[key] : undefined);
  const only = (secrets: Secrets): Secrets => Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== undefined));
  if (auth.kind === 'basic') return only({ password: auth.password ?? kept('password') });
  if (auth.kind === 'pkcs12') return only({ pfxBase64: auth.pfxBase64 ?? kept('pfxBase64'), passphrase: auth.passphrase ?? kept('passphrase') });
  if (auth.kind === 'pem') return only({ keyPem: auth.keyPem ?? kept('keyPem') });
  return {};
}

function clientAuthOf(auth: Stored['konnektor']['clientAuth'], secrets: Secrets): KonnektorClientAuth {
  // A missing secret is passed on empty: the Konnektor configuration's own check names it in German.
  if (auth.kind === 'basic') return { kind: 'basic', username: auth.username, password: secrets.password ?? '' };
  if (auth.kind === 'pkcs12') return { kind: 'pkcs12', pfx: Buffer.from(secrets.pfxBase64 ?? '', 'base64'), passphrase: secrets.passphrase ?? '' };
  if (auth.kind === 'pem') return { kind: 'pem', certPem: auth.certPem, keyPem: secrets.keyPem ?? '' };
  return { kind: 'none' };
}

function konnektorField(field: KonnektorConfigField): string {
  return `konnektor.${field.replace(/^context\./, '')}`;
}

function customAddressProblem(raw: string, of: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `Die Adresse des ${of} ist keine gültige URL (Beispiel: https://erp-ref.zentral.erp.splitdns.ti-dienste.de/).`;
  }
  if (url.protocol !== 'https:') return `Die Adresse des ${of} muss mit https:// beginnen.`;
  if (isLoopbackHost(url.hostname)) {
    return `Eine Adresse auf diesem Rechner ist die TI-Simulation, nicht die TI: bitte die App mit „--backend ti“ und den drei Adressen der Simulation starten.`;
  }
  return undefined;
}
