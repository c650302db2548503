/**
 * Keyboard-wedge scans on every screen (architecture §5): one window-level key listener in the capture phase feeds
 * the detector. When the keys turn out to be a scan, its Enter is swallowed, the focused field gets back the value it
 * had before the scan's first key (the scanner's keys must not stay in a batch or PZN field), and the text goes to
 * `onScan`. The scan field itself is left alone: it takes scans and manual entry through its own Enter, with the same
 * routing.
 */
import { useEffect, useRef } from 'react';
import { isModalOpen } from '../../components/Modal';
import { restoreField, snapshotField, type FieldSnapshot } from './field-snapshot';
import { createScanDetector, GROUP_SEPARATOR } from './scan-detector';
import { useScannerSettings } from './scanner-settings';

/** Marks the manual scan field: keys typed there are its own business. */
export const SCAN_FIELD_ATTRIBUTE = 'data-scan-field';

const inScanField = (target: EventTarget | null): boolean =>
  target instanceof Element && target.closest(`[${SCAN_FIELD_ATTRIBUTE}]`) !== null;

export function useWedgeScanner(onScan: (text: string) => void, enabled = true): void {
  const settings = useScannerSettings();
  const onScanRef = useRef(onScan);
  useEffect(() => {
    onScanRef.current = onScan;
  });

  useEffect(() => {
    if (!enabled) return;
    const detector = createScanDetector(settings.detector);
    // The key's own timestamp is when the input arrived. Read at handling time instead (performance.now()), a
    // page busy re-rendering after the first key of a scan stretches the gaps after it, the detector drops that
    // key as typed by a person, and the code loses its start (seen under load: "Charge (10) ist länger als 20
    // Zeichen"). The scanner's real rhythm is in the timestamps.
    const timeOf = (e: KeyboardEvent): number => (settings.now ? settings.now() : e.timeStamp);
    /** the focused field's value before each candidate key (index = the key's index) */
    let snapshots: (FieldSnapshot | undefined)[] = [];

    const onKeyDown = (e: KeyboardEvent) => {
      if (e.isComposing) return;
      if (inScanField(e.target)) {
        detector.reset();
        snapshots = [];
        return;
      }
      const verdict = detector.feed({ key: e.key, time: timeOf(e), ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey });
      if (verdict.type === 'char') {
        // keydown comes before the character lands: this is the field's value before this key
        if (verdict.index === 0) snapshots = [];
        snapshots[verdict.index] = snapshotField(document.activeElement);
        // Ctrl+] stands for the group separator here and must not trigger anything else
        if (verdict.char === GROUP_SEPARATOR) e.preventDefault();
        return;
      }
      if (verdict.type === 'scan') {
        e.preventDefault();
        e.stopPropagation();
        const before = snapshots[verdict.startIndex];
        snapshots = [];
        if (before) restoreField(before);
        // While a dialog (e.g. „Rezept löschen?“) is open the scan is dropped: its Enter must not press the
        // dialog's focused button, and nothing may change behind it.
        if (!isModalOpen()) onScanRef.current(verdict.text);
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [enabled, settings]);
}
