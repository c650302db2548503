/**
 * The loaded scenario: title, simulated time, the German steps for the class in order,
 * the armed faults, „Simulatorzeit +1 Stunde“, and a card per prescription with its code on screen and the patient's
 * view.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoadedScenario } from '../../../../../shared/ipc/contract';
import { formatDateTime } from '../../../lib/format';
import { ClockAdvance } from './ClockAdvance';
import { TrainingPrescriptionCard } from './TrainingPrescriptionCard';

interface Props {
  scenario: LoadedScenario;
  labels: ReadonlyMap<string, string>;
}

export function LoadedScenarioView({ scenario, labels }: Props) {
  const { t } = useTranslation();
  const titleId = useId();
  const [patientViews, setPatientViews] = useState<ReadonlySet<string>>(new Set());
  const togglePatientView = (prescriptionId: string) =>
    setPatientViews((open) => {
      const next = new Set(open);
      if (!next.delete(prescriptionId)) next.add(prescriptionId);
      return next;
    });
  return (
    <section
      className="loaded-scenario"
      data-testid="loaded-scenario"
      data-name={scenario.name}
      data-loaded-at={scenario.loadedAt}
      aria-labelledby={titleId}
    >
      <h3 id={titleId} data-testid="loaded-scenario-title">
        {scenario.title}
      </h3>
      <p className="muted">{scenario.description}</p>
      <dl className="facts facts-inline">
        <div className="fact">
          <dt>{t('trainer.scenario.now')}</dt>
          <dd data-testid="loaded-scenario-now">{formatDateTime(scenario.now)}</dd>
        </div>
        <div className="fact">
          <dt>{t('trainer.scenario.loadedAt')}</dt>
          <dd data-testid="loaded-scenario-loaded-at">{formatDateTime(scenario.loadedAt)}</dd>
        </div>
      </dl>
      <ClockAdvance />
      <div className="scenario-columns">
        <div>
          <h4 className="section-label">{t('trainer.scenario.steps')}</h4>
          <ol className="scenario-steps" data-testid="scenario-steps">
            {scenario.steps.map((step, i) => (
              <li key={i}>{step}</li>
            ))}
          </ol>
        </div>
        <div>
          <h4 className="section-label">{t('trainer.scenario.faults')}</h4>
          {scenario.faults.length === 0 ? (
            <p className="muted" data-testid="scenario-no-faults">
              {t('trainer.scenario.noFaults')}
            </p>
          ) : (
            <ul className="scenario-faults" data-testid="scenario-faults">
              {scenario.faults.map((fault, i) => (
                <li key={i}>{fault}</li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <h4 className="section-label">{t('trainer.scenario.prescriptions')}</h4>
      {scenario.prescriptions.length === 0 ? (
        <p className="muted" data-testid="scenario-no-prescriptions">
          {t('trainer.scenario.noPrescriptions')}
        </p>
      ) : (
        <div className="training-cards">
          {scenario.prescriptions.map((p) => (
            <TrainingPrescriptionCard
              key={p.prescriptionId}
              prescription={p}
              label={labels.get(p.prescriptionId) ?? p.prescriptionId}
              patientViewOpen={patientViews.has(p.prescriptionId)}
              onTogglePatientView={() => togglePatientView(p.prescriptionId)}
            />
          ))}
        </div>
      )}
    </section>
  );
}
