/**
 * The URLs of the Communication profiles and their payload extensions (workflow 1.6, spec §3.11). They sit here,
 * beside `../profiles.ts` (the other gematik URLs), because only this folder reads and writes Communications.
 * Source: the 1.6 examples in test/fixtures/gematik/workflow-1.6/Communication-*.json and the profile names the
 * Fachdienst knows (erp-processing-context 1.22, ResourceNames.hxx).
 */
import { versioned } from '../profiles';

const GEM_SD = 'https://gematik.de/fhir/erp/StructureDefinition';
const GEM_CS = 'https://gematik.de/fhir/erp/CodeSystem';
const GEM_CHRG_SD = 'https://gematik.de/fhir/erpchrg/StructureDefinition';

export const CommunicationProfiles = {
  /** the patient assigns a prescription to the pharmacy (Zuweisung) */
  dispReq: `${GEM_SD}/GEM_ERP_PR_Communication_DispReq`,
  /** the pharmacy answers the patient */
  reply: `${GEM_SD}/GEM_ERP_PR_Communication_Reply`,
} as const;

/** What the app sends: the Reply of workflow 1.6. */
export const REPLY_PROFILE = versioned(CommunicationProfiles.reply);

/**
 * The other Communication profiles a pharmacy may find in `GET /Communication`, with a German name for the message
 * that says the app does not process them. (InfoReq was dropped in workflow 1.4; old messages may still carry it.)
 */
export const otherCommunicationKinds: Readonly<Record<string, string>> = {
  [`${GEM_SD}/GEM_ERP_PR_Communication_InfoReq`]: 'eine Anfrage (InfoReq, nicht mehr unterstützt)',
  [`${GEM_SD}/GEM_ERP_PR_Communication_Representative`]: 'eine Nachricht zwischen Versicherten (Representative)',
  [`${GEM_SD}/GEM_ERP_PR_Communication_DiGA`]: 'eine DiGA-Nachricht',
  [`${GEM_CHRG_SD}/GEM_ERPCHRG_PR_Communication_ChargChangeReq`]: 'ein Änderungswunsch zur PKV-Abrechnungsinformation',
  [`${GEM_CHRG_SD}/GEM_ERPCHRG_PR_Communication_ChargChangeReply`]: 'eine Antwort zur PKV-Abrechnungsinformation',
};

export const CommunicationExtensions = {
  /** payload extension: when the medicine is available (valueCoding of GEM_ERP_CS_AvailabilityStatus) */
  availabilityState: `${GEM_SD}/GEM_ERP_EX_AvailabilityState`,
  /** payload extension: the supply options the pharmacy offers (sub-extensions onPremise/delivery/shipment) */
  supplyOptionsType: `${GEM_SD}/GEM_ERP_EX_SupplyOptionsType`,
} as const;

export const AVAILABILITY_STATUS_SYSTEM = `${GEM_CS}/GEM_ERP_CS_AvailabilityStatus`;
