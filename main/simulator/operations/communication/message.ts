/**
 * Reading a posted Communication as the Fachdienst does before any business rule (FD 1.22 model::Communication,
 * ErpRequestHandler::parseAndValidateRequestBody; spec erezept-pharmacy §3.11):
 *
 * - `meta.profile[0]` names the message type. Missing → 400 „Profile missing in Communication message.“; unknown,
 *   or a version the FD does not accept on the FD's date → 400 „parsing / validation error“ (diagnostics: which are
 *   accepted). Workflow 1.6 from 01.07.2026; 1.5 for DispReq and Representative until 14.01.2027, for Reply and DiGA
 *   until 30.09.2026 (the FD's profile windows); ChargeItem messages in any version. A profile without version is
 *   taken as the current one (lenient: the FD's answer to it is not known).
 * - Not a Communication, or without `status` → 400 „parsing / validation error“ (the FD's FHIR validation, of which
 *   only these two are imitated).
 * - `basedOn[0].reference`: `[base/]Task/<id>` or, DispReq and Representative, `[base/]Task/<id>/$accept?ac=<ac>`;
 *   ChargeItem messages `ChargeItem/<id>`. Anything else, or an invalid PrescriptionID → 400 „Invalid request body“.
 * - `recipient[0].identifier`: a Telematik-ID when its system says so, else a KVNR; missing → 400 „Invalid request
 *   body“.
 */
import { parsePrescriptionId } from '../../../../shared/erezept/identifiers';
import { majorMinor, splitCanonical } from '../../../../shared/fhir/checks/profile-version';
import { NamingSystems } from '../../../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../../../shared/fhir/xml';
import type { CommunicationMessageType } from '../../communication-record';
import { FachdienstError } from '../../operation-outcome';
import { INVALID_BODY } from './payload';

const ERP_SD = 'https://gematik.de/fhir/erp/StructureDefinition';
const ERPCHRG_SD = 'https://gematik.de/fhir/erpchrg/StructureDefinition';

/** The Communication profiles and the message type each one stands for (FD ProfileUrlToMessageType). */
export const CommunicationProfiles: Record<CommunicationMessageType, string> = {
  DispReq: `${ERP_SD}/GEM_ERP_PR_Communication_DispReq`,
  Reply: `${ERP_SD}/GEM_ERP_PR_Communication_Reply`,
  Representative: `${ERP_SD}/GEM_ERP_PR_Communication_Representative`,
  DiGA: `${ERP_SD}/GEM_ERP_PR_Communication_DiGA`,
  ChargChangeReq: `${ERPCHRG_SD}/GEM_ERPCHRG_PR_Communication_ChargChangeReq`,
  ChargChangeReply: `${ERPCHRG_SD}/GEM_ERPCHRG_PR_Communication_ChargChangeReply`,
};

/** The German dates between which the FD accepts a workflow version of a message type (inclusive). */
const WORKFLOW_PROFILE_WINDOWS: Record<string, { from?: string; until?: string; types?: readonly CommunicationMessageType[] }[]> = {
  '1.6': [{ from: '2026-07-01' }],
  '1.5': [
    { until: '2027-01-14', types: ['DispReq', 'Representative'] },
    { until: '2026-09-30', types: ['Reply', 'DiGA'] },
  ],
};

export interface PostedCommunication {
  resource: FhirResourceJson;
  messageType: CommunicationMessageType;
  taskId: string;
  /** the `ac` of a `Task/<id>/$accept?ac=` reference */
  accessCode: string | undefined;
  recipient: { kind: 'telematikId' | 'kvnr'; value: string };
}

const parsingError = (diagnostics: string): FachdienstError =>
  new FachdienstError(400, 'parsing / validation error', { diagnostics });
const invalidBody = (reason: string): FachdienstError => new FachdienstError(400, INVALID_BODY, { diagnostics: reason });

export function readPostedCommunication(resource: FhirResourceJson, today: string): PostedCommunication {
  const messageType = messageTypeOf(resource, today);
  if (typeof resource['status'] !== 'string') {
    throw parsingError('Communication.status: error: missing mandatory element (from profile: http://hl7.org/fhir/StructureDefinition/Communication|4.0.1)');
  }
  const { taskId, accessCode } = basedOnTask(resource, messageType);
  return { resource, messageType, taskId, accessCode, recipient: recipientOf(resource) };
}

function messageTypeOf(resource: FhirResourceJson, today: string): CommunicationMessageType {
  if (resource.resourceType !== 'Communication') {
    throw parsingError(`resourceType ${resource.resourceType} is not Communication`);
  }
  const meta = resource['meta'] as { profile?: unknown } | undefined;
  const profile = Array.isArray(meta?.profile) ? (meta.profile[0] as unknown) : undefined;
  if (typeof profile !== 'string') throw new FachdienstError(400, 'Profile missing in Communication message.');
  const { url, version } = splitCanonical(profile);
  const entry = Object.entries(CommunicationProfiles).find(([, profileUrl]) => profileUrl === url);
  const messageType = entry?.[0] as CommunicationMessageType | undefined;
  if (messageType === undefined || !versionAccepted(messageType, url, version, today)) {
    throw parsingError(`invalid profile ${profile} must be one of: ${acceptedProfiles(today).join(', ')}`);
  }
  return messageType;
}

function versionAccepted(messageType: CommunicationMessageType, url: string, version: string | undefined, today: string): boolean {
  if (url.startsWith(ERPCHRG_SD) || version === undefined) return true;
  return (WORKFLOW_PROFILE_WINDOWS[majorMinor(version)] ?? []).some(
    (w) => (w.types === undefined || w.types.includes(messageType)) && (w.from === undefined || today >= w.from) && (w.until === undefined || today <= w.until),
  );
}

function acceptedProfiles(today: string): string[] {
  return Object.entries(CommunicationProfiles).flatMap(([type, url]) =>
    url.startsWith(ERPCHRG_SD)
      ? [url]
      : Object.keys(WORKFLOW_PROFILE_WINDOWS)
          .filter((version) => versionAccepted(type as CommunicationMessageType, url, version, today))
          .map((version) => `${url}|${version}`),
  );
}

function basedOnTask(resource: FhirResourceJson, messageType: CommunicationMessageType): { taskId: string; accessCode: string | undefined } {
  const basedOn = resource['basedOn'] as { reference?: unknown }[] | undefined;
  const reference = Array.isArray(basedOn) ? basedOn[0]?.reference : undefined;
  if (typeof reference !== 'string') throw invalidBody('basedOn[0].reference is not existing');
  const [pathPart = '', query = ''] = reference.split('#')[0]!.split('?');
  const chargeItem = messageType === 'ChargChangeReq' || messageType === 'ChargChangeReply';
  const withAccept = pathPart.includes('$accept');
  if (withAccept && chargeItem) throw invalidBody('Invalid reference for this message type');
  const pattern = chargeItem ? /(?:^|\/)ChargeItem\/([^/]+)$/ : withAccept ? /(?:^|\/)Task\/([^/]+)\/\$accept$/ : /(?:^|\/)Task\/([^/]+)$/;
  const id = pattern.exec(pathPart)?.[1];
  if (id === undefined) throw invalidBody('Failed to parse prescription ID from reference');
  if (!parsePrescriptionId(id).ok) throw invalidBody(`Invalid prescription id: ${id.slice(0, 40)}`);
  const accessCode = new URLSearchParams(query).get('ac') ?? undefined;
  return { taskId: id, accessCode };
}

function recipientOf(resource: FhirResourceJson): PostedCommunication['recipient'] {
  const recipients = resource['recipient'] as { identifier?: { system?: unknown; value?: unknown } }[] | undefined;
  const identifier = Array.isArray(recipients) ? recipients[0]?.identifier : undefined;
  if (typeof identifier?.value !== 'string' || typeof identifier.system !== 'string') {
    throw invalidBody('/recipient/0/identifier is not existing');
  }
  return { kind: identifier.system === NamingSystems.telematikId ? 'telematikId' : 'kvnr', value: identifier.value };
}
