/**
 * „Gesundheitskarte (eGK)“ (Alt+G; spec erezept-pharmacy §3.9): the pharmacist asks the patient to insert the card;
 * the dialog asks the card terminal every second, reads the card as soon as it is there and lists the patient's
 * redeemable prescriptions. All are ticked; Enter (or „Übernehmen“) claims the ticked ones, each like a scanned
 * code, and the first opens as a case. What is not ticked is not claimed (A_23152); one claimed by mistake is
 * returned from its case („Rezept zurückgeben“).
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EgkLookup, ScanOutcome } from '../../../../../shared/ipc/contract';
import { useEgkAccept, useEgkLookup, useEgkPoll } from '../../../api/egk/use-egk';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Modal } from '../../../components/Modal';
import { useCurrentCase } from '../../../lib/current-case';
import { formatDate } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

export function EgkDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const lookup = useEgkLookup();
  const accept = useEgkAccept();
  // poll until a list is there (or the lookup failed: then the pharmacist re-inserts, and polling resumes)
  const polling = !lookup.data && !lookup.isPending && !lookup.isError;
  const poll = useEgkPoll(polling);
  const cardInserted = poll.data?.card != null;
  const { mutate: startLookup } = lookup;

  // the card is there: read it once
  useEffect(() => {
    if (cardInserted && polling) startLookup();
  }, [cardInserted, polling, startLookup]);

  const retry = () => {
    lookup.reset();
    accept.reset();
  };

  return (
    <Modal
      title={t('egk.title')}
      testId="egk-dialog"
      onCancel={() => {
        if (!accept.isPending) onClose();
      }}
      initialFocus={cancelRef}
      actions={
        <button ref={cancelRef} type="button" className="button-secondary" data-testid="egk-cancel" disabled={accept.isPending} onClick={onClose}>
          {t('egk.cancel')} <kbd>Esc</kbd>
        </button>
      }
    >
      {lookup.data ? (
        <EgkList lookup={lookup.data} accept={accept} onDone={onClose} />
      ) : lookup.isPending ? (
        <p role="status" data-testid="egk-reading">
          {t('egk.reading')}
        </p>
      ) : lookup.isError ? (
        <>
          <ErrorAlert error={appErrorOf(lookup.error)} testId="egk-error" />
          <button type="button" className="button-secondary" data-testid="egk-retry" onClick={retry}>
            {t('egk.retry')}
          </button>
        </>
      ) : (
        <>
          <p role="status" data-testid="egk-waiting" data-state={cardInserted ? 'card' : 'waiting'}>
            {t('egk.waiting')}
          </p>
          {poll.isError ? <ErrorAlert error={appErrorOf(poll.error)} testId="egk-poll-error" /> : null}
        </>
      )}
    </Modal>
  );
}

function EgkList({ lookup, accept, onDone }: { lookup: EgkLookup; accept: ReturnType<typeof useEgkAccept>; onDone(): void }) {
  const { t } = useTranslation();
  const { openCase } = useCurrentCase();
  const [ticked, setTicked] = useState<ReadonlySet<string>>(() => new Set(lookup.prescriptions.map((p) => p.prescriptionId)));
  const [results, setResults] = useState<ScanOutcome[] | null>(null);
  const acceptRef = useRef<HTMLButtonElement>(null);
  // Enter takes all: the list arrives with everything ticked and the focus on „Übernehmen“
  useEffect(() => acceptRef.current?.focus(), []);
  const toggle = (id: string) =>
    setTicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const submit = () => {
    const prescriptionIds = lookup.prescriptions.map((p) => p.prescriptionId).filter((id) => ticked.has(id));
    if (prescriptionIds.length === 0 || accept.isPending) return;
    accept.mutate(
      { lookupId: lookup.lookupId, prescriptionIds },
      {
        onSuccess: ({ results: outcome }) => {
          const failed = outcome.filter((r) => !r.ok);
          const first = outcome.find((r) => r.ok);
          if (failed.length === 0 && first?.ok) {
            openCase(first.prescriptionId);
            onDone();
            return;
          }
          setResults(outcome);
        },
      },
    );
  };

  return (
    <form
      data-testid="egk-list"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p data-testid="egk-patient">
        <strong>{lookup.patient.name}</strong>
        {lookup.patient.birthDate ? ` · ${t('egk.born', { date: formatDate(lookup.patient.birthDate) })}` : ''}
      </p>
      {lookup.offlineProofAccepted ? (
        <p className="hint" data-testid="egk-offline-proof">
          {t('egk.offlineProof')}
        </p>
      ) : null}
      {lookup.prescriptions.length === 0 ? (
        <p data-testid="egk-none">{t('egk.none')}</p>
      ) : (
        <ul className="egk-prescriptions">
          {lookup.prescriptions.map((p) => {
            const result = results?.find((r) => r.prescriptionId === p.prescriptionId);
            return (
              <li key={p.prescriptionId} data-testid="egk-prescription" data-prescription-id={p.prescriptionId} data-result={result ? (result.ok ? 'accepted' : 'failed') : undefined}>
                <label>
                  <input type="checkbox" data-testid="egk-tick" checked={ticked.has(p.prescriptionId)} disabled={accept.isPending || result !== undefined} onChange={() => toggle(p.prescriptionId)} />{' '}
                  <code>{p.prescriptionId}</code>
                  {p.authoredOn ? ` · ${t('egk.authoredOn', { date: formatDate(p.authoredOn) })}` : ''}
                  {p.expiryDate ? ` · ${t('egk.expiry', { date: formatDate(p.expiryDate) })}` : ''}
                </label>
                {result && !result.ok ? <ErrorAlert error={result.error} testId="egk-prescription-error" /> : null}
              </li>
            );
          })}
        </ul>
      )}
      {lookup.unreadable.length > 0 ? (
        <ul className="hint" data-testid="egk-unreadable">
          {lookup.unreadable.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      ) : null}
      {accept.isError ? <ErrorAlert error={appErrorOf(accept.error)} testId="egk-accept-error" /> : null}
      {results ? (
        <>
          <p role="status" data-testid="egk-results">
            {t('egk.results', { accepted: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length })}
          </p>
          <button
            type="button"
            className="button-primary"
            data-testid="egk-done"
            onClick={() => {
              const first = results.find((r) => r.ok);
              if (first?.ok) openCase(first.prescriptionId);
              onDone();
            }}
          >
            {t('egk.done')}
          </button>
        </>
      ) : (
        <button ref={acceptRef} type="submit" className="button-primary" data-testid="egk-accept" disabled={ticked.size === 0 || accept.isPending}>
          {accept.isPending ? t('egk.accepting') : t('egk.accept', { count: ticked.size })} <kbd>Enter</kbd>
        </button>
      )}
    </form>
  );
}
