/**
 * FHIR XML ⇄ JSON through the `fhir` library (stack notes) — never string templates or regexes.
 * Both the simulator (XML bodies both ways, spec §3) and the prescription reader (KBV bundles arrive as
 * XML inside the QES) use these two functions.
 */
import { Fhir } from 'fhir';
import { err, ok, type Result } from '../ipc/result';

const converter = new Fhir();

export interface FhirResourceJson {
  resourceType: string;
  [key: string]: unknown;
}

export function fhirXmlToJson(xml: string): Result<FhirResourceJson, string> {
  try {
    const obj = converter.xmlToObj(xml) as unknown;
    if (typeof obj !== 'object' || obj === null || typeof (obj as FhirResourceJson).resourceType !== 'string') {
      return err('Kein FHIR-Dokument (resourceType fehlt)');
    }
    return ok(obj as FhirResourceJson);
  } catch (e) {
    return err(`FHIR-XML nicht lesbar: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function fhirJsonToXml(resource: FhirResourceJson): string {
  return converter.objToXml(resource) as string;
}
