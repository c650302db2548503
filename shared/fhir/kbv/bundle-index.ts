/**
 * Resolves references between the resources of a document Bundle. KBV bundles use relative references
 * (`Patient/<id>`) next to absolute fullUrls (`http://pvs…/fhir/Patient/<id>`); older ones use `urn:uuid:`
 * (FHIR R4 Bundle §"Resolving references in Bundles").
 */
import { type Json, rec, records, str } from './fhir-json';

interface IndexedEntry {
  fullUrl?: string;
  resource: Json;
}

export class BundleIndex {
  private readonly entries: IndexedEntry[];

  constructor(bundle: Json) {
    this.entries = records(bundle['entry']).flatMap((entry) => {
      const resource = rec(entry['resource']);
      return resource ? [{ fullUrl: str(entry['fullUrl']), resource }] : [];
    });
  }

  ofType(resourceType: string): Json[] {
    return this.entries.filter((e) => e.resource['resourceType'] === resourceType).map((e) => e.resource);
  }

  /** The resource a Reference points to, if it is in the bundle and has the expected type. */
  resolve(reference: unknown, resourceType: string): Json | undefined {
    const ref = str(rec(reference)?.['reference']);
    if (ref === undefined) return undefined;
    const hit = this.entries.find((e) => matches(e, ref));
    return hit && hit.resource['resourceType'] === resourceType ? hit.resource : undefined;
  }

  /**
   * The referenced resource, or — if the reference is missing or dangling — the only resource of that type.
   * A KBV bundle holds exactly one of each except Practitioner (KBV Technische Anlage ERP, P36-29).
   */
  resolveOrOnly(reference: unknown, resourceType: string): Json | undefined {
    const resolved = this.resolve(reference, resourceType);
    if (resolved) return resolved;
    const all = this.ofType(resourceType);
    return all.length === 1 ? all[0] : undefined;
  }
}

function matches(entry: IndexedEntry, ref: string): boolean {
  if (entry.fullUrl !== undefined && (entry.fullUrl === ref || entry.fullUrl.endsWith(`/${ref}`)))
    return true;
  const type = str(entry.resource['resourceType']);
  const id = str(entry.resource['id']);
  if (type === undefined || id === undefined) return false;
  return ref === `${type}/${id}` || ref === `urn:uuid:${id}` || ref.endsWith(`/${type}/${id}`);
}
