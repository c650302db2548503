/**
 * Test support for `egk/` only: gematik's recorded ReadVSD answers (test/fixtures/gematik/erp-abrufen-egk-2025-10-01,
 * three Konnektor products) as their base64 fields, and a packer for hand-made VSD documents.
 */
import { gzipSync } from 'node:zlib';
import { readFixture } from '../../test/fixtures';

export const RECORDED_ANSWERS = {
  KOCO: '04_01_ReadVSD_Response_KOCO.xml',
  RISE: '04_02_ReadVSD_Response_Rise.xml',
  SECUNET: '04_03_ReadVSD_Response_Secunet.xml',
} as const;

export type Vendor = keyof typeof RECORDED_ANSWERS;

export const EGK_FIXTURES = 'gematik/erp-abrufen-egk-2025-10-01';

/** The recorded answer's base64 fields, found by a plain pattern (not by the client under test), whitespace kept. */
export function recordedFields(vendor: Vendor): { persoenlicheVersichertendaten: string; allgemeineVersicherungsdaten: string; pruefungsnachweis: string } {
  const soap = readFixture(EGK_FIXTURES, RECORDED_ANSWERS[vendor]);
  const field = (name: string) => {
    const match = new RegExp(`<\\w+:${name}>([^<]*)</\\w+:${name}>`).exec(soap);
    if (!match?.[1]) throw new Error(`${name} not in ${RECORDED_ANSWERS[vendor]}`);
    return match[1];
  };
  return {
    persoenlicheVersichertendaten: field('PersoenlicheVersichertendaten'),
    allgemeineVersicherungsdaten: field('AllgemeineVersicherungsdaten'),
    pruefungsnachweis: field('Pruefungsnachweis'),
  };
}

/** base64(gzip(bytes)); `bytes` written as a Latin-1 string, one character per byte (so '\xbc' is the byte 0xBC). */
export function pack(bytes: string): string {
  return gzipSync(Buffer.from(bytes, 'latin1')).toString('base64');
}

/** A PersoenlicheVersichertendaten document around `person` (the inside of `Person`), ISO-8859-15 as the cards have it. */
export function personalDocument(kvnr: string, person: string, declaration = '<?xml version="1.0" encoding="ISO-8859-15" standalone="yes"?>'): string {
  return `${declaration}<UC_PersoenlicheVersichertendatenXML xmlns="http://ws.gematik.de/fa/vsdm/vsd/v5.2" CDM_VERSION="5.2.0"><Versicherter><Versicherten_ID>${kvnr}</Versicherten_ID><Person>${person}</Person></Versicherter></UC_PersoenlicheVersichertendatenXML>`;
}

export function insuranceDocument(beginn: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-15" standalone="yes"?><UC_AllgemeineVersicherungsdatenXML xmlns="http://ws.gematik.de/fa/vsdm/vsd/v5.2" CDM_VERSION="5.2.0"><Versicherter><Versicherungsschutz><Beginn>${beginn}</Beginn></Versicherungsschutz></Versicherter></UC_AllgemeineVersicherungsdatenXML>`;
}

export function proofDocument(result: string, timestamp = '20261207120000'): string {
  return `<PN xmlns="http://ws.gematik.de/fa/vsdm/pnw/v1.0" CDM_VERSION="1.0.0"><TS>${timestamp}</TS><E>${result}</E></PN>`;
}
