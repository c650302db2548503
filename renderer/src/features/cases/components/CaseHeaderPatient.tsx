/**
 * Who the open case is for, next to its Rezept-ID in the case head (issue 19 item 5): the patient's name and birth
 * date (tt.mm.jjjj), so the person at the counter can be checked without looking for the patient card. From the
 * prescription when it could be read, else the case's cached name; nothing once the personal data was erased after
 * „Rezept zurückgeben“ / „Rezept löschen“ (A_19251).
 */
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { formatDate } from '../../../lib/format';

export function CaseHeaderPatient({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const patient = caseDetail.prescription?.patient;
  const name = patient?.name ?? caseDetail.patientName;
  if (!name) return null;
  const birthDate = patient?.birthDate;
  return (
    <span className="case-patient">
      <span className="case-patient-name" data-testid="case-header-patient">
        {name}
      </span>
      {birthDate ? (
        <span className="case-patient-birth">
          {t('case.born')}{' '}
          <span data-testid="case-header-birthdate">{formatDate(birthDate)}</span>
        </span>
      ) : null}
    </span>
  );
}
