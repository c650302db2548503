import { memo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Always visible while the backend is a simulator (architecture §2: training = any backend but the real TI). The TI
 * simulation (`ti` with every address on this machine) says so: „TRAINING – TI-Simulation“.
 */
export const TrainingBanner = memo(function TrainingBanner({ tiSimulation }: { tiSimulation: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="training-banner" data-testid="training-banner" data-backend={tiSimulation ? 'ti-simulation' : 'simulator'} role="note">
      {t(tiSimulation ? 'training.bannerTiSimulation' : 'training.banner')}
    </div>
  );
});
