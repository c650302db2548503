/**
 * Turns what the E-Rezept-Fachdienst answers on failure into an AppError (architecture §9.6): a German
 * message that names the failing system, says what it means for this prescription and what to do next
 * (spec §9.3, A_23814–A_23818), the technical detail for support, and the retry class of spec §8 (A_25460).
 *
 * Inner errors are an OperationOutcome with one issue: `details.text` = the FD message, optional
 * `diagnostics` (spec §8). The texts we react to are the FD 1.22 texts quoted in spec §3.1.
 */
import type { AppError, RetryClass } from '../ipc/contract';

export type FachdienstOperation =
  | 'accept'
  | 'dispense'
  | 'close'
  | 'reject'
  | 'abort'
  | 'getBySecret'
  | 'getByAc'
  | 'listByEgk'
  /** GET /Communication (spec §3.11) */
  | 'listCommunications'
  /** POST /Communication: a reply to the patient — not idempotent, every message notifies the patient */
  | 'sendCommunication'
  /** DELETE /Communication/{id}: a message this pharmacy sent */
  | 'deleteCommunication'
  /** POST /Subscription: the registration for the ping on new Zuweisungen (§3.11) — polling goes on without it */
  | 'subscribeCommunications';

export interface OutcomeIssue {
  severity?: string;
  code?: string;
  text?: string;
  diagnostics?: string;
}

const FD = 'E-Rezept-Fachdienst';

/** Reads the issues of an OperationOutcome (JSON); anything else gives no issues. */
export function readOperationOutcome(body: unknown): OutcomeIssue[] {
  if (!isRecord(body) || body['resourceType'] !== 'OperationOutcome' || !Array.isArray(body['issue'])) return [];
  const issues: OutcomeIssue[] = [];
  for (const raw of body['issue'] as unknown[]) {
    if (!isRecord(raw)) continue;
    const details = isRecord(raw['details']) ? raw['details'] : undefined;
    issues.push({
      severity: stringOrUndefined(raw['severity']),
      code: stringOrUndefined(raw['code']),
      text: stringOrUndefined(details?.['text']),
      diagnostics: stringOrUndefined(raw['diagnostics']),
    });
  }
  return issues;
}

/**
 * Retry classes (spec §8, api-erp statuscodes referenced by A_25460): 408/500/503/504/507/509/512 with
 * exponential backoff; 429 at most hourly; 502/506 only with client failover (we have none) and every
 * other 4xx/5xx: never.
 */
export function retryClassForStatus(status: number): RetryClass {
  if ([408, 500, 503, 504, 507, 509, 512].includes(status)) return 'backoff';
  if (status === 429) return 'hourly';
  return 'never';
}

/**
 * The retry class of an answer to this operation: by status, except that a 5xx to POST /Communication does not prove
 * that the message was not stored (a gateway may answer after the Fachdienst did it). A message is not idempotent —
 * each one reaches the patient — so it is reconciled (GET /Communication shows whether it arrived), never repeated
 * blindly (spec §8, §3.11).
 */
function retryClassFor(operation: FachdienstOperation, status: number): RetryClass {
  if (operation === 'sendCommunication' && status >= 500 && status <= 599) return 'reconcile';
  return retryClassForStatus(status);
}

/** The error for a non-2xx answer of the Fachdienst. */
export function fachdienstErrorFromResponse(
  operation: FachdienstOperation,
  status: number,
  body: unknown,
  at: Date,
): AppError {
  const issues = readOperationOutcome(body);
  // The Fachdienst's own words are untrusted input: redacted and clipped once, before any message quotes them.
  const rawText = issues.map((i) => i.text).find((t): t is string => !!t);
  const fdText = rawText === undefined ? undefined : clip(redactSecrets(rawText), MAX_QUOTED_CHARS);
  const { code, message } = describe(operation, status, fdText ?? '', issues);
  const findings =
    status === 400 && issues.length > 0
      ? issues.map((i) => ({
          severity: 'error' as const,
          code: `fachdienst-${i.code ?? 'invalid'}`,
          message: clip(redactSecrets([i.text, i.diagnostics].filter(Boolean).join(': ') || 'Ungültige Anfrage'), MAX_FINDING_CHARS),
        }))
      : undefined;
  return {
    code,
    message,
    detail: technicalDetail(operation, status, issues, at),
    retry: retryClassFor(operation, status),
    httpStatus: status,
    system: 'fachdienst',
    at: at.toISOString(),
    ...(findings ? { findings } : {}),
  };
}

/**
 * The error when no answer arrived (network failure or timeout). For $accept and $close the outcome is
 * unknown — the Fachdienst may have done it — so the caller must reconcile (GET ?ac / GET ?secret, spec §3.3,
 * §3.6) before trying again; the same holds for a reply to the patient (GET /Communication shows whether it
 * arrived, §3.11 — a second one would reach the patient twice). The other operations are safe to repeat ($dispense replaces the whole
 * list, A_26482; deleting a message twice ends in 404 at worst).
 */
export function fachdienstUnreachableError(
  operation: FachdienstOperation,
  cause: 'timeout' | 'network',
  at: Date,
  technical?: string,
): AppError {
  const what =
    cause === 'timeout'
      ? `Der ${FD} hat nicht rechtzeitig geantwortet.`
      : `Der ${FD} ist nicht erreichbar (Netzwerk- oder Verbindungsfehler).`;
  const advice = unknownOutcomeAdvice[operation];
  const unknownOutcome = advice !== undefined;
  const next = advice ?? ' Bitte die Verbindung prüfen und später erneut versuchen.';
  return {
    code: cause,
    message: what + next,
    detail: redactSecrets(
      [`${operationLabel[operation]}: ${cause === 'timeout' ? 'Zeitüberschreitung' : 'keine Verbindung'}`, technical, at.toISOString()]
        .filter(Boolean)
        .join(' · '),
    ),
    retry: unknownOutcome ? 'reconcile' : 'backoff',
    system: 'network',
    at: at.toISOString(),
  };
}

/** The operations whose outcome must be reconciled when no answer arrived, and what to tell the pharmacist (docs/reliability.md). */
const unknownOutcomeAdvice: Partial<Record<FachdienstOperation, string>> = {
  accept: ' Ob das Rezept abgerufen wurde, ist unklar. Bitte den Code erneut scannen – die App gleicht den Stand mit dem Fachdienst ab.',
  close: ' Ob das Rezept abgeschlossen wurde, ist unklar. Bitte erneut „Abschließen“ wählen – die App gleicht den Stand mit dem Fachdienst ab.',
  sendCommunication: ' Ob die Nachricht angekommen ist, ist unklar. Bitte zuerst die Nachrichten abrufen und prüfen, ob sie im Verlauf steht, bevor sie erneut gesendet wird.',
};

/** True when a 409 on $accept says the caller already owns the Task (spec §3.2: 2nd info string). */
export function isAcceptedByCaller(error: AppError): boolean {
  return error.httpStatus === 409 && (error.detail ?? '').includes('processed by requesting institution');
}

// ------------------------------------------------------------------------------------------------

const operationLabel: Record<FachdienstOperation, string> = {
  accept: '$accept',
  dispense: '$dispense',
  close: '$close',
  reject: '$reject',
  abort: '$abort',
  getBySecret: 'GET Task?secret',
  getByAc: 'GET Task?ac',
  listByEgk: 'GET Task (eGK)',
  listCommunications: 'GET Communication',
  sendCommunication: 'POST Communication',
  deleteCommunication: 'DELETE Communication',
  subscribeCommunications: 'POST Subscription',
};

const doing: Record<FachdienstOperation, string> = {
  accept: 'Abrufen des Rezepts',
  dispense: 'Übermitteln der Abgabedaten',
  close: 'Abschließen des Rezepts',
  reject: 'Zurückgeben des Rezepts',
  abort: 'Löschen des Rezepts',
  getBySecret: 'Abrufen der Quittung',
  getByAc: 'erneuten Abrufen des Rezepts',
  listByEgk: 'Abrufen der Rezepte zur Gesundheitskarte',
  listCommunications: 'Abrufen der Nachrichten',
  sendCommunication: 'Senden der Nachricht',
  deleteCommunication: 'Löschen der Nachricht',
  subscribeCommunications: 'Anmelden für Benachrichtigungen über neue Zuweisungen',
};

function describe(
  operation: FachdienstOperation,
  status: number,
  fdText: string,
  issues: OutcomeIssue[],
): { code: string; message: string } {
  const quoted = fdText ? ` Meldung des Fachdienstes: „${redactSecrets(fdText)}“.` : '';
  const allText = issues.map((i) => `${i.text ?? ''} ${i.diagnostics ?? ''}`).join(' ');
  if (operation === 'listByEgk') {
    const egk = describeEgkRefusal(status, quoted);
    if (egk) return egk;
  }
  if (operation === 'listCommunications' || operation === 'sendCommunication' || operation === 'deleteCommunication') {
    const message = describeCommunicationRefusal(operation, status, quoted, allText);
    if (message) return message;
  }
  if (operation === 'subscribeCommunications') {
    const message = describeSubscriptionRefusal(status, quoted, allText);
    if (message) return message;
  }
  switch (status) {
    case 400:
      return {
        code: 'validation',
        message:
          operation === 'dispense' || operation === 'close'
            ? `Der ${FD} hat die Abgabedaten abgelehnt.${quoted} Bitte die Angaben prüfen, korrigieren und erneut senden.`
            : `Der ${FD} hat die Anfrage beim ${doing[operation]} als fehlerhaft abgelehnt.${quoted} Bitte den Support informieren.`,
      };
    case 401:
      return {
        code: 'fachdienst',
        message: `Die Anmeldung am ${FD} ist abgelaufen oder ungültig. Bitte erneut versuchen; besteht der Fehler weiter, die Anmeldung der Apotheke (SMC-B) prüfen lassen.`,
      };
    case 403:
      return { code: 'fachdienst', message: describeForbidden(operation, fdText, allText, quoted) };
    case 404:
      return {
        code: 'not-found',
        message: `Der ${FD} kennt dieses Rezept nicht (Rezept-ID unbekannt oder ungültig). Bitte den Code erneut scannen; besteht der Fehler weiter, den Patienten an die verordnende Praxis verweisen.`,
      };
    case 409:
      if (operation === 'accept') {
        return /processed by requesting institution/i.test(allText)
          ? {
              code: 'conflict',
              message: `Das Rezept wurde laut ${FD} bereits von dieser Apotheke abgerufen. Die App versucht, es über „Verordnung erneut abrufen“ wiederherzustellen.`,
            }
          : {
              code: 'conflict',
              message: `Das Rezept wird bereits von einer Apotheke bearbeitet oder wurde schon beliefert (${FD}: Status passt nicht). Es kann hier nicht abgerufen werden. Bitte den Patienten fragen, ob es bereits in einer anderen Apotheke eingelöst wurde.`,
            };
      }
      return {
        code: 'conflict',
        message: `Der ${FD} meldet einen Konflikt beim ${doing[operation]}.${quoted} Bitte den Rezeptstatus prüfen.`,
      };
    case 410:
      return {
        code: 'state',
        message: `Das Rezept wurde gelöscht (vom Patienten oder von der Praxis) und kann nicht mehr beliefert werden (${FD}). Bitte den Patienten informieren.`,
      };
    case 412:
      return {
        code: 'state',
        message: `Das Rezept ist beim ${FD} nicht (mehr) dieser Apotheke zugeordnet oder nicht in Bearbeitung.${quoted} Es kann hier nicht erneut abgerufen werden.`,
      };
    case 423:
      return {
        code: 'fachdienst',
        message: `Der ${FD} hat diese Apotheke für den Rest des Tages gesperrt.${quoted} Bitte den Support informieren.`,
      };
    case 429:
      return {
        code: 'fachdienst',
        message: `Der ${FD} nimmt von dieser Apotheke gerade zu viele Anfragen an. Das ${doing[operation]} wurde nicht ausgeführt. Bitte frühestens in einer Stunde erneut versuchen.`,
      };
    case 408:
      return {
        code: 'timeout',
        message: `Der ${FD} hat die Anfrage wegen Zeitüberschreitung abgebrochen. Das ${doing[operation]} wurde nicht ausgeführt. Bitte in Kürze erneut versuchen.`,
      };
    default:
      if (status >= 500) {
        return {
          code: 'fachdienst',
          message: `Der ${FD} ist gerade gestört. Das ${doing[operation]} wurde nicht ausgeführt. Bitte später erneut versuchen; Rezepte auf Papier (Muster 16) können weiter beliefert werden.`,
        };
      }
      return {
        code: 'fachdienst',
        message: `Der ${FD} hat das ${doing[operation]} abgelehnt.${quoted} Bitte den Support informieren.`,
      };
  }
}

/**
 * The eGK path's own answers (spec §3.9): the proof of presence (Prüfungsnachweis / PoPP token), the KVNR and the
 * `hcv` are checked against each other; repeated mismatches lock the pharmacy for the day (423).
 */
function describeEgkRefusal(status: number, quoted: string): { code: string; message: string } | undefined {
  const again = 'Bitte die Gesundheitskarte erneut stecken und neu einlesen.';
  switch (status) {
    case 403:
      return {
        code: 'egk-proof',
        message: `Der ${FD} erkennt den Anwesenheitsnachweis der Gesundheitskarte nicht an (ungültig oder zu alt).${quoted} ${again}`,
      };
    case 423:
      return {
        code: 'egk-locked',
        message: `Der ${FD} hat die Abfrage per Gesundheitskarte für diese Apotheke bis zum Ende des Tages gesperrt (wiederholt nicht passende Kartendaten).${quoted} Rezepte bitte heute über den Rezeptcode (Ausdruck oder App) einlösen und den Support informieren.`,
      };
    case 454:
      return {
        code: 'egk-offline-check',
        message: `Die Online-Prüfung der Gesundheitskarte war nicht möglich; der ${FD} nimmt diesen Prüfungsnachweis nicht an.${quoted} ${again} Klappt es nicht, den Patienten nach dem Rezeptcode fragen.`,
      };
    case 455:
      return {
        code: 'egk-kvnr-missing',
        message: `Die Gesundheitskarte hat keine Versichertennummer geliefert.${quoted} ${again} Besteht der Fehler, den Support informieren.`,
      };
    case 456:
      return {
        code: 'egk-kvnr-mismatch',
        message: `Die Versichertennummer passt nicht zum Prüfungsnachweis der Karte.${quoted} ${again} Wurde die Karte zwischendurch gewechselt?`,
      };
    case 457:
      return {
        code: 'egk-hcv-missing',
        message: `Der ${FD} verlangt den Prüfwert der Gesundheitskarte (hcv), der fehlt.${quoted} Bitte den Support informieren.`,
      };
    case 458:
      return {
        code: 'egk-hcv-mismatch',
        message: `Die Versichertendaten der Karte passen nicht zum Prüfungsnachweis (hcv).${quoted} ${again} Bleibt es dabei, soll der Patient die Daten seiner Karte bei der Krankenkasse aktualisieren lassen.`,
      };
    default:
      return undefined;
  }
}

/**
 * The answers to the message calls (spec §3.11; texts of erp-processing-context 1.22): a refused reply says it was not
 * sent and what to check; a 5xx to a reply leaves open whether it arrived (retryClassFor); deleting a message of
 * someone else is a 401 there („… is not allowed to delete communication …“), not an expired sign-in.
 */
function describeCommunicationRefusal(
  operation: 'listCommunications' | 'sendCommunication' | 'deleteCommunication',
  status: number,
  quoted: string,
  allText: string,
): { code: string; message: string } | undefined {
  const tooMany = `Der ${FD} nimmt von dieser Apotheke gerade zu viele Nachrichten und Anfragen an (HTTP 429).`;
  if (operation === 'sendCommunication') {
    if (status === 400 && /task for prescription id .* is missing|does not contain a KVNR/i.test(allText)) {
      return {
        code: 'state',
        message: `Der ${FD} kennt das Rezept zu dieser Nachricht nicht (mehr) – vermutlich wurde es gelöscht.${quoted} Die Nachricht wurde nicht gesendet.`,
      };
    }
    if (status === 400) {
      return {
        code: 'validation',
        message: `Der ${FD} hat die Nachricht abgelehnt; sie wurde nicht gesendet.${quoted} Bitte Text, Abholcode und Link prüfen (Länge, Sonderzeichen, Belieferungsart) und erneut senden; besteht der Fehler, den Support informieren.`,
      };
    }
    if (status === 403 && !/professionOID/i.test(allText)) {
      return { code: 'fachdienst', message: `Der ${FD} verweigert dieser Apotheke das Senden der Nachricht.${quoted} Die Nachricht wurde nicht gesendet. Bitte den Support informieren.` };
    }
    if (status === 429) return { code: 'fachdienst', message: `${tooMany} Die Nachricht wurde nicht gesendet. Bitte später erneut senden, frühestens in einer Stunde.` };
    if (status >= 500 && status <= 599) {
      return {
        code: 'fachdienst',
        message: `Der ${FD} ist gerade gestört (HTTP ${status}). Ob die Nachricht angekommen ist, ist nicht sicher. Bitte zuerst die Nachrichten abrufen und prüfen, ob sie im Verlauf steht, bevor sie erneut gesendet wird.`,
      };
    }
    return undefined;
  }
  if (operation === 'deleteCommunication') {
    if (status === 401 && /not allowed to delete/i.test(allText)) {
      return { code: 'fachdienst', message: `Der ${FD} erlaubt das Löschen nicht: Nur Nachrichten, die diese Apotheke selbst gesendet hat, können gelöscht werden.` };
    }
    if (status === 400) {
      return { code: 'validation', message: `Der ${FD} hat das Löschen abgelehnt: Die Kennung der Nachricht ist ungültig.${quoted} Bitte den Support informieren.` };
    }
    if (status === 404) {
      return { code: 'not-found', message: `Die Nachricht gibt es beim ${FD} nicht (mehr) – sie wurde bereits gelöscht oder ist abgelaufen.` };
    }
    if (status === 429) return { code: 'fachdienst', message: `${tooMany} Die Nachricht wurde nicht gelöscht. Bitte später erneut versuchen, frühestens in einer Stunde.` };
    return undefined;
  }
  if (status === 404) return { code: 'not-found', message: `Der ${FD} hat zu dieser Abfrage keine Nachrichten gefunden (HTTP 404).${quoted}` };
  if (status === 429) return { code: 'fachdienst', message: `${tooMany} Bitte die Nachrichten später erneut abrufen, frühestens in einer Stunde.` };
  return undefined;
}

/**
 * The answers to `POST /Subscription` (spec §3.11; FD 1.22 SubscriptionPostHandler: 400 „Missing recipient“ /
 * „Request status not supported“, 403 „ID mismatch“ when the Telematik-ID is not the signed-in one, A_22363). None of
 * them stops the app: new Zuweisungen are still fetched every 5 minutes, so each message says so.
 */
function describeSubscriptionRefusal(status: number, quoted: string, allText: string): { code: string; message: string } | undefined {
  const polling = 'Neue Zuweisungen werden weiter alle 5 Minuten abgerufen.';
  if (status === 400) {
    return {
      code: 'validation',
      message: `Der ${FD} hat die Anmeldung für Benachrichtigungen über neue Zuweisungen als fehlerhaft abgelehnt.${quoted} ${polling} Besteht der Fehler, den Support informieren.`,
    };
  }
  if (status === 403 && /ID mismatch/i.test(allText)) {
    return {
      code: 'fachdienst',
      message: `Der ${FD} verweigert die Anmeldung für Benachrichtigungen: Die Telematik-ID der Anfrage ist nicht die der angemeldeten Apotheke (SMC-B).${quoted} ${polling} Bitte die Telematik-ID der Apotheke unter „Einstellungen & Info“ prüfen.`,
    };
  }
  if (status === 403 && !/professionOID/i.test(allText)) {
    return { code: 'fachdienst', message: `Der ${FD} verweigert dieser Apotheke die Anmeldung für Benachrichtigungen.${quoted} ${polling}` };
  }
  if (status === 429) {
    return {
      code: 'fachdienst',
      message: `Der ${FD} nimmt von dieser Apotheke gerade zu viele Anfragen an (HTTP 429). Die Anmeldung für Benachrichtigungen wird frühestens in einer Stunde wiederholt. ${polling}`,
    };
  }
  return undefined;
}

/** 403 has many causes (spec §3.1); the FD text tells them apart. */
function describeForbidden(operation: FachdienstOperation, fdText: string, allText: string, quoted: string): string {
  if (/professionOID/i.test(allText)) {
    return `Der ${FD} erlaubt diese Aktion für die angemeldete Institution nicht (Rolle).${quoted} Bitte die Anmeldung der Apotheke (SMC-B) prüfen lassen.`;
  }
  if (operation === 'accept') {
    if (/ist ab .* einlösbar/i.test(fdText)) {
      return `Das Rezept ist noch nicht einlösbar (Teilverordnung einer Mehrfachverordnung). ${FD}: „${fdText}“ Bitte den Patienten bitten, zum angegebenen Datum wiederzukommen.`;
    }
    if (/einlösbar/i.test(fdText)) {
      return `Das Rezept ist abgelaufen und darf nicht mehr beliefert werden. ${FD}: „${fdText}“ Bitte den Patienten an die verordnende Praxis verweisen.`;
    }
    return `Der ${FD} verweigert das Abrufen: Der Zugangscode (AccessCode) passt nicht zu diesem Rezept.${quoted} Bitte den Code erneut scannen oder den Patienten nach dem aktuellen Ausdruck bzw. der App fragen.`;
  }
  if (/Dispensierinformationen/i.test(fdText)) {
    return `Der ${FD} hat keine Abgabedaten zu diesem Rezept. Bitte die Abgabe vollständig senden und danach erneut abschließen.`;
  }
  // Spec §9.3 (errors name what failed): say which action failed, so "Zurückgeben"/"Löschen" errors are not read
  // as dispense errors.
  const refused = `Das ${capitalize(doing[operation])} wurde vom ${FD} abgelehnt.`;
  if (/status|in.progress/i.test(fdText)) {
    return `${refused} Das Rezept ist dort nicht (mehr) in Bearbeitung durch diese Apotheke.${quoted} Es wurde vermutlich bereits abgeschlossen, zurückgegeben oder gelöscht. Bitte den Rezeptstatus prüfen.`;
  }
  if (/secret/i.test(allText) || ['dispense', 'close', 'getBySecret', 'reject', 'abort'].includes(operation)) {
    return `${refused} Er erkennt die Berechtigung (Secret) dieser Apotheke für das Rezept nicht an.${quoted} Möglicherweise wurde es zurückgegeben oder in einer anderen Apotheke weiterbearbeitet. Bitte den Rezeptstatus prüfen.`;
  }
  return `Der ${FD} hat das ${doing[operation]} verweigert.${quoted} Bitte den Rezeptstatus prüfen.`;
}

function technicalDetail(operation: FachdienstOperation, status: number, issues: OutcomeIssue[], at: Date): string {
  const parts = [`${operationLabel[operation]} → HTTP ${status}`];
  for (const issue of issues) {
    const text = [issue.code, issue.text, issue.diagnostics].filter(Boolean).join(': ');
    if (text) parts.push(text.length > 2000 ? `${text.slice(0, 2000)}…` : text);
  }
  parts.push(at.toISOString());
  return redactSecrets(parts.join(' · '));
}

/** Secrets and AccessCodes are 64 hex characters (spec §1.3); none may reach a message or a log. */
/**
 * Masks anything that could be a Secret or AccessCode (64 hex characters, spec §1.3) — also when it touches
 * other letters or digits, so a longer hex run or `x<secret>` does not slip through a word boundary.
 */
export function redactSecrets(text: string): string {
  return text.replace(/[0-9a-fA-F]{64,}/g, '[entfernt]');
}

/** How much of the Fachdienst's text a message quotes, and how long a finding may be (a 5 MB body stays out). */
const MAX_QUOTED_CHARS = 500;
const MAX_FINDING_CHARS = 1000;
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
