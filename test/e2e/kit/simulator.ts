/**
 * A handle on the simulator's control API (`/_sim/…`, docs/simulator.md) for tests: prescriptions, tokens,
 * faults, clock, reset — through the one control client (main/simulator-client/client.ts), which checks every
 * answer — and, when the kit loaded a deck scenario, that scenario's prescriptions by label. The patient's side of
 * Communications (a Zuweisung, the replies the patient got) goes to `/_sim/communications/…` directly over HTTP. The
 * control API only answers loopback hosts; the app's bridge never forwards it.
 */
import type { LoadedScenario, TrainingPrescription } from '../../../shared/ipc/contract';
import {
  fetchChannel,
  SimulatorControlClient,
  type ArmedFault,
  type ClockChange,
  type CreatedPrescription,
  type EgkSettings,
  type FaultRequest,
  type FullControlChannel,
  type PrescriptionRequest,
  type TokenClaims,
} from '../../../main/simulator-client/client';
import { VauTransport } from '../../../main/ti/vau/vau-transport';

// The control API's requests and answers, declared once in the control client (main/simulator-client/client.ts).
export type { ArmedFault, CreatedPrescription, FaultRequest, PrescriptionRequest };

/**
 * The patient's wish with a Zuweisung (`POST /_sim/communications/dispreq`, docs/simulator.md „Communications“). v1
 * (default): `supplyOptionsType`, `name`, `address` (lines), `hint`, `phone`; v3 (accepted from 01.10.2026):
 * `communicationType`, `firstname`, `lastname`, `address` (street), `postcode`, `city`, `country`, `text`, `email`,
 * `transactionId`. `accessCode` sends another AccessCode than the Task's, `contentString` a payload verbatim.
 */
export interface PrescriptionWish {
  version?: 1 | 3;
  supplyOptionsType?: 'onPremise' | 'delivery' | 'shipment';
  name?: string;
  address?: string | string[];
  hint?: string;
  phone?: string;
  communicationType?: 'order' | 'text';
  firstname?: string;
  lastname?: string;
  postcode?: string;
  city?: string;
  country?: string;
  email?: string;
  text?: string;
  transactionId?: string;
  accessCode?: string;
  contentString?: string;
}

/** A reply the patient got (`GET /_sim/communications/replies`), as the patient's app reads it. */
export interface PatientReply {
  id: string;
  taskId: string;
  /** the pharmacy's Telematik-ID */
  sender: string;
  sent: string;
  /** stamped by the Fachdienst at the patient's first read — this one at the latest */
  received: string;
  contentString?: string;
  /** the payload JSON (`{version, supplyOptionsType, info_text, …}`), or null when it is none */
  payload: unknown;
  /** GEM_ERP_EX_AvailabilityState, e.g. "20" */
  availability?: string;
  /** GEM_ERP_EX_SupplyOptionsType: what the pharmacy offers */
  supplyOptions?: Partial<Record<'onPremise' | 'delivery' | 'shipment', boolean>>;
}

/** The app's pharmacy in the tests (its settings' default Telematik-ID, main/services/settings.ts). */
export const APP_PHARMACY = '3-SMC-B-Testkarte-883110000095957';

export interface StoredDispense {
  packs: number;
  lot?: string;
  pzn?: string;
  whenHandedOver?: string;
}

export class SimulatorHandle {
  private readonly control: SimulatorControlClient<FullControlChannel>;

  private vau: VauTransport | undefined;

  private readonly channel: FullControlChannel;

  /**
   * @param url the simulator's base URL (browser mode prints it as `simulator: …`)
   * @param scenario the deck scenario the app loaded (`trainerLoadScenario`), if any
   * @param options `ti`: the simulator plays the TI (`--ti`): pharmacies reach its FHIR endpoints only through the VAU
   */
  constructor(
    readonly url: string,
    readonly scenario?: LoadedScenario,
    readonly options: { ti?: boolean } = {},
  ) {
    this.channel = fetchChannel(url);
    this.control = new SimulatorControlClient(this.channel);
  }

  /**
   * A FHIR GET as the pharmacy `telematikId` (token from `/_sim/token`) — through the VAU when the simulator plays
   * the TI, where a pharmacy's plain call is refused with 403 (docs/simulator.md „The simulated TI“). The kit trusts
   * the test simulator's VAU certificate without asking a Konnektor.
   */
  async pharmacyGet(pathAndQuery: string, telematikId: string): Promise<{ status: number; body: string }> {
    const token = await this.control.pharmacyToken(telematikId);
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' };
    if (!this.options.ti) {
      const response = await fetch(`${this.url}/${pathAndQuery}`, { headers });
      return { status: response.status, body: await response.text() };
    }
    this.vau ??= new VauTransport({ baseUrl: this.url, userAgent: 'eRxCounter-QA-Kit/1 eRxCounter/gematikTestPs', trust: async () => undefined, now: () => new Date() });
    const [path = '', query] = pathAndQuery.split('?');
    const response = await this.vau.send({ method: 'GET', path, query: Object.fromEntries(new URLSearchParams(query ?? '')), headers });
    return { status: response.status, body: response.body };
  }

  /** The loaded scenario's prescriptions in scenario order (empty without a scenario). */
  get prescriptions(): TrainingPrescription[] {
    return this.scenario?.prescriptions ?? [];
  }

  /**
   * One prescription of the loaded scenario by its label as the steps name it („Rezept A“, „Teil 2“) or by its
   * PrescriptionID. Throws, naming the labels there are, when there is none.
   */
  prescription(ref: string): TrainingPrescription {
    const found = this.prescriptions.find((p) => p.label === ref || p.prescriptionId === ref);
    if (!found) {
      const known = this.prescriptions.map((p) => p.label ?? p.prescriptionId).join(', ') || 'none — no scenario loaded';
      throw new Error(`no prescription „${ref}“ in the loaded scenario (there are: ${known})`);
    }
    return found;
  }

  /** The E-Rezept-Token `Task/<id>/$accept?ac=<AccessCode>` of a scenario prescription (what a printout carries). */
  token(ref: string): string {
    return this.prescription(ref).token;
  }

  /** What the prescription's DataMatrix carries, `{"urls":[…]}` — scan this to accept it like a patient's printout. */
  dataMatrix(ref: string): string {
    return this.prescription(ref).dataMatrix;
  }

  createPrescription(request: PrescriptionRequest = { flowType: '160' }): Promise<CreatedPrescription> {
    return this.control.createPrescription(request);
  }

  accessToken(claims: TokenClaims): Promise<string> {
    return this.control.accessToken(claims);
  }

  /** what the patient's app sees (insurant read), e.g. to verify the stored dispense list */
  async insurantGet(path: string, kvnr: string): Promise<unknown> {
    const token = await this.control.insurantToken(kvnr);
    const response = await fetch(`${this.url}/${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
    });
    if (!response.ok) throw new Error(`${path} → ${response.status}`);
    return response.json();
  }

  /**
   * What the Fachdienst stored for a prescription, read as the patient's app reads it (spec §3.10): one item per
   * MedicationDispense with its pack count and the batch of its Medication.
   */
  async storedDispenses(prescriptionId: string, kvnr: string): Promise<StoredDispense[]> {
    const bundle = (await this.insurantGet(
      `MedicationDispense?identifier=https://gematik.de/fhir/erp/NamingSystem/GEM_ERP_NS_PrescriptionId|${prescriptionId}`,
      kvnr,
    )) as { entry?: { resource: Record<string, unknown> }[] };
    const resources = (bundle.entry ?? []).map((e) => e.resource);
    const medications = new Map(resources.filter((r) => r.resourceType === 'Medication').map((m) => [String(m.id), m]));
    return resources
      .filter((r) => r.resourceType === 'MedicationDispense')
      .map((md) => {
        const reference = String((md.medicationReference as { reference?: string } | undefined)?.reference ?? '');
        const medication = medications.get(reference.replace(/^urn:uuid:/, ''));
        const batch = medication?.batch as { lotNumber?: string } | undefined;
        const code = medication?.code as { coding?: { code?: string }[] } | undefined;
        return {
          packs: Number((md.quantity as { value?: number } | undefined)?.value),
          lot: batch?.lotNumber,
          pzn: code?.coding?.[0]?.code,
          whenHandedOver: md.whenHandedOver as string | undefined,
        };
      });
  }

  reset(): Promise<void> {
    return this.control.reset();
  }

  /** Moves the simulator's clock (which is also the app's "now" in training): `{ advance: 'P120D' }`, `{ set: … }`. */
  async clock(change: ClockChange): Promise<{ now: string }> {
    return { now: (await this.control.changeClock(change)).toISOString() };
  }

  /** The simulator's "now" (`GET /_sim/clock`) — in training also the app's. */
  now(): Promise<Date> {
    return this.control.now();
  }

  /**
   * The patient's eGK into the card terminal of workplace `workplace` (docs/simulator.md „The simulated eGK and card
   * terminals“): name and birth date come from the simulator's prescriptions for that KVNR. `staleCard`: the chip's
   * data are outdated against the insurer's (another street), so the Fachdienst answers 458 (hcv mismatch).
   */
  async insertEgk(kvnr: string, options: { workplace?: string; staleCard?: boolean } = {}): Promise<void> {
    await this.control.insertEgk({ kvnr, workplace: options.workplace ?? 'AP1', ...(options.staleCard ? { staleCard: true } : {}) });
  }

  /**
   * The simulated Fachdienst's eGK switches (`POST /_sim/egk/settings`, docs/simulator.md „eGK: GET /Task …“):
   * e.g. `lockAfterMismatches: 1` locks the pharmacy for the day (423) after one KVNR/hcv mismatch.
   */
  async egkSettings(settings: EgkSettings): Promise<void> {
    await this.control.egkSettings(settings);
  }

  async removeEgk(workplace = 'AP1'): Promise<void> {
    await this.control.removeEgk(workplace);
  }

  /** The next `count` calls of `operation` fail (docs/simulator.md, „Faults“). */
  async fault(fault: FaultRequest): Promise<void> {
    await this.control.addFault(fault);
  }

  /** The faults still armed (`GET /_sim/faults`): `remaining` counts down with every call they hit. */
  armedFaults(): Promise<ArmedFault[]> {
    return this.control.armedFaults();
  }

  /**
   * The next `count` calls of `operation` are carried out and stored, but the connection is cut before the answer
   * (a lost response): the app must find out what happened (spec §3.3 GET ?ac, §3.6 GET ?secret).
   */
  async dropAnswer(operation: FaultRequest['operation'], count = 1): Promise<void> {
    await this.fault({ operation, count, phase: 'after-commit', drop: true });
  }

  /** Disarms every fault (`DELETE /_sim/faults`). */
  clearFaults(): Promise<void> {
    return this.control.clearFaults();
  }

  /**
   * „The patient assigns prescription `taskId` with wish `wish`“: the Task's patient sends a Zuweisung (DispReq) to
   * `pharmacy` (default: the app's, {@link APP_PHARMACY}) under the Fachdienst's own rules — a prescription not
   * ready, expired or of a flow type that pharmacy may not get is refused, and this throws with the Fachdienst's
   * status and text. Answers the Communication id.
   */
  async assignPrescription(taskId: string, wish: PrescriptionWish = {}, pharmacy = APP_PHARMACY): Promise<string> {
    const response = await this.channel.send({
      method: 'POST',
      path: '_sim/communications/dispreq',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ ...wish, taskId, pharmacy }),
    });
    const answer = JSON.parse(response.body) as { id?: string; error?: string };
    if (response.status !== 201 || typeof answer.id !== 'string') {
      throw new Error(`assignPrescription(${taskId}) → HTTP ${response.status}: ${answer.error ?? response.body.slice(0, 300)}`);
    }
    return answer.id;
  }

  /** The replies patient `kvnr` got, oldest first — read as the patient's app reads them, so `received` is stamped. */
  async repliesOf(kvnr: string): Promise<PatientReply[]> {
    const response = await this.channel.send({
      method: 'GET',
      path: `_sim/communications/replies?kvnr=${encodeURIComponent(kvnr)}`,
      headers: { Accept: 'application/json' },
    });
    if (response.status !== 200) throw new Error(`repliesOf → HTTP ${response.status}: ${response.body.slice(0, 300)}`);
    return (JSON.parse(response.body) as { replies: PatientReply[] }).replies;
  }

  /**
   * The Task as the pharmacy that holds it reads it with the AccessCode (`GET /Task/{id}?ac=`, spec §3.3): 200
   * only while it is in progress or completed and owned by `telematikId`, with its Secret. For tests that must
   * know the Secret (e.g. to prove it is not stored in the clear); `undefined` when the Fachdienst says no.
   */
  async secretOf(taskId: string, accessCode: string, telematikId: string): Promise<string | undefined> {
    const response = await this.pharmacyGet(`Task/${taskId}?ac=${accessCode}`, telematikId);
    if (response.status < 200 || response.status >= 300) return undefined;
    const bundle = JSON.parse(response.body) as { entry?: { resource: { resourceType?: string; identifier?: { system?: string; value?: string }[] } }[] };
    const task = bundle.entry?.map((e) => e.resource).find((r) => r.resourceType === 'Task');
    return task?.identifier?.find((i) => i.system?.endsWith('GEM_ERP_NS_Secret'))?.value;
  }
}
