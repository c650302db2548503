/**
 * The trainer panel (training mode only): the scenario deck with one-click load and reset,
 * the loaded scenario with each prescription's code on screen and the patient's view, and the printable token
 * sheet. A panel under the header, not a dialog: wedge scans of the codes on screen reach the counter while
 * it is open. Loaded on demand (React.lazy) so that bwip-js stays out of the counter's main bundle.
 * On a store shared by several counters (issue 18) loading and resetting empty every counter's training, and the
 * confirmations say so.
 */
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LoadedScenario, ScenarioSummary } from '../../../../../shared/ipc/contract';
import { useAppInfo } from '../../../api/app-info/use-app-info';
import { currentScenarioQueryOptions } from '../../../api/trainer/trainer-query';
import { useHasCases, useLoadScenario, useResetTraining } from '../../../api/trainer/use-trainer-mutations';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { SidePanel } from '../../../components/SidePanel';
import { useBridge } from '../../../lib/bridge-context';
import { appErrorOf } from '../../../lib/invoke';
import { LoadedScenarioView } from './LoadedScenarioView';
import { ScenarioDeck } from './ScenarioDeck';
import { TokenSheet } from './TokenSheet';

export interface TrainerPanelProps {
  id: string;
  onClose(): void;
}

/** Each prescription's label: the scenario's („Rezept A“), else „Rezept 1“, „Rezept 2“ … in scenario order. */
function labelsOf(scenario: LoadedScenario | null, t: TFunction): Map<string, string> {
  return new Map(
    (scenario?.prescriptions ?? []).map((p, i) => [
      p.prescriptionId,
      p.label ?? t('trainer.prescription.fallbackLabel', { n: i + 1 }),
    ]),
  );
}

export default function TrainerPanel({ id, onClose }: TrainerPanelProps) {
  const { t } = useTranslation();
  const current = useQuery(currentScenarioQueryOptions(useBridge()));
  const sharedStore = useAppInfo().data?.sharedStore;
  const sharedStoreNote = sharedStore ? (
    <p className="hint hint-warning" data-testid="training-shared-store">
      {t('trainer.sharedStore', { store: sharedStore })}
    </p>
  ) : null;
  const load = useLoadScenario();
  const reset = useResetTraining();
  const hasCases = useHasCases();
  const [checking, setChecking] = useState(false);
  const [askLoad, setAskLoad] = useState<ScenarioSummary | null>(null);
  const [askReset, setAskReset] = useState(false);

  const forgetOutcomes = () => {
    load.reset();
    reset.reset();
  };
  const requestLoad = async (scenario: ScenarioSummary) => {
    forgetOutcomes();
    setChecking(true);
    const ask = await hasCases();
    setChecking(false);
    // Loading resets the training store: ask only when there is something to lose.
    if (ask) setAskLoad(scenario);
    else load.mutate(scenario.name);
  };
  const busy = checking || load.isPending || reset.isPending;
  const scenario = current.data ?? null;
  const labels = labelsOf(scenario, t);

  return (
    <SidePanel
      id={id}
      className="trainer-panel"
      testId="trainer-panel"
      title={t('trainer.title')}
      actions={
        <button
          type="button"
          className="button-danger-outline button-small"
          data-testid="training-reset"
          disabled={busy}
          onClick={() => {
            forgetOutcomes();
            setAskReset(true);
          }}
        >
          {t('trainer.reset')}
        </button>
      }
      closeLabel={t('trainer.close')}
      closeTestId="trainer-close"
      onClose={onClose}
    >
      <p className="muted">{t('trainer.intro')}</p>
      {busy ? (
        <p role="status" className="muted" data-testid="trainer-busy">
          {reset.isPending ? t('trainer.resetting') : t('trainer.loading')}
        </p>
      ) : null}
      {load.isError ? <ErrorAlert error={appErrorOf(load.error)} testId="trainer-load-error" /> : null}
      {reset.isError ? <ErrorAlert error={appErrorOf(reset.error)} testId="training-reset-error" /> : null}
      {reset.isSuccess ? (
        <p role="status" className="hint hint-info" data-testid="training-reset-done">
          {t('trainer.resetDone')}
        </p>
      ) : null}
      <ScenarioDeck loadedName={scenario?.name} busy={busy} onLoad={(s) => void requestLoad(s)} />
      {current.isPending ? (
        <p role="status" className="muted" data-testid="trainer-current-loading">
          {t('trainer.currentLoading')}
        </p>
      ) : current.isError ? (
        <ErrorAlert error={appErrorOf(current.error)} testId="trainer-current-error" />
      ) : scenario ? (
        <LoadedScenarioView
          key={`${scenario.name}@${scenario.loadedAt}`}
          scenario={scenario}
          labels={labels}
        />
      ) : (
        <p className="muted" data-testid="trainer-no-scenario">
          {t('trainer.none')}
        </p>
      )}
      {/* a direct child of the panel: the token sheet's print stylesheet relies on it */}
      {scenario ? <TokenSheet scenario={scenario} labels={labels} /> : null}
      {askLoad ? (
        <ConfirmDialog
          title={t('trainer.loadTitle', { title: askLoad.title })}
          confirmLabel={t('trainer.loadConfirm')}
          testId="scenario-load-dialog"
          busy={load.isPending}
          busyText={t('trainer.loading')}
          onCancel={() => setAskLoad(null)}
          onConfirm={() => load.mutate(askLoad.name, { onSettled: () => setAskLoad(null) })}
        >
          <p>{t('trainer.loadText')}</p>
          {sharedStoreNote}
        </ConfirmDialog>
      ) : null}
      {askReset ? (
        <ConfirmDialog
          title={t('trainer.resetTitle')}
          confirmLabel={t('trainer.resetConfirm')}
          testId="training-reset-dialog"
          busy={reset.isPending}
          busyText={t('trainer.resetting')}
          onCancel={() => setAskReset(false)}
          onConfirm={() => reset.mutate(undefined, { onSettled: () => setAskReset(false) })}
        >
          <p>{t('trainer.resetText')}</p>
          {sharedStoreNote}
        </ConfirmDialog>
      ) : null}
    </SidePanel>
  );
}
