/** The scenario deck (docs/simulator.md): every scenario with title, description and one-click „Laden“. */
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScenarioSummary } from '../../../../../shared/ipc/contract';
import { scenariosQueryOptions } from '../../../api/trainer/trainer-query';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { useBridge } from '../../../lib/bridge-context';
import { appErrorOf } from '../../../lib/invoke';

interface Props {
  /** the name of the scenario loaded now, if any */
  loadedName: string | undefined;
  /** a load (or reset) runs: the buttons wait */
  busy: boolean;
  onLoad(scenario: ScenarioSummary): void;
}

export function ScenarioDeck({ loadedName, busy, onLoad }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const query = useQuery(scenariosQueryOptions(useBridge()));
  const scenarios = query.data ?? [];
  return (
    <section className="scenario-deck" data-testid="scenario-deck" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('trainer.deck')}</h3>
      {query.isPending ? (
        <p role="status" className="muted" data-testid="trainer-scenarios-loading">
          {t('trainer.scenariosLoading')}
        </p>
      ) : query.isError ? (
        <ErrorAlert error={appErrorOf(query.error)} testId="trainer-scenarios-error" />
      ) : scenarios.length === 0 ? (
        <p className="muted" data-testid="trainer-no-scenarios">
          {t('trainer.noScenarios')}
        </p>
      ) : (
        <ul className="scenario-list">
          {scenarios.map((s) => {
            const loaded = s.name === loadedName;
            return (
              <li
                key={s.name}
                className="scenario"
                data-testid="scenario"
                data-name={s.name}
                data-loaded={loaded}
              >
                <div className="scenario-text">
                  <p className="scenario-title">
                    {s.title}{' '}
                    {loaded ? <span className="badge badge-status">{t('trainer.loadedBadge')}</span> : null}
                  </p>
                  <p className="muted">{s.description}</p>
                </div>
                <button
                  type="button"
                  className="button-primary button-small"
                  data-testid="scenario-load"
                  aria-label={t('trainer.loadLabel', { title: s.title })}
                  disabled={busy}
                  onClick={() => onLoad(s)}
                >
                  {t('trainer.load')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
