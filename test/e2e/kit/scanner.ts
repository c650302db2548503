/**
 * A keyboard-wedge scanner for e2e tests: it types a code as fast key events ending in Enter,
 * wherever the focus is, like a real scanner. The group separator (ASCII 29) of a securPharm code is sent as
 * Ctrl+], the key a wedge uses for it. `packCode` builds the GS1 element string of a German pack.
 */
import type { Page } from '@playwright/test';
import { parsePzn } from '../../../shared/erezept/identifiers';
import { ntinOf } from '../../../shared/erezept/pack-code';

export const GS = '\u001d';

/** A wedge scanner's pace: a few milliseconds per character. */
const SCANNER_KEY_INTERVAL_MS = 4;

/**
 * Types `text` + Enter as one fast burst of key events at the current focus. The key events go to the browser
 * pipelined over one CDP session, not one round trip each (as `page.keyboard.type` does): a hardware scanner's
 * keys arrive as a burst however busy the test machine is, and the app's scan detector judges the gaps between
 * them (under load, one round trip per key made the "scanner" look like a person typing).
 *
 * Each key carries its own timestamp, a scanner's rhythm of SCANNER_KEY_INTERVAL_MS, as the operating system
 * stamps a real scanner's keys when they arrive. Without it Chromium stamps a key only once the page has handled
 * the one before, so a page busy after the first key (re-rendering the form) looks like a person pausing, and the
 * app — which judges the keys' timestamps — would be tested against a rhythm no scanner has.
 */
export async function typeLikeScanner(page: Page, text: string): Promise<void> {
  const session = await page.context().newCDPSession(page);
  try {
    const sent: Promise<unknown>[] = [];
    // CDP's timestamp: seconds since the epoch
    const start = Date.now() / 1000;
    let keys = 0;
    const key = (event: Record<string, unknown>): void => {
      const timestamp = start + (keys++ * SCANNER_KEY_INTERVAL_MS) / 1000;
      sent.push(session.send('Input.dispatchKeyEvent', { type: 'keyDown', ...event, timestamp }));
      sent.push(session.send('Input.dispatchKeyEvent', { type: 'keyUp', ...event, text: undefined, timestamp }));
    };
    for (const char of text) {
      // the group separator as a wedge sends it: Ctrl+] (modifier 2 = Control)
      if (char === GS) key({ key: ']', code: 'BracketRight', windowsVirtualKeyCode: 221, modifiers: 2 });
      else key({ key: char, text: char, unmodifiedText: char });
    }
    key({ key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' });
    await Promise.all(sent);
  } finally {
    await session.detach();
  }
}

export interface PackCodeParts {
  pzn: string;
  batch: string;
  /** YYYY-MM-DD */
  expiry: string;
  serial?: string;
}

/**
 * GS1 syntax of the securPharm code: (01) NTIN of the PZN, (17) expiry YYMMDD, (10) batch, (21) serial. The
 * variable-length batch is ended by GS when a serial follows (GS1 General Specifications).
 */
export function packCode({ pzn, batch, expiry, serial }: PackCodeParts): string {
  const parsed = parsePzn(pzn);
  if (!parsed.ok) throw new Error(`invalid PZN for a test pack: ${pzn}`);
  const yymmdd = expiry.slice(2).replace(/-/g, '');
  return `01${ntinOf(parsed.data)}17${yymmdd}10${batch}${serial ? `${GS}21${serial}` : ''}`;
}
