/**
 * The trainer panel, loaded on demand: its chunk brings bwip-js, which the counter itself never needs (main
 * bundle budget). Only this wrapper and the header button are in the main bundle.
 */
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainerPanelProps } from './TrainerPanel';

const TrainerPanel = lazy(() => import('./TrainerPanel'));

export function LazyTrainerPanel(props: TrainerPanelProps) {
  const { t } = useTranslation();
  return (
    <Suspense
      fallback={
        <p role="status" className="muted trainer-panel-loading" data-testid="trainer-panel-loading">
          {t('trainer.panelLoading')}
        </p>
      }
    >
      <TrainerPanel {...props} />
    </Suspense>
  );
}
