/**
 * Keyboard shortcuts (architecture §5: every action has one). Matched on KeyboardEvent.code where the
 * letter is on a fixed key (Alt+letter yields other characters on macOS), on the key for Ü, whose
 * position differs between layouts.
 */
import { useEffect, useRef } from 'react';

export type ShortcutMatcher = (e: KeyboardEvent) => boolean;

const plainAlt = (e: KeyboardEvent) => e.altKey && !e.ctrlKey && !e.metaKey;

export const shortcuts = {
  /** focus the staff switch (Kürzel) */
  staff: (e: KeyboardEvent) => plainAlt(e) && (e.code === 'KeyM' || e.key.toLowerCase() === 'm'),
  /** submit the dispense list: Alt+Ü or Ctrl+Enter */
  submitDispense: (e: KeyboardEvent) =>
    (plainAlt(e) && (e.key.toLowerCase() === 'ü' || e.code === 'BracketLeft')) ||
    ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === 'Enter'),
  /** close the case ($close) */
  closeCase: (e: KeyboardEvent) => plainAlt(e) && (e.code === 'KeyA' || e.key.toLowerCase() === 'a'),
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
      if (e.repeat || !matches(e)) return;
      e.preventDefault();
      handlerRef.current();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [matches, enabled]);
}
