/** The real readers, builders and rule sets from shared/, bound for the workflow (see codecs.ts). */
import { parseErezeptCode } from '../../shared/erezept/token';
import { fachdienstChecks, pharmacyChecks } from '../../shared/fhir/checks';
import { buildCloseParameters, buildDispenseParameters } from '../../shared/fhir/dispense/build';
import { readAcceptBundle, readReceipt, readTaskBundle } from '../../shared/fhir/fachdienst-responses';
import { readPrescriptionFromQes } from '../../shared/fhir/kbv';
import { ok } from '../../shared/ipc/result';
import type { WorkflowCodecs } from './codecs';

export const defaultCodecs: WorkflowCodecs = {
  parseCode: parseErezeptCode,
  readAcceptBundle: (bundle) => {
    const read = readAcceptBundle(bundle);
    return read.ok ? ok({ ...read.data.task, qes: read.data.qes }) : read;
  },
  readPrescription: readPrescriptionFromQes,
  readReceipt: (bundle) => {
    const read = readReceipt(bundle);
    return read.ok
      ? ok({
          bundleId: read.data.bundleId,
          completedAt: read.data.completedAt,
          pharmacyTelematikId: read.data.beneficiaryTelematikId,
          signaturePresent: read.data.signaturePresent,
        })
      : read;
  },
  readTaskBundle: (bundle) => {
    const read = readTaskBundle(bundle);
    if (!read.ok) return read;
    const { task, receipt } = read.data;
    return ok({
      taskStatus: task.status,
      ...(task.lastMedicationDispense ? { lastMedicationDispense: task.lastMedicationDispense } : {}),
      ...(receipt ? { receipt } : {}),
    });
  },
  buildParameters: (operation, entries, ctx) =>
    operation === 'dispense' ? buildDispenseParameters(entries, ctx) : buildCloseParameters(entries, ctx),
  fachdienstChecks: (operation, parameters, ctx) => fachdienstChecks(parameters, { operation, ...ctx }),
  pharmacyChecks,
};
