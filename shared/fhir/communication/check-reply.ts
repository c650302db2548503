/**
 * What the E-Rezept-Fachdienst would refuse in a reply, said before anything is sent (spec erezept-pharmacy §3.11,
 * §9.3: errors name the field and what to do). Exactly the Fachdienst's rules (erp-processing-context 1.22:
 * CommunicationReplyPayloadV1/V3.json, CommunicationPayload.cxx), no pharmacy preferences:
 *
 * - characters: characters.ts (only unpaired surrogates are refused);
 * - lengths in code points: v1 info_text ≤ 500, url ≤ 500, pickUpCodeHR ≤ 8, pickUpCodeDMC ≤ 128; v3 text ≤ 800,
 *   url ≤ 500, pickupCodeHR ≤ 8 letters/digits, pickupCodeDMC 8–2000, transactionID ≤ 50; the payload ≤ 10 240 bytes;
 * - v1: `supplyOptionsType` is required; a pick-up code only with onPremise („Value of 'supplyOptionsType' must be
 *   'onPremise'“); a url needs a scheme and a host („URL not valid“);
 * - v3: `transactionID` is required; one kind of message (code, DMC code or link); a link matches `https://.+\..+`.
 */
import {
  availabilityStates,
  replyLimits,
  supplyOptions,
  type ReplyContent,
} from '../../erezept/communication';
import { codePointLength, refusedCharacters, utf8ByteLength } from './characters';
import { buildReplyPayload, nonEmpty } from './reply-payload';

type TextField = 'text' | 'pickUpCodeHR' | 'pickUpCodeDMC' | 'url' | 'transactionId';

/** The field names as the pharmacist knows them from the reply form. */
const fieldLabels: Record<TextField, string> = {
  text: 'Nachricht',
  pickUpCodeHR: 'Abholcode',
  pickUpCodeDMC: 'Abholcode (DataMatrix)',
  url: 'Link',
  transactionId: 'Vorgangsnummer',
};

/** German problems, each naming the field; empty when the Fachdienst would take the reply. */
export function checkReply(content: ReplyContent): string[] {
  if (content.version !== 1 && content.version !== 3) return [`Unbekannte Version der Nachricht (${String(content.version)}); gesendet werden 1 und 3.`];
  const problems: string[] = [];
  for (const field of Object.keys(fieldLabels) as TextField[]) {
    const value = content[field];
    if (value === undefined) continue;
    for (const problem of refusedCharacters(value)) problems.push(`„${fieldLabels[field]}“: ${problem}`);
  }
  problems.push(...(content.version === 1 ? versionOneProblems(content) : versionThreeProblems(content)));
  if (content.availability !== undefined && !Object.hasOwn(availabilityStates, content.availability)) {
    problems.push(`Unbekannte Angabe zur Verfügbarkeit (${String(content.availability).slice(0, 10)}).`);
  }
  if (content.offeredSupplyOptions?.some((option) => !supplyOptions.includes(option))) {
    problems.push('Unbekannte angebotene Belieferungsart.');
  }
  // Only a payload whose characters can be written at all is measured (an unpaired surrogate is reported above).
  if (problems.length === 0) {
    const bytes = utf8ByteLength(buildReplyPayload(content));
    if (bytes > replyLimits.payloadBytes) {
      problems.push(`Die Nachricht ist insgesamt zu groß (${bytes} Byte, der Fachdienst nimmt höchstens ${replyLimits.payloadBytes}). Bitte kürzen.`);
    }
  }
  return problems;
}

function versionOneProblems(content: ReplyContent): string[] {
  const problems = [
    tooLong(content, 'text', replyLimits.infoTextV1),
    tooLong(content, 'url', replyLimits.url),
    tooLong(content, 'pickUpCodeHR', replyLimits.pickUpCodeHR),
    tooLong(content, 'pickUpCodeDMC', replyLimits.pickUpCodeDMC),
  ].filter((problem): problem is string => problem !== undefined);
  if (content.supplyOption === undefined || !supplyOptions.includes(content.supplyOption)) {
    problems.push('Die Belieferungsart fehlt (in Version 1 der Nachricht erforderlich).');
  }
  const hasCode = nonEmpty(content.pickUpCodeHR) !== undefined || nonEmpty(content.pickUpCodeDMC) !== undefined;
  if (hasCode && content.supplyOption !== 'onPremise') {
    problems.push('Ein Abholcode ist nur bei Abholung in der Apotheke möglich – bitte die Belieferungsart „Abholung“ wählen oder den Code weglassen.');
  }
  const url = nonEmpty(content.url);
  if (url !== undefined && !hasSchemeAndHost(url)) {
    problems.push(`„${fieldLabels.url}“ ist keine vollständige Adresse (z. B. https://www.apotheke.de/…).`);
  }
  return problems;
}

function versionThreeProblems(content: ReplyContent): string[] {
  const problems = [
    tooLong(content, 'text', replyLimits.textV3),
    tooLong(content, 'url', replyLimits.url),
    tooLong(content, 'pickUpCodeHR', replyLimits.pickUpCodeHR),
    tooLong(content, 'pickUpCodeDMC', replyLimits.pickUpCodeDMCV3),
    tooLong(content, 'transactionId', replyLimits.transactionIdV3),
  ].filter((problem): problem is string => problem !== undefined);
  if (nonEmpty(content.transactionId) === undefined) {
    problems.push(`„${fieldLabels.transactionId}“ fehlt: eine Antwort in Version 3 nennt die Vorgangsnummer (transactionID) der Zuweisung.`);
  }
  const kinds = [content.pickUpCodeHR, content.pickUpCodeDMC, content.url].filter((value) => nonEmpty(value) !== undefined);
  if (kinds.length > 1) {
    problems.push('Eine Nachricht in Version 3 trägt nur eines: einen Abholcode, einen Abholcode als DataMatrix oder einen Link. Bitte auf mehrere Nachrichten aufteilen.');
  }
  const code = nonEmpty(content.pickUpCodeHR);
  if (code !== undefined && !/^[a-zA-Z0-9]+$/.test(code)) {
    problems.push(`„${fieldLabels.pickUpCodeHR}“ darf nur Buchstaben (ohne Umlaute) und Ziffern enthalten.`);
  }
  const dmc = nonEmpty(content.pickUpCodeDMC);
  if (dmc !== undefined && codePointLength(dmc) < replyLimits.pickUpCodeDMCV3Min) {
    problems.push(`„${fieldLabels.pickUpCodeDMC}“ ist zu kurz (mindestens ${replyLimits.pickUpCodeDMCV3Min} Zeichen in Version 3).`);
  }
  const url = nonEmpty(content.url);
  // the schema's pattern, searched anywhere in the value as the Fachdienst's validator does
  if (url !== undefined && !/https:\/\/.+\..+/.test(url)) {
    problems.push(`„${fieldLabels.url}“ muss eine https-Adresse sein (z. B. https://www.apotheke.de/…).`);
  }
  return problems;
}

function tooLong(content: ReplyContent, field: TextField, max: number): string | undefined {
  const value = content[field];
  if (value === undefined) return undefined;
  const length = codePointLength(value);
  return length > max ? `„${fieldLabels[field]}“ ist zu lang: ${length} Zeichen, erlaubt sind höchstens ${max}.` : undefined;
}

/** The Fachdienst's v1 url check: a protocol and a host (CommunicationPayload.cxx, UrlHelper::parseUrl). */
function hasSchemeAndHost(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol.length > 1 && parsed.hostname !== '';
  } catch {
    return false;
  }
}
