/**
 * Reads DataMatrix codes from a screenshot, in the test process, the way a counter scanner reads the monitor
 * (the trainer's on-screen codes are verified by decoding them). zxing-wasm's reader fetches its
 * .wasm from a CDN unless it is given the local binary (stack notes, „zxing's wasm“) — there is no network here,
 * so the binary from node_modules is passed in once per worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import { repoRoot } from '../../fixtures';

let prepared: Promise<unknown> | undefined;

function prepareReader(): Promise<unknown> {
  if (!prepared) {
    const file = readFileSync(join(repoRoot, 'node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'));
    const wasmBinary = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    prepared = prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  }
  return prepared;
}

/** The texts of every DataMatrix in an image file (PNG bytes, e.g. `locator.screenshot()`), top to bottom. */
export async function decodeDataMatrix(image: Uint8Array): Promise<string[]> {
  await prepareReader();
  const results = await readBarcodes(image, { formats: ['DataMatrix'], tryHarder: true, maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid).map((r) => r.text);
}

/** The one DataMatrix text of an image; throws when there is none or more than one. */
export async function decodeOneDataMatrix(image: Uint8Array): Promise<string> {
  const texts = await decodeDataMatrix(image);
  if (texts.length !== 1) throw new Error(`expected one DataMatrix in the image, found ${texts.length}`);
  return texts[0]!;
}

/** The E-Rezept-Tokens of a code's text `{"urls":[…]}` (spec §2, A_19553-01). */
export function tokensOf(codeText: string): string[] {
  const parsed: unknown = JSON.parse(codeText);
  const urls = typeof parsed === 'object' && parsed !== null && 'urls' in parsed ? parsed.urls : undefined;
  if (!Array.isArray(urls) || !urls.every((u): u is string => typeof u === 'string')) {
    throw new Error('not an E-Rezept code: {"urls":[…]} expected');
  }
  return urls;
}
