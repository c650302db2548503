/**
 * „TI-Anbindung“ in „Einstellungen & Info“ (backend `ti` only; docs/ti.md „Settings“, spec ti-transport §3.1–§3.3):
 * the environment (RU, RU-DEV, PU or own addresses), the Konnektor's address, call context, TLS trust and client
 * authentication, the SMC-B among several, the IDP client id. Secrets go one way: a stored password, certificate
 * or key shows as „gespeichert“ and stays unless a new one is entered. Main validates; its German problems show at
 * the fields. In the TI simulation the addresses come from the start and only context, SMC-B and client id apply.
 */
import { useId, useState, type ChangeEvent, type ReactNode } from 'react';
import { useForm, useWatch, type UseFormRegisterReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { TiEnvironmentChoice, TiSettings, TiSettingsInput, TiSettingsProblem } from '../../../../../shared/ipc/contract';
import { useSaveTiSettings, useSmcbList, useTiSettings } from '../../../api/ti-settings/ti-settings-query';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';

type TrustKind = TiSettingsInput['konnektor']['trust']['kind'];
type AuthKind = TiSettingsInput['konnektor']['clientAuth']['kind'];

interface TiForm {
  environment: TiEnvironmentChoice;
  fachdienstUrl: string;
  idpUrl: string;
  clientId: string;
  baseUrl: string;
  mandantId: string;
  clientSystemId: string;
  workplaceId: string;
  userId: string;
  smcbIccsn: string;
  allowPlainHttp: boolean;
  trustKind: TrustKind;
  caPem: string;
  sha256Fingerprint: string;
  authKind: AuthKind;
  username: string;
  password: string;
  pfxBase64: string;
  passphrase: string;
  certPem: string;
  keyPem: string;
}

const ENVIRONMENTS: readonly TiEnvironmentChoice[] = ['ru', 'ru-dev', 'pu', 'custom'];
const TRUST_KINDS: readonly TrustKind[] = ['ca', 'pin', 'none'];
const AUTH_KINDS: readonly AuthKind[] = ['none', 'basic', 'pkcs12', 'pem'];

/** Main's problem fields → the form field that shows them. */
const FIELD_OF: Record<string, keyof TiForm> = {
  environment: 'environment',
  fachdienstUrl: 'fachdienstUrl',
  idpUrl: 'idpUrl',
  clientId: 'clientId',
  'konnektor.baseUrl': 'baseUrl',
  'konnektor.mandantId': 'mandantId',
  'konnektor.clientSystemId': 'clientSystemId',
  'konnektor.workplaceId': 'workplaceId',
  'konnektor.userId': 'userId',
  'konnektor.trust': 'trustKind',
  'konnektor.clientAuth': 'authKind',
  'konnektor.smcbIccsn': 'smcbIccsn',
};

function formOf(settings: TiSettings): TiForm {
  const { konnektor } = settings;
  const { trust, clientAuth } = konnektor;
  return {
    environment: settings.environment ?? 'ru',
    fachdienstUrl: settings.environment === 'custom' ? settings.fachdienstUrl : '',
    idpUrl: settings.environment === 'custom' ? settings.idpUrl : '',
    clientId: settings.clientId,
    baseUrl: konnektor.baseUrl,
    mandantId: konnektor.mandantId,
    clientSystemId: konnektor.clientSystemId,
    workplaceId: konnektor.workplaceId,
    userId: konnektor.userId,
    smcbIccsn: konnektor.smcbIccsn,
    allowPlainHttp: konnektor.allowPlainHttp,
    trustKind: trust.kind,
    caPem: trust.kind === 'ca' ? trust.caPem : '',
    sha256Fingerprint: trust.kind === 'pin' ? trust.sha256Fingerprint : '',
    authKind: clientAuth.kind,
    username: clientAuth.kind === 'basic' ? clientAuth.username : '',
    password: '',
    pfxBase64: '',
    passphrase: '',
    certPem: clientAuth.kind === 'pem' ? clientAuth.certPem : '',
    keyPem: '',
  };
}

/** An empty secret field keeps what is stored (the form never received it). */
const secret = (value: string): string | undefined => (value === '' ? undefined : value);

function inputOf(form: TiForm): TiSettingsInput {
  const trust: TiSettingsInput['konnektor']['trust'] =
    form.trustKind === 'ca' ? { kind: 'ca', caPem: form.caPem } : form.trustKind === 'pin' ? { kind: 'pin', sha256Fingerprint: form.sha256Fingerprint } : { kind: 'none' };
  const clientAuth: TiSettingsInput['konnektor']['clientAuth'] =
    form.authKind === 'basic'
      ? { kind: 'basic', username: form.username, password: secret(form.password) }
      : form.authKind === 'pkcs12'
        ? { kind: 'pkcs12', pfxBase64: secret(form.pfxBase64), passphrase: secret(form.passphrase) }
        : form.authKind === 'pem'
          ? { kind: 'pem', certPem: form.certPem, keyPem: secret(form.keyPem) }
          : { kind: 'none' };
  return {
    environment: form.environment,
    fachdienstUrl: form.fachdienstUrl,
    idpUrl: form.idpUrl,
    clientId: form.clientId,
    konnektor: {
      baseUrl: form.baseUrl,
      mandantId: form.mandantId,
      clientSystemId: form.clientSystemId,
      workplaceId: form.workplaceId,
      userId: form.userId,
      smcbIccsn: form.smcbIccsn,
      allowPlainHttp: form.allowPlainHttp,
      trust,
      clientAuth,
    },
  };
}

export function TiSettingsSection() {
  const { t } = useTranslation();
  const titleId = useId();
  const query = useTiSettings();
  return (
    <section className="settings-section ti-settings" aria-labelledby={titleId} data-testid="ti-settings">
      <h3 id={titleId}>{t('tiSettings.title')}</h3>
      {query.isPending ? (
        <p className="muted">{t('tiSettings.loading')}</p>
      ) : query.isError ? (
        <ErrorAlert error={appErrorOf(query.error)} testId="ti-settings-error" />
      ) : (
        <TiSettingsForm settings={query.data} />
      )}
    </section>
  );
}

function TiSettingsForm({ settings }: { settings: TiSettings }) {
  const { t } = useTranslation();
  const save = useSaveTiSettings();
  const [problems, setProblems] = useState<TiSettingsProblem[]>(settings.problems);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const { register, handleSubmit, control, setValue, reset } = useForm<TiForm>({ defaultValues: formOf(settings) });
  const fromStart = settings.addressesFromStart;
  const [environment, trustKind, authKind] = useWatch({ control, name: ['environment', 'trustKind', 'authKind'] });
  const problemOf = (field: keyof TiForm) => problems.filter((p) => FIELD_OF[p.field] === field);
  const { clientAuth } = settings.konnektor;

  const submit = handleSubmit((form) => {
    setSavedAt(null);
    save.mutate(inputOf(form), {
      onSuccess: (result) => {
        setProblems(result.problems);
        if (!result.saved) return;
        setSavedAt(Date.now());
        reset(formOf(result.settings));
      },
    });
  });

  const field = (name: keyof TiForm, input: ReactNode, options: { help?: string } = {}) => (
    <TiField name={name} label={t(`tiSettings.fields.${name}`)} problems={problemOf(name)} help={options.help}>
      {input}
    </TiField>
  );
  const text = (name: keyof TiForm, registered: UseFormRegisterReturn, extra: { disabled?: boolean; placeholder?: string; type?: string } = {}) => (
    <input id={`ti-${name}`} type={extra.type ?? 'text'} data-testid={`ti-${name}`} aria-invalid={problemOf(name).length > 0} {...registered} {...extra} />
  );

  return (
    <form className="ti-settings-form" noValidate onSubmit={(e) => void submit(e)}>
      {problems.length > 0 ? (
        <ul className="ti-settings-problems" data-testid="ti-settings-problems">
          {problems.map((p) => (
            <li key={`${p.field}:${p.message}`} data-testid="ti-settings-problem" data-field={p.field}>
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {fromStart ? <p className="muted" data-testid="ti-addresses-from-start">{t('tiSettings.addressesFromStart')}</p> : null}
      {field(
        'environment',
        <select id="ti-environment" data-testid="ti-environment" disabled={fromStart} {...register('environment')}>
          {ENVIRONMENTS.map((env) => (
            <option key={env} value={env}>
              {t(`tiSettings.environments.${env}`)}
            </option>
          ))}
        </select>,
      )}
      {environment === 'custom' && !fromStart ? (
        <>
          {field('fachdienstUrl', text('fachdienstUrl', register('fachdienstUrl'), { placeholder: 'https://' }))}
          {field('idpUrl', text('idpUrl', register('idpUrl'), { placeholder: 'https://' }))}
        </>
      ) : (
        <p className="muted" data-testid="ti-addresses">
          {t('tiSettings.addresses', { fachdienst: settings.fachdienstUrl || '–', idp: settings.idpUrl || '–' })}
        </p>
      )}
      <fieldset className="ti-settings-group">
        <legend>{t('tiSettings.konnektor')}</legend>
        {field('baseUrl', text('baseUrl', register('baseUrl'), { disabled: fromStart, placeholder: 'https://192.168.1.10/' }))}
        <div className="ti-settings-row">
          {field('mandantId', text('mandantId', register('mandantId')))}
          {field('clientSystemId', text('clientSystemId', register('clientSystemId')))}
          {field('workplaceId', text('workplaceId', register('workplaceId')))}
          {field('userId', text('userId', register('userId')))}
        </div>
        {fromStart ? null : (
          <>
            {field(
              'trustKind',
              <select id="ti-trustKind" data-testid="ti-trustKind" {...register('trustKind')}>
                {TRUST_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`tiSettings.trustKinds.${kind}`)}
                  </option>
                ))}
              </select>,
            )}
            {trustKind === 'ca' ? field('caPem', <textarea id="ti-caPem" data-testid="ti-caPem" rows={4} {...register('caPem')} />) : null}
            {trustKind === 'pin' ? field('sha256Fingerprint', text('sha256Fingerprint', register('sha256Fingerprint'), { placeholder: 'AB:CD:…' })) : null}
            <label className="checkbox">
              <input type="checkbox" data-testid="ti-allowPlainHttp" {...register('allowPlainHttp')} /> {t('tiSettings.fields.allowPlainHttp')}
            </label>
            {field(
              'authKind',
              <select id="ti-authKind" data-testid="ti-authKind" {...register('authKind')}>
                {AUTH_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`tiSettings.authKinds.${kind}`)}
                  </option>
                ))}
              </select>,
            )}
            {authKind === 'basic' ? (
              <div className="ti-settings-row">
                {field('username', text('username', register('username'), { placeholder: '' }))}
                {field('password', text('password', register('password'), { type: 'password', placeholder: storedHint(t, clientAuth.kind === 'basic' && clientAuth.passwordStored) }))}
              </div>
            ) : null}
            {authKind === 'pkcs12' ? (
              <div className="ti-settings-row">
                {field(
                  'pfxBase64',
                  <input id="ti-pfxBase64" type="file" accept=".p12,.pfx" data-testid="ti-pfx-file" onChange={(e) => void readPkcs12(e, (base64) => setValue('pfxBase64', base64, { shouldDirty: true }))} />,
                  { help: clientAuth.kind === 'pkcs12' && clientAuth.certificateStored ? t('tiSettings.stored') : undefined },
                )}
                {field('passphrase', text('passphrase', register('passphrase'), { type: 'password', placeholder: storedHint(t, clientAuth.kind === 'pkcs12' && clientAuth.passphraseStored) }))}
              </div>
            ) : null}
            {authKind === 'pem' ? (
              <>
                {field('certPem', <textarea id="ti-certPem" data-testid="ti-certPem" rows={4} {...register('certPem')} />)}
                {field('keyPem', <textarea id="ti-keyPem" data-testid="ti-keyPem" rows={4} placeholder={storedHint(t, clientAuth.kind === 'pem' && clientAuth.keyStored)} {...register('keyPem')} />)}
              </>
            ) : null}
          </>
        )}
      </fieldset>
      <fieldset className="ti-settings-group">
        <legend>{t('tiSettings.smcb')}</legend>
        {field('smcbIccsn', text('smcbIccsn', register('smcbIccsn'), { placeholder: t('tiSettings.smcbAny') }))}
        <SmcbPicker onChoose={(iccsn) => setValue('smcbIccsn', iccsn, { shouldDirty: true })} />
      </fieldset>
      {field('clientId', text('clientId', register('clientId')), { help: t('tiSettings.clientIdHelp') })}
      <div className="ti-settings-actions">
        <button type="submit" className="button-primary" data-testid="ti-settings-save" disabled={save.isPending}>
          {save.isPending ? t('tiSettings.saving') : t('tiSettings.save')}
        </button>
        {savedAt !== null ? (
          <span role="status" className="ti-settings-saved" data-testid="ti-settings-saved">
            {t('tiSettings.saved')}
          </span>
        ) : null}
      </div>
      {save.isError ? <ErrorAlert error={appErrorOf(save.error)} testId="ti-settings-save-error" /> : null}
    </form>
  );
}

function TiField({ name, label, problems, help, children }: { name: keyof TiForm; label: string; problems: TiSettingsProblem[]; help?: string | undefined; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={`ti-${name}`}>{label}</label>
      {children}
      {help ? <p className="field-help">{help}</p> : null}
      {problems.map((p) => (
        <p key={p.message} className="field-error" data-testid="ti-field-problem" data-field={p.field}>
          {p.message}
        </p>
      ))}
    </div>
  );
}

/** „Gesteckte SMC-B anzeigen“: asks the Konnektor (saved settings) and offers each card to choose. */
function SmcbPicker({ onChoose }: { onChoose(iccsn: string): void }) {
  const { t } = useTranslation();
  const list = useSmcbList();
  return (
    <div className="ti-smcb-picker">
      <button type="button" className="button-secondary button-small" data-testid="ti-smcb-list" disabled={list.isFetching} onClick={() => void list.refetch()}>
        {list.isFetching ? t('tiSettings.smcbListing') : t('tiSettings.smcbList')}
      </button>
      {list.isError ? <ErrorAlert error={appErrorOf(list.error)} testId="ti-smcb-error" /> : null}
      {list.data ? (
        list.data.length === 0 ? (
          <p className="muted" data-testid="ti-smcb-none">
            {t('tiSettings.smcbNone')}
          </p>
        ) : (
          <ul className="ti-smcb-cards">
            {list.data.map((card) => (
              <li key={card.iccsn ?? card.holderName} data-testid="ti-smcb-card" data-iccsn={card.iccsn}>
                <strong>{card.holderName ?? t('tiSettings.smcbUnnamed')}</strong> <code>{card.iccsn}</code>
                {card.ctId ? ` · ${t('tiSettings.smcbTerminal', { ctId: card.ctId, slotId: card.slotId ?? '?' })}` : ''}{' '}
                {card.iccsn ? (
                  <button type="button" className="button-secondary button-small" data-testid="ti-smcb-choose" onClick={() => onChoose(card.iccsn ?? '')}>
                    {t('tiSettings.smcbChoose')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </div>
  );
}

function storedHint(t: (key: string) => string, stored: boolean): string {
  return stored ? t('tiSettings.storedKeep') : '';
}

/** A `.p12` file to base64 for main, which checks that it opens with the passphrase. */
async function readPkcs12(event: ChangeEvent<HTMLInputElement>, done: (base64: string) => void): Promise<void> {
  const file = event.target.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  done(btoa(binary));
}
