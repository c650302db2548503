/**
 * „Artikelstamm“ in „Einstellungen & Info“ (issue 19 item 2, docs/article-master.md): which catalogue answers the
 * PZN lookups — the embedded demo catalogue (fictional articles for training and tests) or the pharmacy's imported
 * article master with its source, date (Stand), count and who imported it when — and the import of a master file.
 *
 * One code path for both ways the app runs: an `<input type="file">` opens the system's file dialog in Electron and
 * is an upload in browser mode; the file's text goes to main, which replaces the whole master or — when the file has
 * any problem — nothing, and names every problem with line and field.
 */
import { useId, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ArticleCatalogInfo } from '../../../../../shared/erezept/catalog/article-catalog';
import type { AppError, AppInfo } from '../../../../../shared/ipc/contract';
import { ARTICLE_FILE_MAX_BYTES, useArticleCatalogInfo, useImportArticles } from '../../../api/articles/article-master';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Fact } from '../../../components/Fact';
import { formatDate, formatDateTime } from '../../../lib/format';
import { appErrorOf } from '../../../lib/invoke';

/**
 * The file's problems as main names them (main/services/article-master.ts): one per line of the refusal's detail,
 * each with its line and field („Zeile 17, Feld „pzn“: Prüfziffer falsch.“), or as findings should main send those.
 */
export function importProblems(error: AppError): string[] {
  if (error.code !== 'validation') return [];
  if (error.findings && error.findings.length > 0) return error.findings.map((f) => f.message);
  return (error.detail ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

export function ArticleMasterSection({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  const titleId = useId();
  const info = useArticleCatalogInfo();
  return (
    <section className="settings-section" aria-labelledby={titleId} data-testid="article-master-section">
      <h3 id={titleId}>{t('articleMaster.title')}</h3>
      {info.isPending ? (
        <p className="muted">{t('articleMaster.loading')}</p>
      ) : info.isError ? (
        <ErrorAlert error={appErrorOf(info.error)} testId="article-master-info-error" />
      ) : (
        <CatalogFacts info={info.data} />
      )}
      <ArticleImport appInfo={appInfo} />
    </section>
  );
}

function CatalogFacts({ info }: { info: ArticleCatalogInfo }) {
  const { t, i18n } = useTranslation();
  const count = info.articleCount.toLocaleString(i18n.language);
  if (info.kind === 'demo') {
    return (
      <p data-testid="article-master-source" data-kind="demo">
        {t('articleMaster.demo', { count })}
      </p>
    );
  }
  return (
    <>
      <p data-testid="article-master-source" data-kind="imported">
        {t('articleMaster.imported')}
      </p>
      <dl className="facts">
        <Fact label={t('articleMaster.source')} testId="article-master-origin">
          {info.source}
        </Fact>
        <Fact label={t('articleMaster.asOf')} testId="article-master-as-of">
          {info.asOf ? formatDate(info.asOf) : undefined}
        </Fact>
        <Fact label={t('articleMaster.count')} testId="article-master-count">
          {count}
        </Fact>
        <Fact label={t('articleMaster.importedAt')} testId="article-master-imported-at">
          {info.importedAt ? t('articleMaster.importedAtBy', { time: formatDateTime(info.importedAt), staff: info.importedBy ?? '' }) : undefined}
        </Fact>
      </dl>
    </>
  );
}

function ArticleImport({ appInfo }: { appInfo: AppInfo }) {
  const { t, i18n } = useTranslation();
  const inputId = useId();
  const importArticles = useImportArticles();
  /** the chosen file's name while it is read and imported, and for the result */
  const [fileName, setFileName] = useState<string>();
  const [tooLarge, setTooLarge] = useState(false);
  // main refuses an import with the embedded simulator (its prescriptions carry the demo PZNs) and without a Kürzel
  const demoOnly = appInfo.backend === 'embedded';
  const staffMissing = appInfo.staff === null;

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // the same file may be chosen again after it was corrected
    event.target.value = '';
    if (!file) return;
    setFileName(file.name);
    importArticles.reset();
    setTooLarge(file.size > ARTICLE_FILE_MAX_BYTES);
    if (file.size > ARTICLE_FILE_MAX_BYTES) return;
    importArticles.mutate(file);
  };

  const error = importArticles.isError ? appErrorOf(importArticles.error) : undefined;
  const problems = error ? importProblems(error) : [];
  return (
    <>
      {demoOnly ? (
        <p className="hint" data-testid="article-master-demo-only">
          {t('articleMaster.demoOnly')}
        </p>
      ) : (
        <p className="muted">{t('articleMaster.hint')}</p>
      )}
      {!demoOnly && staffMissing ? (
        <p className="hint hint-warning" role="status" data-testid="article-master-staff-hint">
          {t('articleMaster.staffRequired')}
        </p>
      ) : null}
      <label htmlFor={inputId}>{t('articleMaster.file')}</label>{' '}
      <input
        id={inputId}
        type="file"
        accept=".csv,text/csv"
        data-testid="article-master-file"
        disabled={demoOnly || staffMissing || importArticles.isPending}
        onChange={choose}
      />
      {importArticles.isPending ? (
        <p role="status" data-testid="article-master-busy">
          {t('articleMaster.busy', { file: fileName })}
        </p>
      ) : null}
      {importArticles.isSuccess ? (
        <p role="status" data-testid="article-master-result">
          {t('articleMaster.result', { count: importArticles.data.articleCount.toLocaleString(i18n.language), file: fileName })}
        </p>
      ) : null}
      {tooLarge ? (
        <p role="alert" className="alert alert-error" data-testid="article-master-error">
          {t('articleMaster.tooLarge', { file: fileName, max: Math.round(ARTICLE_FILE_MAX_BYTES / (1024 * 1024)) })}
        </p>
      ) : null}
      {error ? (
        <div data-testid="article-master-refused">
          {/* the problems are listed below, each on its own line: not a second time inside the alert */}
          <ErrorAlert error={problems.length > 0 ? { ...error, findings: undefined } : error} testId="article-master-error" />
          {problems.length > 0 ? (
            <ul className="alert-findings" aria-label={t('articleMaster.problems')} data-testid="article-master-problems">
              {problems.map((problem, i) => (
                <li key={i} data-testid="article-master-problem">
                  {problem}
                </li>
              ))}
            </ul>
          ) : null}
          <p data-testid="article-master-unchanged">{t('articleMaster.unchanged')}</p>
        </div>
      ) : null}
    </>
  );
}
