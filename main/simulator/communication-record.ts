/**
 * What the simulator keeps per Communication (spec erezept-pharmacy §3.11): the resource as the Fachdienst
 * stored it (id, sender and sent set by it, `received` removed) and the fields it is searched by. `received` is
 * kept beside the resource: the FD stamps it when the recipient first fetches the message (A_19521) and answers
 * it as part of the resource from then on. Plain JSON, so both repositories can store it as is.
 */
import type { FhirResourceJson } from '../../shared/fhir/xml';

/** The Communication profiles the Fachdienst knows (FD model::Communication::MessageType). */
export type CommunicationMessageType = 'DispReq' | 'Reply' | 'Representative' | 'DiGA' | 'ChargChangeReq' | 'ChargChangeReply';

export interface CommunicationRecord {
  /** a lowercase UUID (FD Uuid::isValidIheUuid) */
  id: string;
  messageType: CommunicationMessageType;
  /** the PrescriptionID of basedOn[0] */
  taskId: string;
  /** KVNR or Telematik-ID — the sender's `idNummer` (A_19448-04) */
  sender: string;
  /** KVNR or Telematik-ID of recipient[0] */
  recipient: string;
  /** instant the Fachdienst took the message (FHIR instant) */
  sent: string;
  /** instant the recipient first fetched it; null while unread */
  received: string | null;
  /** the stored resource without `received` */
  resource: FhirResourceJson;
}

/** The resource as the Fachdienst answers it: with `received` once the recipient has fetched it. */
export function communicationResource(record: CommunicationRecord): FhirResourceJson {
  return record.received === null ? record.resource : { ...record.resource, received: record.received };
}
