/**
 * The Communication the pharmacy POSTs to answer a patient (spec erezept-pharmacy §3.11): profile
 * GEM_ERP_PR_Communication_Reply|1.6, `basedOn` the Task (`Task/<PrescriptionID>`, without AccessCode — the
 * Fachdienst refuses a Reply that carries one), `status` unknown, the patient as recipient by KVNR, and the payload.
 * No `sender` and no `sent`: the Fachdienst sets both from the access token and its clock. Shape as in gematik's
 * 1.6 example Communication-7977a4ab-97a9-4d95-afb3-6c4c1e2ac596.json.
 */
import type { ReplyContent } from '../../erezept/communication';
import type { PrescriptionId } from '../../erezept/identifiers';
import { NamingSystems } from '../profiles';
import type { FhirResourceJson } from '../xml';
import { buildReplyExtensions, buildReplyPayload } from './reply-payload';
import { REPLY_PROFILE } from './urls';

export interface ReplyAddress {
  prescriptionId: PrescriptionId;
  /** the patient's KVNR (Task.for), as the case or the Zuweisung named it; the Fachdienst checks its format */
  recipientKvnr: string;
  content: ReplyContent;
}

/** The Reply to send with `POST /Communication`. Run `checkReply(content)` first: this builds what it is given. */
export function buildReply({ prescriptionId, recipientKvnr, content }: ReplyAddress): FhirResourceJson {
  const extensions = buildReplyExtensions(content);
  return {
    resourceType: 'Communication',
    meta: { profile: [REPLY_PROFILE] },
    basedOn: [{ reference: `Task/${prescriptionId}` }],
    status: 'unknown',
    recipient: [{ identifier: { system: NamingSystems.kvnr, value: recipientKvnr } }],
    payload: [{ ...(extensions.length > 0 ? { extension: extensions } : {}), contentString: buildReplyPayload(content) }],
  };
}
