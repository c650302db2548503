/**
 * Benchmark "scan-overhead": scan → prescription visible, `$accept` included, minus the bare HTTP
 * time of the same `$accept` against the same simulator.
 *
 * UI time: the E-Rezept-Token is put into `scan-input` (unmeasured), then Enter; measured in the page from the Enter
 * keydown to the first animation frame after the case view of exactly that prescription shows the prescription
 * (`case-view[data-prescription-id] prescription-view`, docs/qa-contract.md). Baseline: a Node client `$accept`s a
 * different, equally fresh prescription of the same kind (flow type 160, PZN) with a pharmacy token of its own,
 * right beside each scan (alternating which goes first). Figures: the UI time, the bare time and their paired
 * difference with the target p95 < 30 ms.
 */
import { performance } from 'node:perf_hooks';
import { openAppSession } from './app-session';
import { overheadFigures, warmupRounds } from './overhead';
import { measureUi } from './page-measure';
import { byTestId } from './page-probes';
import type { BenchOptions, Benchmark, Figure } from './types';

export const SCAN_ROUNDS = 50;
const BASELINE_TELEMATIK_ID = '3-SMC-B-Bench-Baseline';

/** The condition "this prescription is shown": its case view with the prescription section inside. */
export const prescriptionShown = (prescriptionId: string): string =>
  `${byTestId('case-view')}[data-prescription-id=${JSON.stringify(prescriptionId)}] ${byTestId('prescription-view')}`;

export const scanOverhead: Benchmark = {
  name: 'scan-overhead',
  description:
    'Scan → Rezept sichtbar ($accept eingeschlossen) minus nacktes $accept per HTTP, Browser-Modus',
  async run(options: BenchOptions): Promise<Figure[]> {
    const rounds = Math.min(SCAN_ROUNDS, options.maxIterations);
    const warmup = warmupRounds(rounds);
    const session = await openAppSession();
    try {
      const started = performance.now();
      const token = await session.sim.pharmacyToken(BASELINE_TELEMATIK_ID);
      const scanned = await session.sim.createPrescriptions(warmup + rounds);
      const bare = await session.sim.createPrescriptions(warmup + rounds);
      options.log(`  ${scanned.length + bare.length} Rezepte angelegt (nicht gemessen)`);
      const scanInput = session.page.locator(byTestId('scan-input'));
      const ui: number[] = [];
      const http: number[] = [];
      for (let i = 0; i < warmup + rounds; i++) {
        const p = scanned[i]!;
        const scan = async (): Promise<number> => {
          await scanInput.fill(p.token);
          const timing = await measureUi(
            session.page,
            { type: 'keydown', key: 'Enter' },
            { kind: 'present', selector: prescriptionShown(p.taskId) },
            () => scanInput.press('Enter'),
          );
          return timing.ms;
        };
        const accept = async (): Promise<number> => (await session.sim.accept(bare[i]!, token)).ms;
        let uiMs: number;
        let httpMs: number;
        if (i % 2 === 0) {
          httpMs = await accept();
          uiMs = await scan();
        } else {
          uiMs = await scan();
          httpMs = await accept();
        }
        if (i < warmup) continue;
        ui.push(uiMs);
        http.push(httpMs);
      }
      options.log(
        `  ${rounds} Scans (+${warmup} zum Aufwärmen) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return overheadFigures('scan', 'accept-http', ui, http);
    } finally {
      await session.close();
    }
  },
};
