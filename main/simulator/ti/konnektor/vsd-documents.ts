/**
 * The three VSD documents ReadVSD answers with (VSDService v5.2, spec erezept-pharmacy §3.9), built from a
 * simulated eGK: `UC_PersoenlicheVersichertendatenXML`, `UC_AllgemeineVersicherungsdatenXML` and
 * `UC_GeschuetzteVersichertendatenXML` in namespace `http://ws.gematik.de/fa/vsdm/vsd/v5.2` with
 * `CDM_VERSION="5.2.0"`, element names and order as in gematik's recorded answers (eRezept-Examples 2025-10-01,
 * `erp_abrufen_egk/04_0x_ReadVSD_Response_*`). Each is ISO-8859-15 XML, gzipped, base64 — as a Konnektor sends it.
 *
 * Fixed parts the simulation does not vary: Land D, Versichertenart 1 (member), Zuzahlungsstatus 0, no
 * selective contracts (9). Built with xmldom, never by string concatenation, so no card text changes the structure.
 */
import { gzipSync } from 'node:zlib';
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { encodeIso885915 } from '../../egk/hcv';
import type { EgkCard } from './egk-card';

export const VSD_DOCUMENT_NAMESPACE = 'http://ws.gematik.de/fa/vsdm/vsd/v5.2';
const CDM_VERSION = '5.2.0';
const DECLARATION = '<?xml version="1.0" encoding="ISO-8859-15" standalone="yes"?>';
const COUNTRY = 'D';

export interface VsdDocuments {
  /** base64(gzip(ISO-8859-15 XML)) each */
  persoenlicheVersichertendaten: string;
  allgemeineVersicherungsdaten: string;
  geschuetzteVersichertendaten: string;
}

/** A child element under construction; `add` appends one in the VSD namespace (text optional). */
interface VsdNode {
  add(localName: string, text?: string): VsdNode;
}

export function vsdDocuments(card: EgkCard): VsdDocuments {
  return {
    persoenlicheVersichertendaten: packed('UC_PersoenlicheVersichertendatenXML', (root) => {
      const insurant = root.add('Versicherter');
      insurant.add('Versicherten_ID', card.kvnr);
      const person = insurant.add('Person');
      person.add('Geburtsdatum', card.birthDate);
      person.add('Vorname', card.givenName);
      person.add('Nachname', card.surname);
      person.add('Geschlecht', card.sex);
      const address = person.add('StrassenAdresse');
      address.add('Postleitzahl', card.postcode);
      address.add('Ort', card.city);
      address.add('Land').add('Wohnsitzlaendercode', COUNTRY);
      if (card.street !== '') address.add('Strasse', card.street);
      if (card.houseNumber !== '') address.add('Hausnummer', card.houseNumber);
    }),
    allgemeineVersicherungsdaten: packed('UC_AllgemeineVersicherungsdatenXML', (root) => {
      const insurant = root.add('Versicherter');
      const coverage = insurant.add('Versicherungsschutz');
      coverage.add('Beginn', card.insuranceStart);
      const insurer = coverage.add('Kostentraeger');
      insurer.add('Kostentraegerkennung', card.insurerId);
      insurer.add('Kostentraegerlaendercode', COUNTRY);
      insurer.add('Name', card.insurerName);
      insurant.add('Zusatzinfos').add('ZusatzinfosGKV').add('Versichertenart', '1');
    }),
    geschuetzteVersichertendaten: packed('UC_GeschuetzteVersichertendatenXML', (root) => {
      root.add('Zuzahlungsstatus').add('Status', '0');
      const contracts = root.add('Selektivvertraege');
      contracts.add('Aerztlich', '9');
      contracts.add('Zahnaerztlich', '9');
    }),
  };
}

function packed(rootName: string, fill: (root: VsdNode) => void): string {
  const document = new DOMImplementation().createDocument(VSD_DOCUMENT_NAMESPACE, rootName, null);
  const root = document.documentElement;
  if (root === null) throw new Error('Dokument ohne Wurzelelement');
  root.setAttribute('CDM_VERSION', CDM_VERSION);
  fill(nodeOf(document, root));
  const xml = DECLARATION + new XMLSerializer().serializeToString(document);
  return gzipSync(encodeIso885915(xml)).toString('base64');
}

function nodeOf(document: Document, element: Element): VsdNode {
  return {
    add(localName, text) {
      const child = document.createElementNS(VSD_DOCUMENT_NAMESPACE, localName);
      if (text !== undefined) child.appendChild(document.createTextNode(text));
      element.appendChild(child);
      return nodeOf(document, child);
    },
  };
}
