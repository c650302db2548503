/**
 * Reads the `rxDispensation` parameters of a $dispense / $close input (spec §5) into MedicationDispense +
 * Medication pairs, reporting every deviation from the parameter shape the Fachdienst accepts:
 * each parameter is named `rxDispensation`, carries no value and no resource, and has exactly the parts
 * `medicationDispense` (1..1) and `medication` (0..1 here; whether it may be absent is the caller's rule).
 * The simulator uses the pairs to store the dispense set after the checks passed.
 */
import type { Finding } from '../../erezept/findings';
import { DispenseParameterNames } from '../profiles';
import { asArray, asObject, asString, isJsonObject, type JsonObject } from './json';

export interface RxDispensation {
  /** index in Parameters.parameter */
  index: number;
  medicationDispense: JsonObject;
  /** e.g. `parameter[0].part[0].resource` */
  medicationDispensePath: string;
  medication?: JsonObject;
  medicationPath?: string;
}

export const ShapeFindingCodes = {
  parameterShape: 'FD_PARAMETER_SHAPE',
} as const;

export function readRxDispensations(parameters: JsonObject): { dispensations: RxDispensation[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const dispensations: RxDispensation[] = [];
  const shapeError = (path: string, message: string): void => {
    findings.push({ severity: 'error', code: ShapeFindingCodes.parameterShape, message, path });
  };
  if (parameters.parameter !== undefined && !Array.isArray(parameters.parameter)) {
    shapeError('parameter', 'Parameters.parameter muss eine Liste sein.');
    return { dispensations, findings };
  }
  asArray(parameters.parameter).forEach((raw, index) => {
    const path = `parameter[${index}]`;
    const parameter = asObject(raw);
    if (!parameter) return shapeError(path, 'Ungültiger Parameter (kein Objekt).');
    if (parameter.name !== DispenseParameterNames.rxDispensation) {
      return shapeError(`${path}.name`, `Unzulässiger Parametername „${String(parameter.name)}“: erwartet wird „rxDispensation“.`);
    }
    if (parameter.resource !== undefined || Object.keys(parameter).some((k) => k.startsWith('value'))) {
      return shapeError(path, 'Der Parameter „rxDispensation“ darf weder value[x] noch resource enthalten.');
    }
    if (!Array.isArray(parameter.part)) return shapeError(`${path}.part`, 'Dem Parameter „rxDispensation“ fehlen die Teile (part).');
    const found: Partial<Record<'medicationDispense' | 'medication', { resource: JsonObject; path: string }>> = {};
    let usable = true;
    parameter.part.forEach((rawPart, partIndex) => {
      const partPath = `${path}.part[${partIndex}]`;
      const part = asObject(rawPart);
      const name = asString(part?.name);
      if (name !== DispenseParameterNames.medicationDispense && name !== DispenseParameterNames.medication) {
        usable = false;
        return shapeError(`${partPath}.name`, `Unzulässiger Teil „${String(name)}“ in „rxDispensation“.`);
      }
      if (found[name]) {
        usable = false;
        return shapeError(`${partPath}.name`, `Der Teil „${name}“ kommt in einem „rxDispensation“ mehrfach vor.`);
      }
      const resource = part?.resource;
      const expectedType = name === DispenseParameterNames.medicationDispense ? 'MedicationDispense' : 'Medication';
      if (!isJsonObject(resource) || resource.resourceType !== expectedType) {
        usable = false;
        return shapeError(`${partPath}.resource`, `Der Teil „${name}“ muss eine Ressource ${expectedType} enthalten.`);
      }
      found[name] = { resource, path: `${partPath}.resource` };
    });
    const md = found.medicationDispense;
    if (!md) {
      if (usable) shapeError(`${path}.part`, 'Dem „rxDispensation“ fehlt der Teil „medicationDispense“.');
      return;
    }
    if (!usable) return;
    dispensations.push({
      index,
      medicationDispense: md.resource,
      medicationDispensePath: md.path,
      medication: found.medication?.resource,
      medicationPath: found.medication?.path,
    });
  });
  return { dispensations, findings };
}
