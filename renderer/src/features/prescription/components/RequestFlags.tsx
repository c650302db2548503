/**
 * The prescriber's marks that change what the pharmacy may or must do: aut idem (substitution excluded),
 * Noctu, co-payment status, accident, BVG, and Mehrfachverordnung part i of n with its redemption window. Shown as
 * one wrapping row inside the medication card (issue 19 item 5: one screen).
 */
import { useTranslation } from 'react-i18next';
import type { PrescriptionView } from '../../../../../shared/erezept/prescription';
import { formatDate } from '../../../lib/format';

type Request = PrescriptionView['request'];

const coPaymentCodes = ['0', '1', '2'] as const;
const isCoPaymentCode = (c: string): c is (typeof coPaymentCodes)[number] => (coPaymentCodes as readonly string[]).includes(c);

function AccidentFlag({ accident }: { accident: NonNullable<Request['accident']> }) {
  const { t } = useTranslation();
  const parts = [
    t(`prescription.flags.accident.${accident.kind}`),
    accident.date ? t('prescription.flags.accident.date', { date: formatDate(accident.date) }) : undefined,
    accident.employer ? t('prescription.flags.accident.employer', { employer: accident.employer }) : undefined,
  ];
  return (
    <li className="flag flag-warning" data-testid="flag-accident">
      {parts.filter(Boolean).join(', ')}
    </li>
  );
}

function MvoFlag({ mvo }: { mvo: NonNullable<Request['mvo']> }) {
  const { t } = useTranslation();
  const redemption =
    mvo.start && mvo.end
      ? t('prescription.flags.mvoWindow', { start: formatDate(mvo.start), end: formatDate(mvo.end) })
      : mvo.start
        ? t('prescription.flags.mvoFrom', { start: formatDate(mvo.start) })
        : undefined;
  return (
    <li className="flag flag-warning" data-testid="flag-mvo">
      {t('prescription.flags.mvo', { numerator: mvo.numerator, denominator: mvo.denominator })}
      {redemption ? `, ${redemption}` : ''}
    </li>
  );
}

export function RequestFlags({ request }: { request: Request }) {
  const { t } = useTranslation();
  return (
    <section className="request-flags" aria-labelledby="flags-title" data-testid="prescription-flags">
      <h4 id="flags-title">{t('prescription.flags.title')}:</h4>
      <ul className="flags">
        <li
          className={request.autIdemExcluded ? 'flag flag-warning' : 'flag'}
          data-testid="flag-aut-idem"
          data-excluded={request.autIdemExcluded}
        >
          {request.autIdemExcluded ? t('prescription.flags.autIdemExcluded') : t('prescription.flags.autIdemAllowed')}
        </li>
        {request.noctu ? (
          <li className="flag flag-warning" data-testid="flag-noctu">
            {t('prescription.flags.noctu')}
          </li>
        ) : null}
        {request.coPayment && isCoPaymentCode(request.coPayment) ? (
          <li className="flag" data-testid="flag-co-payment">
            {t(`prescription.flags.coPayment.${request.coPayment}`)}
          </li>
        ) : null}
        {request.accident ? <AccidentFlag accident={request.accident} /> : null}
        {request.bvg ? (
          <li className="flag" data-testid="flag-bvg">
            {t('prescription.flags.bvg')}
          </li>
        ) : null}
        {request.mvo ? <MvoFlag mvo={request.mvo} /> : null}
      </ul>
    </section>
  );
}
