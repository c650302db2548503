/**
 * Everything the pharmacist must see of a received prescription before dispensing (spec §9.3). When the
 * prescription cannot be read (e.g. "KBV-Version nicht unterstützt"), that reason is an alert instead.
 */
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../../../shared/ipc/contract';
import { CoverageSection } from './CoverageSection';
import { DeadlineNotice } from './DeadlineNotice';
import { FindingsList } from './FindingsList';
import { MedicationSection } from './MedicationSection';
import { PatientSection } from './PatientSection';
import { PrescriberSection } from './PrescriberSection';
import { PrescriptionSummary } from './PrescriptionSummary';
import { RequestFlags } from './RequestFlags';

export function PrescriptionView({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const { prescription, prescriptionError } = caseDetail;
  return (
    <section className="prescription-view" aria-labelledby="prescription-title" data-testid="prescription-view">
      <h2 id="prescription-title">{t('prescription.title')}</h2>
      <PrescriptionSummary caseDetail={caseDetail} />
      {!caseDetail.readOnly ? <DeadlineNotice caseDetail={caseDetail} /> : null}
      {prescriptionError || !prescription ? (
        <div role="alert" className="alert alert-error" data-testid="prescription-error">
          <p className="alert-message">
            <strong>{t('prescription.unavailable')}</strong>
            {prescriptionError ? `: ${prescriptionError}` : null}
          </p>
        </div>
      ) : null}
      {prescription ? (
        <>
          <FindingsList findings={prescription.findings} />
          <div className="cards">
            <MedicationSection medication={prescription.medication} request={prescription.request} />
            <RequestFlags request={prescription.request} />
            <PatientSection patient={prescription.patient} />
            <CoverageSection coverage={prescription.coverage} />
            <PrescriberSection practitioner={prescription.practitioner} organization={prescription.organization} />
          </div>
        </>
      ) : null}
    </section>
  );
}
