/**
 * One case on screen, composed of the features: head (back to the inbox, Rezept-ID with the patient's name and birth
 * date, status, return/delete), notices, the receipt once closed, the prescription beside the dispense editor, and
 * the versions sent — patient, medication and the editor's buttons on one 1366×768 screen (issue 19 item 5; the
 * editor's buttons stay in view at the column's foot, styles.css „case“). The case comes from
 * react-query (getCase); the form appears only when the data exists, so its defaultValues are real. After
 * $reject/$abort only PrescriptionID, status, times and staff remain (A_19251) — that is all this view then shows.
 * A running automatic retry („wird erneut versucht“, spec §8) is shown once, next to the buttons that started the
 * call: the editor's, the Secret recovery's, or — for a locked case — above the receipt.
 * With several counters on one store (docs/multi-counter.md §4) the view holds its open case while it is shown and
 * frees it when it goes; a case held at another counter is read-only here, with who holds it and „Übernehmen“.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../../api/app-info/use-app-info';
import { caseDetailQueryOptions } from '../../api/cases/case-query';
import { afterNextFrame } from '../../api/cases/case-writes';
import { useCaseLease } from '../../api/leases/use-case-lease';
import { CaseStatusBadge } from '../../components/CaseStatusBadge';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CaseActions } from '../../features/cases/components/CaseActions';
import { CaseHeaderPatient } from '../../features/cases/components/CaseHeaderPatient';
import { CaseLeaseBanner } from '../../features/cases/components/CaseLeaseBanner';
import { CaseEndedNotice, OutcomeUnknownNotice, SecretRecovery } from '../../features/cases/components/CaseNotices';
import { CaseRetryNotice } from '../../features/connection/components/RetryNotice';
import { Receipt } from '../../features/dispense/components/Receipt';
import { VersionList } from '../../features/dispense/components/VersionList';
import { DispenseForm } from '../../features/dispense/forms/DispenseForm';
import { CaseMessages } from '../../features/messages/components/CaseMessages';
import { PrescriptionView } from '../../features/prescription/components/PrescriptionView';
import { DataMatrixCanvas } from '../../features/trainer/components/DataMatrixCanvas';
import { useBridge } from '../../lib/bridge-context';
import { useCurrentCase } from '../../lib/current-case';
import { appErrorOf } from '../../lib/invoke';

export function CaseView({ prescriptionId }: { prescriptionId: string }) {
  const { t } = useTranslation();
  const appInfo = useAppInfo().data;
  const staff = appInfo?.staff?.kuerzel ?? null;
  const { showInbox } = useCurrentCase();
  const query = useQuery(caseDetailQueryOptions(useBridge(), prescriptionId));
  // What the pharmacist reads first — prescription and editor — is on screen in the first frame; who holds the case
  // and its messages follow a frame later (docs/performance.md, scan-overhead: their round trips and the reply form
  // would delay that frame).
  const secondary = useShownAfterFirstFrame(prescriptionId);
  // Held while an open case is shown — asked once its detail says it is open: a closed or ended case is nobody's to
  // work on (§4), and holding it would only tell the other counters about a change that is none.
  const lease = useCaseLease(prescriptionId, secondary && query.data?.readOnly === false);
  const titleRef = useRef<HTMLSpanElement>(null);
  const back = (
    <button type="button" className="button-secondary button-small" data-testid="back-to-inbox" aria-keyshortcuts="Alt+V" onClick={showInbox}>
      {t('case.back')} <kbd>Alt+V</kbd>
    </button>
  );
  if (query.isPending) {
    return (
      <>
        <p role="status" className="muted" data-testid="case-loading">
          {t('case.loading')}
        </p>
        <CaseRetryNotice prescriptionId={prescriptionId} />
      </>
    );
  }
  if (query.isError) {
    return (
      <div className="case-view">
        <div className="case-head">{back}</div>
        <ErrorAlert error={appErrorOf(query.error)} testId="case-error" />
        <CaseRetryNotice prescriptionId={prescriptionId} />
      </div>
    );
  }
  const detail = query.data;
  const ended = detail.status === 'rejected' || detail.status === 'aborted';
  const retryNotice = <CaseRetryNotice prescriptionId={prescriptionId} />;
  // until main answered, the case counts as this counter's: with one counter it always is, and main refuses any
  // sending from a counter that does not hold the case anyway
  const heldBy = !detail.readOnly && lease.data?.mine === false ? lease.data : null;
  const heldElsewhere = heldBy !== null;
  // for tests and QA (docs/qa-contract.md): whom main said the open case belongs to — absent until it answered
  const leaseState = detail.readOnly || !lease.data ? undefined : lease.data.mine ? 'mine' : 'other';
  return (
    <article
      className="case-view"
      data-testid="case-view"
      data-prescription-id={prescriptionId}
      data-lease={leaseState}
      aria-label={t('case.label', { prescriptionId })}
    >
      <div className="case-head no-print">
        {back}
        {/* the focus goes here once the case was taken over (the banner and its button are gone then), as a side
            panel's title takes it on open */}
        <span ref={titleRef} tabIndex={-1} className="case-title mono">
          {prescriptionId}
        </span>
        <CaseHeaderPatient caseDetail={detail} />
        <CaseStatusBadge status={detail.status} />
        {!detail.readOnly ? <CaseActions caseDetail={detail} staff={staff} heldElsewhere={heldElsewhere} /> : null}
      </div>
      {heldBy ? <CaseLeaseBanner prescriptionId={prescriptionId} lease={heldBy} onTakenOver={() => titleRef.current?.focus()} /> : null}
      {ended ? <CaseEndedNotice caseDetail={detail} /> : null}
      {/* an open case shows a running retry next to the editor's (or the Secret recovery's) buttons; a locked one
          here, above the receipt and its „Quittung erneut abrufen“ */}
      {detail.readOnly ? retryNotice : null}
      {detail.secretMissing && !detail.readOnly ? <SecretRecovery caseDetail={detail} staff={staff} retryNotice={retryNotice} /> : null}
      {detail.outcomeUnknown && !detail.readOnly ? <OutcomeUnknownNotice /> : null}
      {detail.receipt ? <Receipt receipt={detail.receipt} pharmacyName={appInfo?.pharmacy.name ?? ''} canRefetch={staff !== null} /> : null}
      {!ended ? (
        <div className="case-columns">
          <PrescriptionView caseDetail={detail} />
          {/* keyed by case: another case gets a fresh form with its own defaultValues */}
          <DispenseForm
            key={prescriptionId}
            caseDetail={detail}
            staff={staff}
            telematikId={appInfo?.pharmacy.telematikId ?? ''}
            retryNotice={retryNotice}
            heldElsewhere={heldElsewhere}
          />
        </div>
      ) : null}
      {/* the patient's messages (spec §3.11); erased with the case's personal data after $reject/$abort (A_19251) */}
      {!ended && secondary ? <CaseMessages prescriptionId={prescriptionId} staff={staff} codeImage={DataMatrixCanvas} /> : null}
      <VersionList submissions={detail.submissions} />
    </article>
  );
}

/** True from the frame after the case `prescriptionId` was first shown (false again for the next case). */
function useShownAfterFirstFrame(prescriptionId: string): boolean {
  const [shownFor, setShownFor] = useState<string | null>(null);
  useEffect(() => {
    if (shownFor === prescriptionId) return;
    let current = true;
    afterNextFrame(() => {
      if (current) setShownFor(prescriptionId);
    });
    return () => {
      current = false;
    };
  }, [prescriptionId, shownFor]);
  return shownFor === prescriptionId;
}
