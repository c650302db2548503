/**
 * The inbox: every local case with its status, deadlines, last $dispense and — for cases sent but not closed — the
 * closing deadline (end of the next working day after the handover, spec §9.4), with the filter "noch abzuschließen"
 * and a search by name, KVNR or PrescriptionID. After $reject/$abort a case is found only by its PrescriptionID
 * (A_19251); main decides that, the inbox shows what it gets.
 *
 * Performance (docs/performance.md, inbox-10k): main answers at most one page (the newest 100 of `total` matches,
 * api/cases); a pharmacy with 10,000 cases narrows by search or filter instead of scrolling, and a calm line says so.
 * Rows are memoised with stable props, so a new answer re-renders only rows whose summary changed.
 */
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { caseFilterSchema, type CaseFilter } from '../../../../../shared/ipc/contract';
import { caseListQueryOptions } from '../../../api/cases/case-query';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useBridge } from '../../../lib/bridge-context';
import { useCurrentCase } from '../../../lib/current-case';
import { appErrorOf } from '../../../lib/invoke';
import { InboxRow } from './InboxRow';

interface Props {
  /** move the focus into the search field (Alt+V) */
  focusSearch?: boolean;
  onSearchFocused?(): void;
}

export function InboxView({ focusSearch = false, onSearchFocused }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const { openCase } = useCurrentCase();
  const [query, setQuery] = useState('');
  const [filter, setFilter] = useState<CaseFilter>('all');
  const deferredQuery = useDeferredValue(query);
  const list = useQuery(caseListQueryOptions(useBridge(), filter, deferredQuery));
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!focusSearch) return;
    // The search field sits above the table: no scrolling into view, so focusing needs no layout of the rows.
    searchRef.current?.focus({ preventScroll: true });
    onSearchFocused?.();
  }, [focusSearch, onSearchFocused]);

  const rows = list.data?.cases ?? [];
  const total = list.data?.total ?? 0;
  const searching = query.trim() !== '' || filter !== 'all';
  return (
    <section className="inbox" aria-labelledby={`${id}-title`} data-testid="inbox">
      <div className="inbox-head">
        <h2 id={`${id}-title`}>{t('inbox.title')}</h2>
        {list.data ? (
          <span className="muted" role="status" data-testid="inbox-count">
            {t('inbox.count', { count: total })}
          </span>
        ) : null}
      </div>
      <div className="inbox-controls" role="search">
        <div className="field field-grow">
          <label htmlFor={`${id}-search`}>{t('inbox.search')}</label>
          <input
            id={`${id}-search`}
            ref={searchRef}
            type="search"
            data-testid="inbox-search"
            value={query}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            aria-keyshortcuts="Alt+V"
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-filter`}>{t('inbox.filter')}</label>
          <select
            id={`${id}-filter`}
            data-testid="inbox-filter"
            value={filter}
            onChange={(e) => {
              const parsed = caseFilterSchema.safeParse(e.target.value);
              if (parsed.success) setFilter(parsed.data);
            }}
          >
            {caseFilterSchema.options.map((f) => (
              <option key={f} value={f}>
                {t(`inbox.filters.${f}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.isPending ? (
        <p role="status" className="muted" data-testid="inbox-loading">
          {t('inbox.loading')}
        </p>
      ) : null}
      {list.isError ? <ErrorAlert error={appErrorOf(list.error)} testId="inbox-error" /> : null}
      {list.data && rows.length === 0 ? (
        <p className="empty-state" data-testid="inbox-empty">
          {searching ? t('inbox.noMatch') : t('inbox.empty')}
        </p>
      ) : null}
      {total > rows.length ? (
        <p className="muted" data-testid="inbox-more">
          {t('inbox.more', { shown: rows.length, total })}
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-scroll">
          <table className="inbox-table" data-testid="inbox-table">
            <caption className="visually-hidden">{t('inbox.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('inbox.columns.prescription')}</th>
                <th scope="col">{t('inbox.columns.patient')}</th>
                <th scope="col">{t('inbox.columns.medication')}</th>
                <th scope="col">{t('inbox.columns.status')}</th>
                <th scope="col">{t('inbox.columns.deadlines')}</th>
                <th scope="col">{t('inbox.columns.lastDispense')}</th>
                <th scope="col">{t('inbox.columns.closeBy')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <InboxRow key={c.prescriptionId} summary={c} onOpen={openCase} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
