import { useTranslation } from 'react-i18next';

/** Explains why state-changing actions are disabled: nobody is signed in at this counter. */
export function StaffHint() {
  const { t } = useTranslation();
  return (
    <p className="hint hint-warning" data-testid="staff-hint" role="status">
      {t('staff.hint')}
    </p>
  );
}
