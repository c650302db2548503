/**
 * One place every scan goes through, whether it came from the scan field or from a wedge scan anywhere
 * (architecture §5): text starting with `{` or `Task/` is an E-Rezept code → `scanCode` ($accept, or the local
 * case on a re-scan, A_23801); anything else is a securPharm pack code → parsed here and handed to the dispense
 * editor that is open (it registers itself as the pack target, lib/pack-scan-target.tsx).
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { parsePackCode, type PackCode } from '../../../../shared/erezept/pack-code';
import { classifyScan } from '../../../../shared/erezept/scan';
import { useCurrentStaff } from '../../api/app-info/use-app-info';
import { useScanCode } from '../../api/scan/use-scan-code';
import { useCurrentCase } from '../../lib/current-case';
import { usePackTargetSlot, type PackScanOutcome } from '../../lib/pack-scan-target';

/** What the last pack scan did; `caseId` = the case on screen then (the notice belongs to that screen only). */
export type PackScanFeedback = { seq: number; caseId: string | null } & (
  | { kind: 'applied'; code: PackCode; outcome: PackScanOutcome }
  | { kind: 'invalid'; message: string }
  | { kind: 'no-target'; code: PackCode }
);

/** What happened to a submitted text: taken, refused for lack of a Kürzel (the text stays), or empty. */
type ScanSubmitResult = 'taken' | 'needs-staff' | 'empty';

interface ScanContextValue {
  submitScan(text: string): ScanSubmitResult;
  /** the $accept mutation of the last E-Rezept scan */
  erezept: ReturnType<typeof useScanCode>;
  /** an E-Rezept scan was refused because no staff member is chosen */
  needsStaff: boolean;
  pack: PackScanFeedback | null;
}

const ScanContext = createContext<ScanContextValue | null>(null);

export function ScanProvider({ children }: { children: ReactNode }) {
  const staff = useCurrentStaff();
  const { openCase, prescriptionId: caseId } = useCurrentCase();
  const erezept = useScanCode();
  const { mutate: accept } = erezept;
  const [needsStaff, setNeedsStaff] = useState(false);
  const [pack, setPack] = useState<PackScanFeedback | null>(null);
  const packTargets = usePackTargetSlot();
  const seq = useRef(0);

  const submitScan = useCallback(
    (text: string): ScanSubmitResult => {
      const kind = classifyScan(text);
      if (kind === 'empty') return 'empty';
      if (kind === 'erezept') {
        // $accept changes state at the Fachdienst: it is done as a named staff member or not at all (architecture §2).
        if (!staff) {
          setNeedsStaff(true);
          return 'needs-staff';
        }
        setNeedsStaff(false);
        setPack(null);
        accept(text, {
          onSuccess: ({ results }) => {
            const first = results.find((r) => r.ok);
            if (first) openCase(first.prescriptionId);
          },
        });
        return 'taken';
      }
      const parsed = parsePackCode(text);
      seq.current += 1;
      const at = { seq: seq.current, caseId };
      if (!parsed.ok) {
        setPack({ ...at, kind: 'invalid', message: parsed.error.message });
        return 'taken';
      }
      const target = packTargets.current();
      if (!target) {
        setPack({ ...at, kind: 'no-target', code: parsed.data });
        return 'taken';
      }
      const code = parsed.data;
      target(code).then(
        (outcome) => setPack({ ...at, kind: 'applied', code, outcome }),
        // the article lookup failed (main unreachable): the pack was not applied, and the pharmacist is told so
        () => setPack({ ...at, kind: 'invalid', message: 'Die Packung konnte nicht übernommen werden: Der Artikelstamm antwortet nicht. Bitte erneut scannen.' }),
      );
      return 'taken';
    },
    [staff, accept, openCase, caseId, packTargets],
  );

  const value = useMemo(
    // A pack notice belongs to the screen it was scanned on; another case or the inbox do not show it.
    () => ({ submitScan, erezept, needsStaff: needsStaff && !staff, pack: pack?.caseId === caseId ? pack : null }),
    [submitScan, erezept, needsStaff, staff, pack, caseId],
  );
  return <ScanContext.Provider value={value}>{children}</ScanContext.Provider>;
}

export function useScan(): ScanContextValue {
  const value = useContext(ScanContext);
  if (!value) throw new Error('useScan() outside <ScanProvider>');
  return value;
}
