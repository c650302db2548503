/**
 * The Fachdienst's side of a fault test, over plain HTTP against any simulator (in-process or its own process):
 * the control API (`/_sim/prescriptions`, `/_sim/faults`, `/_sim/clock`, docs/simulator.md) and what the
 * patient's app reads (spec §3.10, A_19405-02: only the insurant may read the stored MedicationDispense list) —
 * the independent view a test compares the app's local state with.
 */
import type { DispenseEntry } from '../../../shared/erezept/dispense-entry';
import { NamingSystems } from '../../../shared/fhir/profiles';

/** The insurant's profession OID (gemSpec_OID): the patient's app. */
const INSURANT_OID = '1.2.276.0.76.4.49';

export interface CreatedPrescription {
  taskId: string;
  accessCode: string;
  kvnr: string;
  /** the E-Rezept-Token `Task/<id>/$accept?ac=<code>` (spec §2) */
  token: string;
}

/** A `POST /_sim/faults` body (main/simulator/faults.ts). */
export interface FaultSpec {
  operation: 'accept' | 'dispense' | 'close' | 'reject' | 'abort' | 'getByAc' | 'getBySecret' | 'any';
  count?: number;
  status?: number;
  delayMs?: number;
  phase?: 'before-commit' | 'after-commit';
  drop?: boolean;
}

/**
 * One dispensed item as both sides can state it: the app from its DispenseEntry, the Fachdienst from the
 * stored MedicationDispense + Medication pair (the Fachdienst rewrites ids, A_26527, so ids are not compared).
 */
export interface DispensedItem {
  pzn: string | undefined;
  packs: number;
  lot: string | undefined;
  whenHandedOver: string | undefined;
}

export type TaskStatus = 'draft' | 'ready' | 'in-progress' | 'completed' | 'cancelled';

export class FachdienstSide {
  /** `url` without a trailing slash, e.g. http://127.0.0.1:4711 */
  constructor(readonly url: string) {}

  createPrescription(body: Record<string, unknown> = { flowType: '160' }): Promise<CreatedPrescription> {
    return this.control<CreatedPrescription>('POST', '/_sim/prescriptions', body, 201);
  }

  async armFault(fault: FaultSpec): Promise<void> {
    await this.control('POST', '/_sim/faults', fault, 201);
  }

  /** The faults still armed (a fault that never fired means the cell did not test what it says). */
  async armedFaults(): Promise<unknown[]> {
    return (await this.control<{ faults: unknown[] }>('GET', '/_sim/faults', undefined, 200)).faults;
  }

  async clearFaults(): Promise<void> {
    await this.control('DELETE', '/_sim/faults', undefined, 200);
  }

  /** Moves the simulator's clock (in training also the app's "now"): `{ advance: 'PT61M' }`, `{ reset: true }`. */
  async moveClock(change: { advance: string } | { reset: true }): Promise<void> {
    await this.control('POST', '/_sim/clock', change, 200);
  }

  /** The Task's status as the patient's app sees it (GET /Task/{id} as insurant). */
  async taskStatus(prescription: Pick<CreatedPrescription, 'taskId' | 'kvnr'>): Promise<TaskStatus> {
    // a deleted Task ($abort) answers 410 to everybody (spec §3.8)
    const bundle = (await this.asInsurant(`Task/${prescription.taskId}`, prescription.kvnr, { gone: null })) as null | {
      entry?: { resource?: { resourceType?: string; status?: TaskStatus } }[];
    };
    if (bundle === null) return 'cancelled';
    const task = bundle.entry?.map((e) => e.resource).find((r) => r?.resourceType === 'Task');
    if (!task?.status) throw new Error(`GET Task/${prescription.taskId}: no Task in the answer`);
    return task.status;
  }

  /** The dispense list the Fachdienst stores for the prescription (GET /MedicationDispense as insurant). */
  async storedDispenses(prescription: Pick<CreatedPrescription, 'taskId' | 'kvnr'>): Promise<DispensedItem[]> {
    const query = `identifier=${encodeURIComponent(`${NamingSystems.prescriptionId}|${prescription.taskId}`)}`;
    const bundle = (await this.asInsurant(`MedicationDispense?${query}`, prescription.kvnr)) as {
      entry?: { resource: Record<string, unknown> }[];
    };
    const resources = (bundle.entry ?? []).map((e) => e.resource);
    const medications = new Map(resources.filter((r) => r['resourceType'] === 'Medication').map((m) => [String(m['id']), m]));
    return resources
      .filter((r) => r['resourceType'] === 'MedicationDispense')
      .map((dispense) => {
        const reference = (dispense['medicationReference'] as { reference?: string } | undefined)?.reference ?? '';
        const medication = medications.get(reference.replace(/^urn:uuid:/, '').replace(/^Medication\//, ''));
        const code = medication?.['code'] as { coding?: { code?: string }[] } | undefined;
        const batch = medication?.['batch'] as { lotNumber?: string } | undefined;
        return {
          pzn: code?.coding?.[0]?.code,
          packs: Number((dispense['quantity'] as { value?: unknown } | undefined)?.value),
          lot: batch?.lotNumber,
          whenHandedOver: dispense['whenHandedOver'] as string | undefined,
        };
      });
  }

  /** `gone`: what a 410 (deleted Task) stands for; without it a 410 is an error like any other status. */
  private async asInsurant(path: string, kvnr: string, options: { gone?: unknown } = {}): Promise<unknown> {
    const { access_token: token } = await this.control<{ access_token: string }>(
      'POST',
      '/_sim/token',
      { professionOID: INSURANT_OID, kvnr },
      200,
    );
    const response = await fetch(`${this.url}/${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
    const text = await response.text();
    if (response.status === 410 && 'gone' in options) return options.gone;
    if (response.status !== 200) throw new Error(`GET ${path.split('?')[0]} as insurant → ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }

  private async control<T>(method: string, path: string, body: unknown, expected: number): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}

/** The app's list in the Fachdienst's terms (only PZN medications are used by these tests). */
export function dispensedItems(entries: readonly DispenseEntry[]): DispensedItem[] {
  return entries.map((entry) => ({
    pzn: entry.medication.kind === 'pzn' || entry.medication.kind === 'kombipackung' ? entry.medication.pzn : undefined,
    packs: entry.packs,
    lot: entry.batch?.lot,
    whenHandedOver: entry.whenHandedOver,
  }));
}

/** Order-independent comparison form: the Fachdienst does not promise to keep the order of the list. */
export function sortedItems(items: readonly DispensedItem[]): DispensedItem[] {
  const key = (i: DispensedItem): string => `${i.pzn ?? ''}|${i.lot ?? ''}|${i.packs}|${i.whenHandedOver ?? ''}`;
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}
