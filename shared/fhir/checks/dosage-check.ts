/**
 * The 1.6 dosage rule for one MedicationDispense (spec §6.2, §6.3): as soon as a dosageInstruction or the
 * rendered text is present, the Fachdienst requires dosageInstruction, the renderedDosageInstruction extension
 * and GeneratedDosageInstructionsMeta (invariant workflow-dosageExtensionBeiDosierung), knows only algorithm
 * version 1.0.1 and language de-DE, regenerates the text and demands an exact match.
 *
 * Free text (first dosage has `text` and no `timing`): the rendered text must equal the texts of all dosages
 * joined by "; " — checked exactly. Structured dosage (dgMP): the exact rendering of the reference script is
 * NOT re-generated here; a structured dosage is accepted when a non-empty rendered text is present. So the
 * simulator is never stricter than the Fachdienst, but may accept a structured text the Fachdienst refuses.
 */
import type { Finding } from '../../erezept/findings';
import { DOSAGE_ALGORITHM_VERSION, DOSAGE_LANGUAGE, Extensions } from '../profiles';
import { asArray, asObject, asString, type JsonObject } from './json';

export const DosageFindingCodes = {
  incomplete: 'FD_DOSAGE_INCOMPLETE',
  unknownAlgorithm: 'FD_DOSAGE_ALGORITHM_UNKNOWN',
  unknownLanguage: 'FD_DOSAGE_LANGUAGE_UNKNOWN',
  textMismatch: 'FD_DOSAGE_TEXT_MISMATCH',
} as const;

/** The rendered text the Fachdienst expects for free-text dosages, undefined for structured ones. */
export function expectedFreeTextRendering(dosageInstructions: readonly unknown[]): string | undefined {
  const first = asObject(dosageInstructions[0]);
  if (!first || asString(first.text) === undefined || first.timing !== undefined) return undefined;
  return dosageInstructions
    .map((d) => asString(asObject(d)?.text))
    .filter((t): t is string => t !== undefined)
    .join('; ');
}

export function dosageFindings(md: JsonObject, path: string): Finding[] {
  const dosages = asArray(md.dosageInstruction);
  const extensions = asArray(md.extension);
  const renderedIndex = extensions.findIndex((e) => asObject(e)?.url === Extensions.renderedDosageInstruction);
  const metaIndex = extensions.findIndex((e) => asObject(e)?.url === Extensions.generatedDosageInstructionsMeta);
  if (dosages.length === 0 && renderedIndex < 0) return [];

  const findings: Finding[] = [];
  const error = (code: string, message: string, at: string): void => {
    findings.push({ severity: 'error', code, message, path: at });
  };
  const prefix = 'Prüfung der gerenderten Dosierangabe: ';
  if (renderedIndex < 0) error(DosageFindingCodes.incomplete, `${prefix}Die Erweiterung renderedDosageInstruction fehlt.`, `${path}.extension`);
  if (dosages.length === 0) error(DosageFindingCodes.incomplete, `${prefix}dosageInstruction fehlt.`, `${path}.dosageInstruction`);
  if (metaIndex < 0) error(DosageFindingCodes.incomplete, `${prefix}Die Erweiterung GeneratedDosageInstructionsMeta fehlt.`, `${path}.extension`);
  if (findings.length > 0) return findings;

  const metaPath = `${path}.extension[${metaIndex}]`;
  const metaParts = asArray(asObject(extensions[metaIndex])?.extension).map(asObject);
  const algorithmVersion = asString(metaParts.find((p) => p?.url === 'algorithmVersion')?.valueString);
  const language = asString(metaParts.find((p) => p?.url === 'language')?.valueCode);
  if (algorithmVersion !== DOSAGE_ALGORITHM_VERSION) {
    error(
      DosageFindingCodes.unknownAlgorithm,
      `${prefix}Die Algorithmus-Version ${String(algorithmVersion)} ist unbekannt (bekannt: ${DOSAGE_ALGORITHM_VERSION}).`,
      metaPath,
    );
    return findings;
  }
  if (language !== DOSAGE_LANGUAGE) {
    error(DosageFindingCodes.unknownLanguage, `${prefix}Die Sprache ${String(language)} ist unbekannt (bekannt: ${DOSAGE_LANGUAGE}).`, metaPath);
    return findings;
  }

  const renderedPath = `${path}.extension[${renderedIndex}].valueMarkdown`;
  const rendered = asString(asObject(extensions[renderedIndex])?.valueMarkdown);
  const expected = expectedFreeTextRendering(dosages);
  if (expected !== undefined) {
    if (rendered !== expected) {
      error(DosageFindingCodes.textMismatch, `${prefix}Der gerenderte Text muss „${expected}“ lauten.`, renderedPath);
    }
  } else if (!rendered) {
    error(DosageFindingCodes.textMismatch, `${prefix}Der gerenderte Text der strukturierten Dosierung fehlt.`, renderedPath);
  }
  return findings;
}
