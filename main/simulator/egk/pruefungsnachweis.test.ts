import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makePruefungsnachweis, readPruefungsnachweis } from './pruefungsnachweis';

const KEY = Buffer.alloc(32, 7);
const AT = new Date('2026-10-05T08:15:30Z');
const HCV = Buffer.from('17d643edc2', 'hex');

/** gematik's recorded ReadVSD answer (eRezept-Examples 2025-10-01, KOCO): a PN with result 3 and no PZ. */
const RECORDED_PN3 =
  'H4sIAAAAAAAA/x2N0QqCMBhGX2XsPv9NESS2eVEGXWSS1m2MtkzSX2lD6+0b3h0OnO8T+XfoyWw/rhtRUh4xSiw+RtNhK+m1OWwySpzXaHQ/opX0Zx3NlahKEkJ0kr68n7YAi4taO2jfvSNj4alhdmaACReY19Hd/nS/FZf6eC7Xm+CUaGoVszhlnCcs41maCAhKFCpAoQRUpfoDxsVnR6EAAAA=';

describe('the simulator\'s Prüfungsnachweis', () => {
  it('round trip: KVNR, time and hcv come back from the PZ it made', () => {
    const pnw = makePruefungsnachweis({ timestamp: AT, result: 2, kvnr: 'X110411675', hcv: HCV }, KEY);
    expect(gunzipSync(Buffer.from(pnw, 'base64')).toString('utf8')).toContain('<TS>20261005081530</TS><E>2</E><PZ>');
    expect(readPruefungsnachweis(pnw, KEY)).toEqual({ ok: true, value: { timestamp: AT, result: 2, kvnr: 'X110411675', hcv: HCV } });
  });

  it('reads gematik\'s recorded PN (result 3, no PZ)', () => {
    expect(readPruefungsnachweis(RECORDED_PN3, KEY)).toEqual({ ok: true, value: { timestamp: new Date('2025-01-13T08:18:53Z'), result: 3 } });
  });

  it('a PZ under another key, a changed KVNR inside, or a missing PZ is refused', () => {
    const pnw = makePruefungsnachweis({ timestamp: AT, result: 1, kvnr: 'X110411675', hcv: HCV }, KEY);
    expect(readPruefungsnachweis(pnw, Buffer.alloc(32, 8))).toEqual({ ok: false, error: 'pz-invalid' });
    const xml = gunzipSync(Buffer.from(pnw, 'base64')).toString('utf8');
    const pz = /<PZ>([^<]+)<\/PZ>/.exec(xml)?.[1] ?? '';
    const forged = Buffer.from(pz, 'base64');
    forged.write('Y', 0, 'ascii');
    const rewrap = (body: string) => gzipSync(Buffer.from(body, 'utf8')).toString('base64');
    expect(readPruefungsnachweis(rewrap(xml.replace(pz, forged.toString('base64'))), KEY)).toEqual({ ok: false, error: 'pz-invalid' });
    expect(readPruefungsnachweis(rewrap(xml.replace(/<PZ>[^<]+<\/PZ>/, '')), KEY)).toEqual({ ok: false, error: 'pz-missing' });
    // TS is outside the MAC: a PN made to look fresh by a new TS is refused
    expect(readPruefungsnachweis(rewrap(xml.replace('<TS>20261005081530</TS>', '<TS>20261005091530</TS>')), KEY)).toEqual({ ok: false, error: 'pz-invalid' });
  });

  it('hostile input: not base64, not gzip, a gzip bomb, a DOCTYPE, another root — each a typed error', () => {
    const gz = (text: string) => gzipSync(Buffer.from(text, 'utf8')).toString('base64');
    expect(readPruefungsnachweis('not base64!', KEY)).toEqual({ ok: false, error: 'not-base64' });
    expect(readPruefungsnachweis(Buffer.from('plain').toString('base64'), KEY)).toEqual({ ok: false, error: 'not-gzip' });
    expect(readPruefungsnachweis(gzipSync(Buffer.alloc(1_000_000, 0x41)).toString('base64'), KEY)).toEqual({ ok: false, error: 'too-large' });
    expect(readPruefungsnachweis(gz('<!DOCTYPE x [<!ENTITY a "b">]><PN/>'), KEY)).toEqual({ ok: false, error: 'not-xml' });
    expect(readPruefungsnachweis(gz('<Other xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0"/>'), KEY)).toEqual({ ok: false, error: 'not-pn' });
    expect(readPruefungsnachweis(gz('<PN xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0"><TS>2025</TS><E>1</E></PN>'), KEY)).toEqual({ ok: false, error: 'bad-timestamp' });
    expect(readPruefungsnachweis(gz('<PN xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0"><TS>20250113081853</TS><E>7</E></PN>'), KEY)).toEqual({ ok: false, error: 'bad-result' });
  });
});
