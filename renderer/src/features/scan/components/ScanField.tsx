/**
 * The scan field (architecture §5: keyboard first). A scanner in keyboard-wedge mode types the code and
 * ends with Enter, which submits the text. Typing while no field has focus lands here too, so a scan is
 * never lost because the pharmacist clicked elsewhere.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { shortcuts, useShortcut } from '../../../lib/shortcuts';
import { characterOf, GROUP_SEPARATOR } from '../scan-detector';
import { SCAN_FIELD_ATTRIBUTE } from '../use-wedge-scanner';

interface Props {
  /** returns false when the scan was not taken (the text then stays for another Enter) */
  onScan(text: string): boolean;
  busy: boolean;
}

/** Only keys that would otherwise go nowhere are taken: a focused control keeps its own keys (Space on a button). */
function goesNowhere(target: EventTarget | null): boolean {
  return target === null || target === document.body || target === document.documentElement;
}

export function ScanField({ onScan, busy }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  useShortcut(shortcuts.focusScan, () => inputRef.current?.focus());

  useEffect(() => {
    const redirect = (e: KeyboardEvent) => {
      const printable = e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey;
      if (!printable || !goesNowhere(e.target)) return;
      e.preventDefault();
      inputRef.current?.focus();
      setText((current) => current + e.key);
    };
    window.addEventListener('keydown', redirect);
    return () => window.removeEventListener('keydown', redirect);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const scanned = text.trim();
    if (!scanned || busy) return;
    if (onScan(scanned)) setText('');
  };

  return (
    <form className="scan-form" onSubmit={submit} role="search">
      <label htmlFor={id}>{t('scan.label')}</label>
      <input
        id={id}
        ref={inputRef}
        data-testid="scan-input"
        {...{ [SCAN_FIELD_ATTRIBUTE]: '' }}
        aria-keyshortcuts="Alt+S"
        className="scan-input"
        type="text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // A wedge that cannot type ASCII 29 sends Ctrl+] for the group separator of a pack code.
          if (characterOf({ key: e.key, time: 0, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey }) !== GROUP_SEPARATOR) return;
          e.preventDefault();
          setText((current) => current + GROUP_SEPARATOR);
        }}
        autoFocus
        autoComplete="off"
        spellCheck={false}
        aria-describedby={`${id}-help`}
        maxLength={4096}
      />
      <p id={`${id}-help`} className="field-help">
        {t('scan.help')}
      </p>
    </form>
  );
}
