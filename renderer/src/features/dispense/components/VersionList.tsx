/**
 * Every submission of the case as a version (spec §6.1; A_26482: each one replaces the list before): when, by whom,
 * how many entries, and what the Fachdienst answered. Each version can be opened to see its complete list and what it
 * changed against an earlier version (default: the one before). The call and its HTTP status are for support: they
 * stay in the version's „Technische Details“ (issue 19 item 5, counter language).
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Submission } from '../../../../../shared/ipc/contract';
import { formatDate, formatDateTime } from '../../../lib/format';
import { diffEntries } from '../forms/entry-diff';
import { medicationName } from '../forms/entry-editing';
import { ChangeList } from './ChangeList';

function Answer({ submission }: { submission: Submission }) {
  const { t } = useTranslation();
  switch (submission.state) {
    case 'confirmed':
      return <span className="answer answer-ok">{t('versions.confirmed')}</span>;
    case 'pending':
      return <span className="answer answer-pending">{t('versions.pending')}</span>;
    case 'failed':
      return (
        <span className="answer answer-failed">
          {t('versions.failed')}
          {submission.errorMessage ? `: ${submission.errorMessage}` : ''}
        </span>
      );
  }
}

/** The Fachdienst operation and its HTTP status, for support (spec §3.4, §3.5). */
function TechnicalDetails({ submission, testId }: { submission: Submission; testId: string }) {
  const { t } = useTranslation();
  return (
    <details className="alert-details" data-testid={`${testId}-technical`}>
      <summary>{t('versions.technical')}</summary>
      <dl className="facts">
        <div className="fact">
          <dt>{t('versions.technicalCall')}</dt>
          <dd>
            <code>{`$${submission.operation}`}</code>
          </dd>
        </div>
        {submission.httpStatus ? (
          <div className="fact">
            <dt>{t('versions.technicalStatus')}</dt>
            <dd>{submission.httpStatus}</dd>
          </div>
        ) : null}
      </dl>
    </details>
  );
}

function VersionDetails({ submission, all }: { submission: Submission; all: readonly Submission[] }) {
  const { t } = useTranslation();
  const id = useId();
  const earlier = all.filter((s) => s.version < submission.version && s.entries.length > 0);
  const [compareWith, setCompareWith] = useState<number | undefined>(earlier.at(-1)?.version);
  const base = earlier.find((s) => s.version === compareWith);
  const testId = `version-${submission.version}`;
  return (
    <div className="version-details" data-testid={`${testId}-details`}>
      {submission.entries.length === 0 ? (
        <p className="muted">{submission.withBody ? t('versions.erased') : t('versions.noBody')}</p>
      ) : (
        <table className="entries-table" data-testid={`${testId}-entries`}>
          <caption className="visually-hidden">{t('versions.entriesCaption', { version: submission.version })}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('dispense.name')}</th>
              <th scope="col">{t('dispense.packs')}</th>
              <th scope="col">{t('dispense.batchLot')}</th>
              <th scope="col">{t('dispense.batchExpiry')}</th>
              <th scope="col">{t('dispense.handedOver')}</th>
            </tr>
          </thead>
          <tbody>
            {submission.entries.map((e, i) => (
              <tr key={e.key}>
                <td>{i + 1}</td>
                <td>
                  {medicationName(e.medication)}
                  {'pzn' in e.medication ? <span className="cell-sub mono">PZN {e.medication.pzn}</span> : null}
                </td>
                <td>{e.packs}</td>
                <td>{e.batch?.lot ?? '–'}</td>
                <td>{e.batch ? formatDate(e.batch.expiry) : '–'}</td>
                <td>{formatDate(e.whenHandedOver)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {earlier.length > 0 && submission.entries.length > 0 ? (
        <div className="version-compare">
          <label htmlFor={`${id}-compare`}>{t('versions.compareWith')}</label>
          <select
            id={`${id}-compare`}
            data-testid={`${testId}-compare`}
            value={compareWith}
            onChange={(e) => setCompareWith(Number(e.target.value))}
          >
            {earlier.map((s) => (
              <option key={s.version} value={s.version}>
                {t('versions.versionOption', { version: s.version, time: formatDateTime(s.createdAt) })}
              </option>
            ))}
          </select>
          {base ? <ChangeList changes={diffEntries(base.entries, submission.entries)} testId={`${testId}-diff`} /> : null}
        </div>
      ) : null}
      <TechnicalDetails submission={submission} testId={testId} />
    </div>
  );
}

export function VersionList({ submissions }: { submissions: readonly Submission[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<number | null>(null);
  const sorted = [...submissions].sort((a, b) => a.version - b.version);
  if (sorted.length === 0) return null;
  return (
    <section className="versions" aria-labelledby="versions-title" data-testid="versions">
      <h2 id="versions-title">{t('versions.title')}</h2>
      <table className="versions-table">
        <thead>
          <tr>
            <th scope="col">{t('versions.version')}</th>
            <th scope="col">{t('versions.operation')}</th>
            <th scope="col">{t('versions.time')}</th>
            <th scope="col">{t('versions.staff')}</th>
            <th scope="col">{t('versions.entries')}</th>
            <th scope="col">{t('versions.answer')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('versions.show')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...sorted].reverse().map((s) => {
            const expanded = open === s.version;
            return (
              <tr key={s.id} data-testid={`version-${s.version}`} data-state={s.state} data-operation={s.operation}>
                <td>{s.version}</td>
                <td>{t(`versions.operations.${s.operation}`)}</td>
                <td>{formatDateTime(s.completedAt ?? s.createdAt)}</td>
                <td>{s.staff}</td>
                <td>{s.entries.length}</td>
                <td>
                  <Answer submission={s} />
                </td>
                <td>
                  <button
                    type="button"
                    className="button-secondary button-small"
                    data-testid={`version-${s.version}-toggle`}
                    aria-expanded={expanded}
                    onClick={() => setOpen(expanded ? null : s.version)}
                  >
                    {expanded ? t('versions.hide') : t('versions.show')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {open !== null && sorted.some((s) => s.version === open) ? (
        <VersionDetails key={open} submission={sorted.find((s) => s.version === open)!} all={sorted} />
      ) : null}
    </section>
  );
}
