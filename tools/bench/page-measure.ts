/**
 * One UI measurement in the page (page-probes.ts `arm`/`settle`): arm the probe, let Playwright do the action
 * (press a key, click), and wait until the condition held and the next frame began. The durations are the page's
 * own (performance.now()), so the DevTools protocol's round trips are not in them.
 */
import type { Page } from '@playwright/test';
import { probeCall, type ArmedTimes, type PageCondition, type PageTrigger } from './page-probes';

export interface UiTiming extends ArmedTimes {
  /** trigger → first animation frame after the condition held */
  ms: number;
}

export async function measureUi(
  page: Page,
  trigger: PageTrigger,
  condition: PageCondition,
  action: () => Promise<void>,
  timeoutMs = 30_000,
): Promise<UiTiming> {
  const id = await page.evaluate<number>(probeCall('arm', trigger, condition));
  await action();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`bench: Seite erreichte ${JSON.stringify(condition)} nicht in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const times = await Promise.race([page.evaluate<ArmedTimes>(probeCall('settle', id)), timeout]);
    return { ...times, ms: times.tFrame - times.t0 };
  } finally {
    clearTimeout(timer);
  }
}
