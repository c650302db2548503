/**
 * For the Communication tests: a DispReq and a Reply as a patient's app and a pharmacy would post them (spec
 * erezept-pharmacy §3.11, shaped like gematik's workflow 1.6 examples Communication-a218a36e… and -7977a4ab…).
 */
import { NamingSystems } from '../../../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../../../shared/fhir/xml';
import { CommunicationProfiles } from './message';

export const V1_PICKUP = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', name: 'Greta Aydın', phone: '0301234567' });

export function dispReq(
  task: { taskId: string; accessCode: string },
  recipient: string,
  options: { contentString?: string | null; profileVersion?: string; reference?: string } = {},
): FhirResourceJson {
  const { contentString = V1_PICKUP, profileVersion = '1.6' } = options;
  return {
    resourceType: 'Communication',
    meta: { profile: [`${CommunicationProfiles.DispReq}|${profileVersion}`] },
    status: 'unknown',
    basedOn: [{ reference: options.reference ?? `Task/${task.taskId}/$accept?ac=${task.accessCode}` }],
    recipient: [{ identifier: { system: NamingSystems.telematikId, value: recipient } }],
    ...(contentString === null ? {} : { payload: [{ contentString }] }),
  };
}

export const V1_REPLY = JSON.stringify({ version: 1, supplyOptionsType: 'onPremise', info_text: 'Liegt ab 14 Uhr bereit.', pickUpCodeHR: '1234' });

export function reply(taskId: string, kvnr: string, contentString: string = V1_REPLY, profileVersion = '1.6'): FhirResourceJson {
  return {
    resourceType: 'Communication',
    meta: { profile: [`${CommunicationProfiles.Reply}|${profileVersion}`] },
    status: 'unknown',
    basedOn: [{ reference: `Task/${taskId}` }],
    recipient: [{ identifier: { system: NamingSystems.kvnr, value: kvnr } }],
    payload: [{ contentString }],
  };
}
