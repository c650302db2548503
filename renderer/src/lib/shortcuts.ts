/**
 * Keyboard shortcuts (architecture §5: every action has one). Matched on KeyboardEvent.code where the
 * letter is on a fixed key (Alt+letter yields other characters on macOS), on the key for Ü, whose
 * position differs between layouts.
 */
import { useEffect, useRef } from 'react';
import { isOutsideOpenModal } from '../components/Modal';

type ShortcutMatcher = (e: KeyboardEvent) => boolean;

const plainAlt = (e: KeyboardEvent) => e.altKey && !e.ctrlKey && !e.metaKey;
const altLetter = (letter: string) => (e: KeyboardEvent) =>
  plainAlt(e) && (e.code === `Key${letter.toUpperCase()}` || e.key.toLowerCase() === letter);

export const shortcuts = {
  /** focus the staff switch (Kürzel) */
  staff: altLetter('m'),
  /** focus the scan field */
  focusScan: altLetter('s'),
  /** the patient's health card: read the eGK and list its prescriptions (G = Gesundheitskarte) */
  egk: altLetter('g'),
  /** show the inbox (Vorgänge) and focus its search */
  inbox: altLetter('v'),
  /** open or close the connection panel with the pending operations (W = Warteschlange; V is the inbox) */
  pendingOperations: altLetter('w'),
  /** open or close the messages panel with the patients' Zuweisungen (Z = Zuweisungen; N adds an entry) */
  messages: altLetter('z'),
  /** open „Einstellungen & Info“ (data protection, network settings) */
  settings: altLetter('i'),
  /** open or close the trainer panel (training mode only: scenarios, codes on screen, patient view) */
  trainer: altLetter('t'),
  /** add an entry to the dispense list (neue Position) */
  addEntry: altLetter('n'),
  /** duplicate the focused entry (kopieren) */
  duplicateEntry: altLetter('k'),
  /** remove the focused entry */
  removeEntry: (e: KeyboardEvent) => plainAlt(e) && e.key === 'Delete',
  /** preview what the patient will see */
  patientPreview: altLetter('b'),
  /** hand the prescription back ($reject, „Rezept zurückgeben“) */
  rejectCase: altLetter('r'),
  /** delete the prescription ($abort, „Rezept löschen“) */
  abortCase: altLetter('l'),
  /** print the receipt */
  printReceipt: altLetter('p'),
  /** fetch the receipt again */
  refetchReceipt: altLetter('q'),
  /** submit the dispense list: Alt+Ü or Ctrl+Enter */
  submitDispense: (e: KeyboardEvent) =>
    (plainAlt(e) && (e.key.toLowerCase() === 'ü' || e.code === 'BracketLeft')) ||
    ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === 'Enter'),
  /** close the case ($close) */
  closeCase: altLetter('a'),
} satisfies Record<string, ShortcutMatcher>;

/** Runs `handler` on every keydown anywhere in the window that `matches`; the latest handler is used. */
export function useShortcut(matches: ShortcutMatcher, handler: () => void, enabled = true): void {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      // Nothing happens behind an open dialog: its own keys (Esc, Tab) are all that count then.
      if (e.repeat || !matches(e) || isOutsideOpenModal(e)) return;
      e.preventDefault();
      handlerRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [matches, enabled]);
}
