/**
 * Prescriptions with fixed content for the training deck (deck.ts): when a scenario's steps must name the
 * prescribed article, the PZN to dispense instead or the dates of a Mehrfachverordnung, the prescription
 * cannot come out of the random generator at load time. These are built once, at start-up, by the simulator's
 * own generator (prescription-generator.ts) from one article of the demo catalogue and a fixed person, and go
 * into the scenario as `kbvBundleXml` — repository data, never a test fixture (architecture §6).
 *
 * The bundle carries a placeholder PrescriptionID with a wrong check digit, so every load takes the next id of
 * the simulator's sequence (prescription-import.ts): ids are never reused, even across loads.
 */
import type { Article } from '../../../shared/erezept/catalog/article-catalog';
import { createArticleCatalog, demoCatalog } from '../../../shared/erezept/catalog/demo-catalog';
import { kvnrCheckDigit } from '../../../shared/erezept/identifiers';
import { fhirJsonToXml } from '../../../shared/fhir/xml';
import { generatePrescription, type MvoPart } from '../prescription-generator';
import { seededSources } from '../random-sources';
import type { ScenarioPrescription } from './format';

/** Check digit deliberately wrong (the right one is 57, spec §1.3): the import assigns the next real id. */
export const PLACEHOLDER_PRESCRIPTION_ID = '160.000.000.000.000.00';

/** An article of the demo catalogue by trade name and norm size; a missing one breaks the deck at start-up. */
export function demoArticle(name: string, normSize: string): Article {
  const article = demoCatalog.all().find((a) => a.name === name && a.normSize === normSize);
  if (!article) throw new Error(`Trainings-Deck: Artikel „${name}“ ${normSize} fehlt im Demo-Artikelstamm`);
  return article;
}

/** A valid KVNR (spec §1.3) from a letter and eight digits. */
export function kvnrOf(letter: string, eightDigits: string): string {
  return `${letter}${eightDigits}${kvnrCheckDigit(letter, eightDigits)}`;
}

export interface FixedPrescription {
  label: string;
  medication: 'pzn' | 'freitext' | 'wirkstoff';
  article: Article;
  kvnr: string;
  /** YYYY-MM-DD: signing day, from which the Fachdienst derives the redemption dates (spec §1.2) */
  authoredOn: string;
  /**
   * The fictional person (prescription-generator.ts picks name, birth date, address, dosage with it). A value
   * in [0.15, 0.8) also keeps Noctu off and aut idem allowed — deck.test.ts checks both.
   */
  person: number;
  mvo?: Omit<MvoPart, 'id'>;
  /** Rechtsgrundlage (KBV Statuskennzeichen), default 00; 04 = Entlassrezept, the Fachdienst shortens its Belieferungsfrist */
  legalBasis?: string;
}

/** A scenario prescription entry (`kbvBundleXml`, flow 160) with the fixed content. */
export function fixedPrescription(spec: FixedPrescription, mvoId?: string): ScenarioPrescription {
  if (spec.person < 0.15 || spec.person >= 0.8) throw new Error('person: Wert in [0.15, 0.8) erwartet');
  // resource ids of the bundle: fixed per person and MVO part, so two parts never share a Bundle.id
  const ids = seededSources(Math.round(spec.person * 1_000_000) + (spec.mvo?.part ?? 0)).ids;
  const generated = generatePrescription({
    prescriptionId: PLACEHOLDER_PRESCRIPTION_ID,
    flowType: '160',
    kvnr: spec.kvnr,
    medication: spec.medication,
    authoredOn: spec.authoredOn,
    // signed in the morning of that day (Berlin), as a practice would
    issuedAt: new Date(`${spec.authoredOn}T07:30:00.000Z`),
    mvo: spec.mvo ? { ...spec.mvo, id: mvoId ?? `urn:uuid:${ids.uuid()}` } : undefined,
    catalog: createArticleCatalog([spec.article]),
    random: () => spec.person,
    uuid: () => ids.uuid(),
    legalBasis: spec.legalBasis,
  });
  return { label: spec.label, kbvBundleXml: fhirJsonToXml(generated.bundle), flowType: '160' };
}

/** The parts of one Mehrfachverordnung (A_22635-02): one MVO-ID, same patient and article, one entry each. */
export function fixedMvoSeries(parts: readonly FixedPrescription[], seriesId: string): ScenarioPrescription[] {
  return parts.map((part) => fixedPrescription(part, seriesId));
}
