/**
 * The messages with the patients' apps as FHIR (spec erezept-pharmacy §3.11): reading what `GET /Communication`
 * answers (Zuweisungen and the pharmacy's own replies), the DispReq payload (v1, v3), and writing a
 * Communication_Reply with the checks the Fachdienst would apply. The domain types without FHIR are
 * shared/erezept/communication.ts.
 */
export { readCommunications, type CommunicationList } from './read-communications';
export { readDispReqPayload } from './dispreq-payload';
export { buildReply } from './build-reply';
export { readReplyPayload } from './reply-payload';
export { checkReply } from './check-reply';
export { refusedCharacters } from './characters';
