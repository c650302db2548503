import { useState } from 'react';
import { useTranslation } from 'react-i18next';

type CopyState = 'idle' | 'copied' | 'failed';

/** Copies support text (or, with `label`, anything else) to the clipboard and says whether that worked. */
export function CopyButton({ text, testId, label }: { text: string; testId?: string; label?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<CopyState>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <span className="copy">
      <button type="button" className="button-secondary" data-testid={testId} onClick={() => void copy()}>
        {label ?? t('error.copy')}
      </button>
      <span role="status" className="copy-state">
        {state === 'copied' ? t('error.copied') : state === 'failed' ? t('error.copyFailed') : ''}
      </span>
    </span>
  );
}
