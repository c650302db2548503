/**
 * The E-Rezept code as the trainer shows it: a DataMatrix (ISO/IEC 16022) carrying
 * `{"urls":[…]}` with 1–3 E-Rezept-Tokens (spec §2, A_19553-01, A_24571), drawn big enough for a counter's
 * hand scanner to read it from the monitor. Pure: no bwip-js here (that loads only with the trainer panel).
 */
import type { TrainingPrescription } from '../../../../shared/ipc/contract';

/** BWIPP draws one Data Matrix module as 2×2 units at scale 1 (40 modules → 80 px); padding counts the same units. */
const UNITS_PER_MODULE = 2;
/** One module on screen, in CSS pixels: hand scanners need ≥ 4 px per module from a monitor. */
const MODULE_CSS_PX = 6;
/** White margin around the symbol, in modules (ISO/IEC 16022 asks for at least one; scanners read better with more). */
const QUIET_ZONE_MODULES = 4;
/** A patient's printout carries at most three tokens in one code (A_19553-01). */
const MAX_TOKENS_PER_CODE = 3;

/** What bwip-js's toCanvas gets: black modules on white, never transparent (stack notes: set the background). */
interface DataMatrixOptions {
  bcid: 'datamatrix';
  text: string;
  scale: number;
  padding: number;
  backgroundcolor: string;
  barcolor: string;
}

export function dataMatrixOptions(text: string): DataMatrixOptions {
  return {
    bcid: 'datamatrix',
    text,
    scale: MODULE_CSS_PX / UNITS_PER_MODULE,
    padding: QUIET_ZONE_MODULES * UNITS_PER_MODULE,
    backgroundcolor: 'FFFFFF',
    barcolor: '000000',
  };
}

/** The size of one module in CSS pixels for these options (the canvas is shown at its own pixel size). */
export const modulePixels = (options: Pick<DataMatrixOptions, 'scale'>): number =>
  options.scale * UNITS_PER_MODULE;

/** The quiet zone of these options, in modules. */
export const quietZoneModules = (options: Pick<DataMatrixOptions, 'padding'>): number =>
  options.padding / UNITS_PER_MODULE;

/** The text of an E-Rezept code with these tokens: `{"urls":[…]}` (spec §2). */
export function eRezeptCodeText(tokens: readonly string[]): string {
  return JSON.stringify({ urls: tokens });
}

/** One combined code of the token sheet (the printout's „Sammelcode“) and the prescriptions it holds. */
interface CombinedCode {
  prescriptions: TrainingPrescription[];
  text: string;
}

/**
 * The combined codes of a scenario: its prescriptions in order, three to a code (A_19553-01). A group of one
 * would only repeat that prescription's own code, so there is none for a single prescription or a single rest.
 */
export function combinedCodes(prescriptions: readonly TrainingPrescription[]): CombinedCode[] {
  const codes: CombinedCode[] = [];
  for (let start = 0; start < prescriptions.length; start += MAX_TOKENS_PER_CODE) {
    const group = prescriptions.slice(start, start + MAX_TOKENS_PER_CODE);
    if (group.length < 2) continue;
    codes.push({ prescriptions: group, text: eRezeptCodeText(group.map((p) => p.token)) });
  }
  return codes;
}
