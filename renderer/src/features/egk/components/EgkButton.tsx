/** „Gesundheitskarte“ in the header (Alt+G): opens the eGK dialog (spec erezept-pharmacy §3.9). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';
import { EgkDialog } from './EgkDialog';

export function EgkButton() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  useShortcut(shortcuts.egk, () => setOpen(true), !open);
  return (
    <>
      <button type="button" className="nav-button" data-testid="egk-open" aria-haspopup="dialog" aria-keyshortcuts="Alt+G" onClick={() => setOpen(true)}>
        {t('egk.open')} <kbd>Alt+G</kbd>
      </button>
      {open ? <EgkDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}
