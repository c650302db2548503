/**
 * A prescription and a dispense entry for the client tests against the simulator (plain HTTP and inside the VAU):
 * created through the control API, and one filled-in entry of the demo catalogue.
 */
import { berlinDate } from '../../../shared/erezept/dates';
import type { DispenseEntry } from '../../../shared/erezept/dispense-entry';
import { parseAccessCode, parsePrescriptionId, parseSecret, type AccessCode, type PrescriptionId, type Secret } from '../../../shared/erezept/identifiers';
import { readAcceptBundle } from '../../../shared/fhir/fachdienst-responses';
import type { Transport } from '../../../main/fachdienst/transport';

export interface DemoPrescription {
  id: PrescriptionId;
  accessCode: AccessCode;
  kvnr: string;
}

/** A ready flow-160 prescription from `/_sim/prescriptions`, over a plain transport to the simulator. */
export async function createDemoPrescription(plain: Transport): Promise<DemoPrescription> {
  const response = await plain.send({
    method: 'POST',
    path: '_sim/prescriptions',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ flowType: '160' }),
  });
  if (response.status !== 201) throw new Error(`simulator: /_sim/prescriptions answered ${response.status}`);
  const created = JSON.parse(response.body) as { taskId: string; accessCode: string; kvnr: string };
  const id = parsePrescriptionId(created.taskId);
  const accessCode = parseAccessCode(created.accessCode);
  if (!id.ok || !accessCode.ok) throw new Error('simulator returned invalid ids');
  return { id: id.data, accessCode: accessCode.data, kvnr: created.kvnr };
}

/** The Secret of an `$accept` answer (the Task in the bundle); throws when there is none. */
export function secretOfAcceptBundle(bundle: unknown): Secret {
  const read = readAcceptBundle(bundle);
  if (!read.ok) throw new Error(read.error);
  const secret = parseSecret(read.data.task.secret ?? '');
  if (!secret.ok) throw new Error('no secret');
  return secret.data;
}

/** One pack of a demo-catalogue article with batch and expiry, handed over today. */
export function demoEntry(): DispenseEntry {
  return {
    key: 'row-1',
    medication: {
      kind: 'pzn',
      pzn: '06313728',
      name: 'Sumatriptan-1a Pharma 100 mg Tabletten',
      form: 'TAB',
      packSize: '20 St',
      normSize: 'N1',
      ingredients: [{ name: 'Sumatriptan', strengthValue: 100, strengthUnit: 'mg' }],
      category: '00',
      vaccine: false,
    },
    packs: 1,
    batch: { lot: 'A123456789-1', expiry: '2028-03-31' },
    serials: [],
    whenHandedOver: berlinDate(new Date()),
  };
}
