/**
 * A keyboard-wedge scanner for e2e tests (issue 5 item 1): it types a code as fast key events ending in Enter,
 * wherever the focus is, like a real scanner. The group separator (ASCII 29) of a securPharm code is sent as
 * Ctrl+], the key a wedge uses for it. `packCode` builds the GS1 element string of a German pack.
 */
import type { Page } from '@playwright/test';
import { parsePzn } from '../../../shared/erezept/identifiers';
import { ntinOf } from '../../../shared/erezept/pack-code';

export const GS = '\u001d';

/** Types `text` + Enter as one fast burst of key events at the current focus. */
export async function typeLikeScanner(page: Page, text: string): Promise<void> {
  const parts = text.split(GS);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) await page.keyboard.press('Control+BracketRight');
    if (parts[i]) await page.keyboard.type(parts[i]!, { delay: 0 });
  }
  await page.keyboard.press('Enter');
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
