// The default export: its `raw` encodes only; the named `raw` of the ES module is a barcode type of that name.
import bwip from 'bwip-js/browser';
import { describe, expect, it } from 'vitest';
import { ids } from '../../test/fixtures';
import { trainingPrescription, trainingTokens } from '../../test/trainer-fixtures';
import {
  combinedCodes,
  dataMatrixOptions,
  eRezeptCodeText,
  modulePixels,
  quietZoneModules,
} from './datamatrix';

const single = `{"urls":["${trainingTokens.a}"]}`;

describe('dataMatrixOptions (spec §2: a code a hand scanner reads from the monitor)', () => {
  it('draws a DataMatrix of exactly the given text, black on white', () => {
    const options = dataMatrixOptions(single);
    expect(options.bcid).toBe('datamatrix');
    expect(options.text).toBe(single);
    expect(options.barcolor).toBe('000000');
    // never transparent: a dark page behind the canvas would swallow the quiet zone (stack notes)
    expect(options.backgroundcolor).toBe('FFFFFF');
  });

  it('makes every module at least 4 CSS px and leaves a quiet zone of at least 2 modules', () => {
    const options = dataMatrixOptions(single);
    expect(modulePixels(options)).toBeGreaterThanOrEqual(4);
    expect(Number.isInteger(options.scale)).toBe(true);
    expect(quietZoneModules(options)).toBeGreaterThanOrEqual(2);
  });

  it('matches what bwip-js really draws: (modules + 2 × quiet zone) × module size pixels', () => {
    const options = dataMatrixOptions(single);
    const [symbol] = bwip.raw({ bcid: options.bcid, text: options.text });
    // a 2D symbol: its size in modules (linear barcodes answer with bars instead)
    const modules = symbol && 'pixx' in symbol ? symbol.pixx : NaN;
    const svg = bwip.toSVG(options);
    const side = (modules + 2 * quietZoneModules(options)) * modulePixels(options);
    expect(svg).toContain(`viewBox="0 0 ${side} ${side}"`);
  });
});

describe('E-Rezept code texts (spec §2, A_19553-01)', () => {
  it('writes {"urls":[…]} exactly like a printout', () => {
    expect(eRezeptCodeText([trainingTokens.a])).toBe(single);
    expect(JSON.parse(eRezeptCodeText([trainingTokens.a, trainingTokens.b]))).toEqual({
      urls: [trainingTokens.a, trainingTokens.b],
    });
  });

  it('has no combined code for a single prescription', () => {
    expect(combinedCodes([trainingPrescription()])).toEqual([]);
  });

  it('puts at most three tokens in one combined code, in scenario order, and no code for a single rest', () => {
    const tokens = Array.from(
      { length: 7 },
      (_, i) => `Task/${ids.first}/$accept?ac=${String(i).repeat(64)}`,
    );
    const prescriptions = tokens.map((token, i) => trainingPrescription({ token, label: `Rezept ${i + 1}` }));

    expect(combinedCodes(prescriptions.slice(0, 3)).map((c) => JSON.parse(c.text))).toEqual([
      { urls: tokens.slice(0, 3) },
    ]);
    expect(combinedCodes(prescriptions.slice(0, 5)).map((c) => c.prescriptions.map((p) => p.label))).toEqual([
      ['Rezept 1', 'Rezept 2', 'Rezept 3'],
      ['Rezept 4', 'Rezept 5'],
    ]);
    // 7 = 3 + 3 + 1: the seventh has its own code only
    expect(combinedCodes(prescriptions).map((c) => c.prescriptions.length)).toEqual([3, 3]);
  });
});
