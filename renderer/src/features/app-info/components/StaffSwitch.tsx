/**
 * The staff switch (architecture §2: the current Kürzel goes with every workflow call). Alt+M focuses it
 * from anywhere, so switching at a shared counter is two keystrokes and a choice. Only active members are offered
 * (issue 18: inactive ones stay in the history by Kürzel, main refuses them).
 */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../../../shared/ipc/contract';
import { useSetStaff } from '../../../api/app-info/use-set-staff';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { appErrorOf } from '../../../lib/invoke';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';

export function StaffSwitch({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  const selectRef = useRef<HTMLSelectElement>(null);
  const setStaff = useSetStaff();
  useShortcut(shortcuts.staff, () => selectRef.current?.focus());
  const current = appInfo.staff?.kuerzel ?? '';
  return (
    <div className="staff-switch">
      <label htmlFor="staff-switch">{t('staff.label')}</label>
      <select
        id="staff-switch"
        ref={selectRef}
        data-testid="staff-switch"
        value={current}
        aria-keyshortcuts="Alt+M"
        disabled={setStaff.isPending}
        onChange={(e) => setStaff.mutate(e.target.value)}
      >
        <option value="" disabled>
          {t('staff.placeholder')}
        </option>
        {appInfo.staffList.filter((s) => s.active !== false).map((s) => (
          <option key={s.kuerzel} value={s.kuerzel}>
            {t('staff.option', { kuerzel: s.kuerzel, name: s.name })}
          </option>
        ))}
      </select>
      {setStaff.isError ? <ErrorAlert error={appErrorOf(setStaff.error)} testId="staff-error" /> : null}
    </div>
  );
}
