import { useTranslation } from 'react-i18next';

/** Always visible while the backend is a simulator (architecture §2: training = any backend but the TI). */
export function TrainingBanner() {
  const { t } = useTranslation();
  return (
    <div className="training-banner" data-testid="training-banner" role="note">
      {t('training.banner')}
    </div>
  );
}
