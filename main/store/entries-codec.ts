import { z } from 'zod';
import { dispenseEntrySchema, type DispenseEntry } from '../../shared/erezept/dispense-entry';
import type { Cipher } from './cipher';

const entriesSchema = z.array(dispenseEntrySchema);

/** Dispense lists are personal data (what a patient got): stored through the Cipher as JSON. */
export const encodeEntries = (cipher: Cipher, entries: readonly DispenseEntry[]): string =>
  cipher.encrypt(JSON.stringify(entries));

export const decodeEntries = (cipher: Cipher, stored: string): DispenseEntry[] =>
  entriesSchema.parse(JSON.parse(cipher.decrypt(stored)));
