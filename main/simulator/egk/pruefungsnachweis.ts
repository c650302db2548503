/**
 * The simulator's Prüfungsnachweis (PN) — what a Konnektor's `ReadVSD(PerformOnlineCheck=true,
 * ReadOnlineReceipt=true)` hands the pharmacy and the Fachdienst checks at `GET /Task?kvnr&hcv&pnw`
 * (spec erezept-pharmacy §3.9). Written by the simulated Konnektor, read by the simulated Fachdienst; both are the
 * simulator, the app never looks inside.
 *
 * The envelope is gematik's (`<PN xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0">` with `TS` = yyyyMMddHHmmss UTC,
 * `E` = result 1 (update done) | 2 (no update needed) | 3 (online check not possible, no PZ), gzip, base64, as in
 * gematik's recorded ReadVSD answers). The Prüfziffer inside is **the simulator's own**: the real one is made and
 * checked with a key of the insurers' VSDM service, whose layout is not in our material. Ours carries what the
 * Fachdienst checks — KVNR, the time and the `hcv` — and a MAC under a key only the simulator knows:
 * base64(KVNR (10 ASCII) ‖ Unix seconds (10 ASCII digits) ‖ 'U' ‖ '2' ‖ hcv (5 bytes) ‖ HMAC-SHA-256[0..19]).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DOMParser, type Element } from '@xmldom/xmldom';

const PN_NAMESPACE = 'http://ws.gematik.de/fa/vsdm/pnw/v1.0';
const MAC_BYTES = 20;
const PZ_BYTES = 10 + 10 + 1 + 1 + 5 + MAC_BYTES;
/** a PN is a few hundred bytes; anything far larger is not one */
const MAX_PN_BYTES = 4096;

export type PnResult = 1 | 2 | 3;

export interface PruefungsnachweisContent {
  /** when the online check ran */
  timestamp: Date;
  result: PnResult;
  /** from the Prüfziffer (result 1 and 2 only) */
  kvnr?: string;
  hcv?: Buffer;
}

export type PnReadError = 'not-base64' | 'not-gzip' | 'too-large' | 'not-xml' | 'not-pn' | 'bad-timestamp' | 'bad-result' | 'pz-missing' | 'pz-invalid';

/** Makes the `pnw` a Konnektor would return: base64(gzip(PN-XML)). `key` is the simulator's MAC key. */
export function makePruefungsnachweis(content: PruefungsnachweisContent, key: Buffer): string {
  const ts = formatTimestamp(content.timestamp);
  let pz = '';
  if (content.result !== 3) {
    if (!content.kvnr || !/^[A-Z][0-9]{9}$/.test(content.kvnr) || !content.hcv || content.hcv.length !== 5) {
      throw new RangeError('PN mit Ergebnis 1 oder 2 braucht KVNR und hcv (5 Bytes)');
    }
    const unix = String(Math.floor(content.timestamp.getTime() / 1000)).padStart(10, '0');
    const body = Buffer.concat([Buffer.from(`${content.kvnr}${unix}U2`, 'ascii'), content.hcv]);
    pz = `<PZ>${Buffer.concat([body, mac(body, key)]).toString('base64')}</PZ>`;
  }
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><PN xmlns="${PN_NAMESPACE}" CDM_VERSION="1.0.0"><TS>${ts}</TS><E>${content.result}</E>${pz}</PN>`;
  return gzipSync(Buffer.from(xml, 'utf8')).toString('base64');
}

/** Reads a `pnw` strictly; a PZ is verified with `key`. Never throws. */
export function readPruefungsnachweis(pnw: string, key: Buffer): { ok: true; value: PruefungsnachweisContent } | { ok: false; error: PnReadError } {
  if (pnw.length > MAX_PN_BYTES * 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(pnw)) return { ok: false, error: 'not-base64' };
  let xml: string;
  try {
    const gz = Buffer.from(pnw, 'base64');
    xml = gunzipSync(gz, { maxOutputLength: MAX_PN_BYTES }).toString('utf8');
  } catch (e) {
    return { ok: false, error: e instanceof RangeError ? 'too-large' : 'not-gzip' };
  }
  const root = parseXml(xml);
  if (!root) return { ok: false, error: 'not-xml' };
  if (root.localName !== 'PN' || root.namespaceURI !== PN_NAMESPACE) return { ok: false, error: 'not-pn' };
  const text = (name: string) => root.getElementsByTagNameNS(PN_NAMESPACE, name)[0]?.textContent?.trim();
  const timestamp = parseTimestamp(text('TS'));
  if (!timestamp) return { ok: false, error: 'bad-timestamp' };
  const result = Number(text('E'));
  if (result !== 1 && result !== 2 && result !== 3) return { ok: false, error: 'bad-result' };
  if (result === 3) return { ok: true, value: { timestamp, result } };
  const pz = text('PZ');
  if (!pz) return { ok: false, error: 'pz-missing' };
  const bytes = Buffer.from(pz, 'base64');
  if (bytes.length !== PZ_BYTES) return { ok: false, error: 'pz-invalid' };
  const body = bytes.subarray(0, PZ_BYTES - MAC_BYTES);
  if (!timingSafeEqual(bytes.subarray(PZ_BYTES - MAC_BYTES), mac(body, key))) return { ok: false, error: 'pz-invalid' };
  // `TS` lies outside the MAC: it must name the second the Prüfziffer carries, or an old PN could pass as fresh
  if (body.subarray(10, 20).toString('ascii') !== String(Math.floor(timestamp.getTime() / 1000)).padStart(10, '0')) {
    return { ok: false, error: 'pz-invalid' };
  }
  return { ok: true, value: { timestamp, result, kvnr: body.subarray(0, 10).toString('ascii'), hcv: Buffer.from(body.subarray(22, 27)) } };
}

function mac(body: Buffer, key: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);
}

function formatTimestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseTimestamp(raw: string | undefined): Date | undefined {
  const match = raw === undefined ? null : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

function parseXml(xml: string): Element | undefined {
  if (/<!DOCTYPE/i.test(xml)) return undefined;
  let failed = false;
  const document = new DOMParser({
    onError: () => {
      failed = true;
    },
  }).parseFromString(xml, 'text/xml');
  const root = document.documentElement;
  return failed || !root ? undefined : root;
}
