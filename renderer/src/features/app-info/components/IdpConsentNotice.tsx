/**
 * The IDP's consent, shown once (api-erp authentisieren.adoc steps 18–19; spec ti-transport §2.4): at the sign-in
 * with the SMC-B the IDP names the scopes and the claims from the card it passes to the E-Rezept-Fachdienst. The
 * pharmacy takes note once; main remembers it and shows it again only when the IDP asks for something else.
 */
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../../shared/ipc/contract';
import { useAcknowledgeIdpConsent } from '../../../api/app-info/use-acknowledge-idp-consent';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';

export function IdpConsentNotice({ consent }: { consent: NonNullable<AppInfo['idpConsent']> }) {
  const { t } = useTranslation();
  const acknowledge = useAcknowledgeIdpConsent();
  if (consent.acknowledged) return null;
  return (
    <section className="idp-consent no-print" role="region" aria-label={t('idpConsent.title')} data-testid="idp-consent">
      <p>
        <strong>{t('idpConsent.title')}</strong> {t('idpConsent.intro')}
      </p>
      <ul>
        {[...consent.scopes, ...consent.claims].map((item) => (
          <li key={item.name} data-testid="idp-consent-item" data-name={item.name}>
            {item.text} <span className="muted">({item.name})</span>
          </li>
        ))}
      </ul>
      <button type="button" className="button-secondary button-small" data-testid="idp-consent-acknowledge" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate()}>
        {t('idpConsent.acknowledge')}
      </button>
      {acknowledge.isError ? <ErrorAlert error={appErrorOf(acknowledge.error)} testId="idp-consent-error" /> : null}
    </section>
  );
}
