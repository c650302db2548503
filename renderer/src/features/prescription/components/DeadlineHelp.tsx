/**
 * „Was bedeuten die Fristen?“ — folded, so the column stays short: after the Belieferungsfrist the health insurer
 * no longer pays, supply only as a private prescription (A_23798, A_23799); after the Einlösefrist not at all
 * (A_23800). When the Task gives both the same day (PKV, T-Rezept, Mehrfachverordnung, spec §1.2) one sentence says
 * so. The dates are the Fachdienst's; the app explains them and computes none.
 */
import { useTranslation } from 'react-i18next';

interface Props {
  acceptDate?: string;
  expiryDate?: string;
}

export function DeadlineHelp({ acceptDate, expiryDate }: Props) {
  const { t } = useTranslation();
  if (!acceptDate && !expiryDate) return null;
  const sameDay = acceptDate !== undefined && acceptDate === expiryDate;
  return (
    <details className="deadline-help" data-testid="deadline-help">
      <summary>{t('prescription.deadlines.help')}</summary>
      <ul>
        {sameDay ? (
          <li>{t('prescription.deadlines.helpSame')}</li>
        ) : (
          <>
            {acceptDate ? <li>{t('prescription.deadlines.helpAccept')}</li> : null}
            {expiryDate ? <li>{t('prescription.deadlines.helpExpiry')}</li> : null}
          </>
        )}
        <li className="muted">{t('prescription.deadlines.helpSource')}</li>
      </ul>
    </details>
  );
}
