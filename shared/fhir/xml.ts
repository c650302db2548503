/**
 * FHIR XML ⇄ JSON through the `fhir` library (stack notes) — never string templates or regexes.
 * Both the simulator (XML bodies both ways, spec §3) and the prescription reader (KBV bundles arrive as
 * XML inside the QES) use these two functions.
 *
 * Reading goes through a strict `sax` parse first, for two defects of the library's own XML step (xml-js):
 * it swallows well-formedness errors (a truncated bundle came back as a partial resource), and it leaves
 * `attributes` undefined on an element without attributes, which crashes the converter on a primitive that
 * carries only an extension (e.g. a decimal with data-absent-reason, allowed by FHIR and by epa-medication).
 * We therefore build the element tree ourselves, in the shape xml-js produces, and hand it to the library's
 * converter.
 */
import { Fhir } from 'fhir';
import { ConvertToJs } from 'fhir/convertToJs';
import sax from 'sax';
import { err, ok, type Result } from '../ipc/result';

const converter = new Fhir();

export interface FhirResourceJson {
  resourceType: string;
  [key: string]: unknown;
}

/** The element tree as xml-js produces it, which the library's converter walks. */
interface XmlNode {
  type: 'element' | 'text' | 'comment' | 'cdata';
  name?: string;
  attributes?: Record<string, string>;
  elements?: XmlNode[];
  text?: string;
  comment?: string;
  cdata?: string;
}

/** The converter's entry points for an already parsed tree (not part of its typings). */
interface TreeConverter {
  resourceToJS(root: XmlNode, surroundDecimalsWith: { str?: string }): unknown;
  maxLengthOfDs(obj: unknown): number;
}

/**
 * FHIR decimals must become JSON numbers. The library marks them while converting and unwraps the marks in
 * a JSON string (its own xmlToJson does the same); without it they stay strings ("1" instead of 1).
 */
function convertTree(root: XmlNode): unknown {
  const treeConverter = new ConvertToJs(converter.parser) as unknown as TreeConverter;
  const surround: { str?: string } = {};
  const obj = treeConverter.resourceToJS(root, surround);
  surround.str = 'D'.repeat(treeConverter.maxLengthOfDs(obj) + 5);
  const marked = JSON.stringify(obj);
  return JSON.parse(marked.replace(new RegExp(`"?${surround.str}"?`, 'g'), '')) as unknown;
}

function parseStrict(xml: string): Result<XmlNode, string> {
  // FHIR forbids DTDs; refusing them also rules out entity tricks.
  if (/<!DOCTYPE/i.test(xml)) return err('XML mit DOCTYPE wird nicht angenommen');
  const parser = sax.parser(true, { xmlns: false, position: true });
  const rootHolder: XmlNode = { type: 'element', elements: [] };
  const stack: XmlNode[] = [rootHolder];
  let failure: string | undefined;
  const current = (): XmlNode => stack[stack.length - 1]!;
  const append = (node: XmlNode): void => {
    const parent = current();
    (parent.elements ??= []).push(node);
  };
  parser.onerror = (e: Error) => {
    failure ??= e.message.split('\n')[0];
    throw e;
  };
  parser.onopentag = (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) {
      attributes[name] = typeof value === 'string' ? value : value.value;
    }
    const node: XmlNode = { type: 'element', name: tag.name, attributes };
    append(node);
    stack.push(node);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = (text) => {
    if (stack.length > 1 && text.trim() !== '') append({ type: 'text', text });
  };
  parser.oncdata = (cdata) => append({ type: 'cdata', cdata });
  parser.oncomment = (comment) => {
    if (stack.length > 1) append({ type: 'comment', comment });
  };
  try {
    parser.write(xml).close();
  } catch {
    return err(`FHIR-XML nicht wohlgeformt: ${failure ?? 'unbekannter Fehler'}`);
  }
  const root = rootHolder.elements?.find((n) => n.type === 'element');
  return root ? ok(root) : err('Kein XML-Element gefunden');
}

/**
 * Nothing we read is larger: a Fachdienst request is at most 1 MB (spec §3), a KBV bundle about 15 KB. The cap
 * keeps a hostile or broken document from costing seconds of parsing.
 */
export const MAX_FHIR_XML_CHARS = 1_048_576;

export function fhirXmlToJson(xml: string): Result<FhirResourceJson, string> {
  if (xml.length > MAX_FHIR_XML_CHARS) return err(`FHIR-XML zu groß (mehr als ${MAX_FHIR_XML_CHARS} Zeichen)`);
  const tree = parseStrict(xml);
  if (!tree.ok) return tree;
  try {
    const obj = convertTree(tree.data);
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
