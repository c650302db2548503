/**
 * Everything the pharmacist must see of a received prescription before dispensing (spec §9.3). When the
 * prescription cannot be read (e.g. "KBV-Version nicht unterstützt"), that reason is an alert instead.
 * Ordered for the counter and dense (issue 19 item 5: patient, medication and the editor's buttons on one 1366×768
 * screen): dates and Rechtsgrundlage, what stands in the way (deadlines, the reader's findings), patient, medication
 * with the prescriber's marks; payer and prescriber folded to one line each.
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

export function PrescriptionView({ caseDetail }: { caseDetail: CaseDetail }) {
  const { t } = useTranslation();
  const { prescription, prescriptionError } = caseDetail;
  return (
    <section className="prescription-view" aria-labelledby="prescription-title" data-testid="prescription-view">
      <h2 id="prescription-title" className="prescription-head">
        {t('prescription.title')}{' '}
        <span className="prescription-head-id mono">
          <span className="visually-hidden">{t('prescription.id')} </span>
          <span data-testid="prescription-id">{prescription?.prescriptionId ?? caseDetail.prescriptionId}</span>
        </span>
      </h2>
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
          {/* memoised sections: an answer to a write keeps the prescription's objects (react-query's structural
              sharing), so they do not render again with every scan, submit and close (docs/performance.md) */}
          <FindingsList findings={prescription.findings} />
          <div className="cards">
            <PatientSection patient={prescription.patient} />
            <MedicationSection medication={prescription.medication} request={prescription.request} />
            <CoverageSection coverage={prescription.coverage} />
            <PrescriberSection practitioner={prescription.practitioner} organization={prescription.organization} />
          </div>
        </>
      ) : null}
    </section>
  );
}
