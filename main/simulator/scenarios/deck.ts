/**
 * The training deck (docs/simulator.md, "The training deck"): scenarios in format v1 (format.ts) for a 20-minute
 * class at the counter, loaded from the trainer panel (`POST /_sim/scenarios/{name}`). Each one says in German what
 * the trainer shows, what the participants do and what they should notice — in the words of the app's screens,
 * nothing more technical than a pharmacist knows. The names are stable: QA and the trainer panel use them.
 *
 * Dates: scenarios whose steps name a date, a PZN or the prescribed article (expired, Mehrfachverordnung,
 * Stückelung, Wirkstoff, Freitext) play on a fixed class day, {@link CLASS_DAY}, with fixed prescriptions
 * (fixed-prescriptions.ts); all others play "today" with generated prescriptions. Facts from
 * docs/domain.md (spec §1.2 flow types and deadlines, §3.2 $accept refusals, §3.3 GET ?ac,
 * §3.4 full replace, §3.12 no changes after $close, §8 retries).
 */
import { germanDate } from '../../../shared/erezept/dates';
import { readPrescriptionXml } from '../../../shared/fhir/kbv';
import { demoArticle, fixedMvoSeries, fixedPrescription, kvnrOf } from './fixed-prescriptions';
import type { Scenario, ScenarioPrescription } from './format';
import { fachdienst503, standardGkvPzn } from './samples';

/** The simulated day of the fixed scenarios: Tuesday, 10 November 2026, 09:00 in Berlin. */
export const CLASS_DAY = '2026-11-10';
const CLASS_DAY_CLOCK = { set: '2026-11-10T09:00:00+01:00' } as const;
const CLASS_DAY_TEXT = 'Simulierter Tag: Dienstag, 10.11.2026.';

/** Another pharmacy that has already accepted a prescription („schon vergeben“). */
export const OTHER_PHARMACY = '3-SMC-B-Testkarte-883110000163973';

const scan = (label: string): string =>
  `Zeigen Sie den E-Rezept-Code von „${label}“ am Bildschirm (oder auf dem Code-Blatt) und lassen Sie ihn am HV-Tisch scannen.`;

// ---------------------------------------------------------------------------------------------
// Wirkstoffverordnung: the pharmacy chooses the product (aut idem not excluded)
// ---------------------------------------------------------------------------------------------

/** prescribed as substance only (its ingredient, form and pack size go into the prescription) */
export const wirkstoffPrescribed = demoArticle('Ibuprofen Demopharm 400 mg Filmtabletten', 'N2');
/** what the participants dispense: same substance, strength, form and amount, another manufacturer */
export const wirkstoffDispensed = demoArticle('Ibuprofen Musterpharma 400 mg Filmtabletten', 'N1');

const wirkstoffAustausch: Scenario = {
  format: 1,
  name: 'wirkstoff-austausch',
  title: 'Wirkstoffverordnung: die Apotheke wählt das Präparat',
  description:
    'Verordnet ist nur der Wirkstoff: Ibuprofen 400 mg, 20 Filmtabletten. Aut idem ist nicht ausgeschlossen – die ' +
    'Apotheke wählt ein passendes Fertigarzneimittel aus und gibt ein anderes Präparat ab als das, an das man zuerst ' +
    `denkt. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [
    fixedPrescription({
      label: 'Rezept A',
      medication: 'wirkstoff',
      article: wirkstoffPrescribed,
      kvnr: kvnrOf('M', '31415926'),
      authoredOn: CLASS_DAY,
      person: 0.7,
    }),
  ],
  steps: [
    scan('Rezept A'),
    'Die Teilnehmenden lesen die Verordnung: Verordnungsart „Wirkstoffverordnung“, Ibuprofen 400 mg, Filmtabletten, ' +
      '20 Stück, „Aut idem: Austausch erlaubt“. Es ist kein bestimmtes Präparat verordnet – Wirkstoff, Stärke, ' +
      'Darreichungsform und Menge müssen passen.',
    `In der Abgabe die Art auf „Fertigarzneimittel“ stellen und die PZN ${wirkstoffDispensed.pzn} eingeben ` +
      `(${wirkstoffDispensed.name}, ${wirkstoffDispensed.packSize}). Die App übernimmt Bezeichnung und Wirkstoff aus ` +
      'dem Artikelstamm.',
    'Charge und Verfalldatum von der Packung eintragen und „Abgabe übermitteln“. In der „Vorschau für den Patienten“ ' +
      'steht das abgegebene Präparat, nicht der Wirkstoff – so sieht es der Patient in seiner App.',
    '„Abgabe abschließen“. Besprechen Sie: Bei einer Wirkstoffverordnung ist die Auswahl Sache der Apotheke ' +
      '(Rabattverträge beachten). Bei einer PZN-Verordnung mit „Aut idem: Austausch ausgeschlossen“ warnt die App, ' +
      'sobald eine andere PZN erfasst wird.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Freitextverordnung
// ---------------------------------------------------------------------------------------------

export const freitextArticle = demoArticle('Metamizol Demopharm 500 mg Filmtabletten', 'N2');
/** what prescription-generator.ts writes as the prescription text (the steps quote it) */
export const freitextText = `${freitextArticle.name} ${freitextArticle.normSize ?? ''}`.trim();

const freitextVerordnung: Scenario = {
  format: 1,
  name: 'freitext-verordnung',
  title: 'Freitextverordnung',
  description:
    'Die Praxis hat das Arzneimittel als freien Text verordnet. Die Teilnehmenden prüfen den Text auf Eindeutigkeit ' +
    `und Vollständigkeit und geben das gemeinte Fertigarzneimittel ab. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [
    fixedPrescription({
      label: 'Rezept A',
      medication: 'freitext',
      article: freitextArticle,
      kvnr: kvnrOf('H', '27182818'),
      authoredOn: CLASS_DAY,
      person: 0.65,
    }),
  ],
  steps: [
    scan('Rezept A'),
    `Die App zeigt die Verordnungsart „Freitextverordnung“ mit dem Text „${freitextText}“ und den Hinweis ` +
      '„Bitte Vollständigkeit einschließlich Dosierung prüfen.“ Besprechen Sie: Ist eindeutig, was gemeint ist – ' +
      'Wirkstoff, Stärke, Menge, Dosierung? Bei Zweifeln ruft die Apotheke in der Praxis an.',
    `Die App legt eine Abgabeposition mit dem Freitext an. Stellen Sie die Art auf „Fertigarzneimittel“ und geben Sie ` +
      `die PZN ${freitextArticle.pzn} ein (${freitextArticle.name}, ${freitextArticle.packSize} ${freitextArticle.normSize ?? ''}).`,
    'Charge und Verfalldatum eintragen, „Abgabe übermitteln“ und „Abgabe abschließen“. Die Quittung bestätigt die ' +
      'Abgabe des Fertigarzneimittels.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Rezeptur
// ---------------------------------------------------------------------------------------------

const rezeptur: Scenario = {
  format: 1,
  name: 'rezeptur',
  title: 'Rezeptur',
  description:
    'Verordnet ist eine Rezeptur, die die Apotheke herstellt. Die Teilnehmenden lesen Bestandteile und Gesamtmenge, ' +
    'erfassen die Herstellung und geben die Rezeptur ab.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'rezeptur' }],
  steps: [
    scan('Rezept A'),
    'Die Verordnung zeigt die Verordnungsart „Rezeptur“: Bezeichnung, Darreichungsform, Gesamtmenge und die ' +
      'Bestandteile mit ihren Mengen (die Grundlage „ad“ Gesamtmenge). Prüfen Sie Plausibilität und Dosierung wie bei ' +
      'einer Rezeptur auf Papier.',
    'Die App übernimmt die Rezeptur mit ihren Bestandteilen in die Abgabe. Tragen Sie „Hergestellt am“ ein (heute); ' +
      'für Bestandteile aus Fertigarzneimitteln kann die PZN ergänzt werden.',
    '„Abgabe übermitteln“ und in der Patientensicht zeigen: Der Patient sieht die Rezeptur als abgegeben. Dann ' +
      '„Abgabe abschließen“.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Stückelung: three N1 packs for one prescribed N3
// ---------------------------------------------------------------------------------------------

export const stueckelungPrescribed = demoArticle('Salbutamol Demopharm 100 µg Dosieraerosol', 'N3');
export const stueckelungDispensed = demoArticle('Salbutamol Demopharm 100 µg Dosieraerosol', 'N1');

const stueckelung: Scenario = {
  format: 1,
  name: 'stueckelung-drei-packungen',
  title: 'Stückelung: drei kleine Packungen statt einer großen',
  description:
    `Verordnet ist die Großpackung ${stueckelungPrescribed.name}, ${stueckelungPrescribed.packSize} ` +
    `${stueckelungPrescribed.normSize ?? ''}. Sie ist nicht lieferbar; die Apotheke gibt dieselbe Menge in drei ` +
    `Einzelpackungen (${stueckelungDispensed.packSize} ${stueckelungDispensed.normSize ?? ''}) ab. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [
    fixedPrescription({
      label: 'Rezept A',
      medication: 'pzn',
      article: stueckelungPrescribed,
      kvnr: kvnrOf('E', '16180339'),
      authoredOn: CLASS_DAY,
      person: 0.17,
    }),
  ],
  steps: [
    scan('Rezept A'),
    `Verordnet ist 1 Packung ${stueckelungPrescribed.name}, ${stueckelungPrescribed.packSize} ` +
      `${stueckelungPrescribed.normSize ?? ''} (PZN ${stueckelungPrescribed.pzn}). Annahme für die Übung: Die N3 ist ` +
      `nicht lieferbar, die ${stueckelungDispensed.normSize ?? ''} mit ${stueckelungDispensed.packSize} ist vorrätig.`,
    `Ändern Sie in Position 1 die PZN auf ${stueckelungDispensed.pzn} (${stueckelungDispensed.name}, ` +
      `${stueckelungDispensed.packSize} ${stueckelungDispensed.normSize ?? ''}) und setzen Sie „Packungen“ auf 3. Die App ` +
      'setzt „Ausgetauscht“, weil die abgegebene PZN von der verordneten abweicht – das ist hier richtig.',
    'Charge und Verfalldatum eintragen: Drei Packungen derselben Charge bleiben eine Position mit 3 Packungen; ' +
      'Packungen aus verschiedenen Chargen wären je eine eigene Position.',
    '„Abgabe übermitteln“ und in der Patientensicht zeigen: 3 Packungen zu je 1 Stück – zusammen genau die ' +
      'verordnete Menge. Dann „Abgabe abschließen“.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Mehrfachverordnung: part 1 redeemable, parts 2 and 3 later (spec §1.2, A_22635-02)
// ---------------------------------------------------------------------------------------------

export const mvoArticle = demoArticle('Ramipril Musterpharma 5 mg Tabletten', 'N3');
/** MVO-ID of the series (urn:uuid, the same for all parts) */
export const MVO_SERIES_ID = 'urn:uuid:7c1e4a52-93d6-4b1f-a2e8-5d0c6f3b9a17';
export const MVO_AUTHORED_ON = '2026-11-02';
export const mvoParts = [
  { part: 1, start: '2026-11-02', end: '2027-01-31' },
  { part: 2, start: '2027-02-01', end: '2027-04-30' },
  { part: 3, start: '2027-05-01', end: '2027-07-31' },
] as const;

const mehrfachverordnung: Scenario = {
  format: 1,
  name: 'mehrfachverordnung',
  title: 'Mehrfachverordnung: spätere Teile noch nicht einlösbar',
  description:
    `Eine Mehrfachverordnung über ${mvoArticle.name} in drei Teilen. Teil 1 ist seit ` +
    `${germanDate(mvoParts[0].start)} einlösbar, Teil 2 erst ab ${germanDate(mvoParts[1].start)}, Teil 3 ab ` +
    `${germanDate(mvoParts[2].start)}. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: fixedMvoSeries(
    mvoParts.map(({ part, start, end }) => ({
      label: `Teil ${part}`,
      medication: 'pzn' as const,
      article: mvoArticle,
      kvnr: kvnrOf('R', '14142135'),
      authoredOn: MVO_AUTHORED_ON,
      person: 0.35,
      mvo: { part, of: mvoParts.length, start, end },
    })),
    MVO_SERIES_ID,
  ),
  steps: [
    scan('Teil 1'),
    `Die App zeigt „Mehrfachverordnung: Teil 1 von 3“ und den Einlösezeitraum ${germanDate(mvoParts[0].start)} bis ` +
      `${germanDate(mvoParts[0].end)}. Abgabe erfassen, übermitteln und abschließen wie gewohnt.`,
    scan('Teil 2'),
    `Der E-Rezept-Fachdienst gibt Teil 2 nicht heraus. Die App meldet, dass das Rezept noch nicht einlösbar ist ` +
      `(Teilverordnung einer Mehrfachverordnung, einlösbar ab ${germanDate(mvoParts[1].start)}), und bittet, den ` +
      'Patienten zu diesem Datum wiederkommen zu lassen. Es entsteht kein Vorgang.',
    'Besprechen Sie: Nichts ist kaputt – der Code bleibt gültig und der Patient löst Teil 2 ab dem genannten Datum ' +
      `ein, Teil 3 ab ${germanDate(mvoParts[2].start)}. Die Apotheke hebt spätere Teile nicht ungefragt auf.`,
  ],
};

// ---------------------------------------------------------------------------------------------
// Expired (A_23539-01: $accept 403) and Belieferungsfrist passed (A_23798, A_23799)
// ---------------------------------------------------------------------------------------------

export const EXPIRED_AUTHORED_ON = '2026-07-20';
/** 160: Einlösefrist = ausgestellt + 3 Monate (spec §1.2) */
export const EXPIRED_EXPIRY_DATE = '2026-10-20';
export const LATE_AUTHORED_ON = '2026-10-06';
/** 160: Belieferungsfrist = ausgestellt + 28 Tage (spec §1.2) */
export const LATE_ACCEPT_DATE = '2026-11-03';

const rezeptAbgelaufen: Scenario = {
  format: 1,
  name: 'rezept-abgelaufen',
  title: 'Abgelaufenes Rezept und überschrittene Belieferungsfrist',
  description:
    `Zwei Rezepte von Kassenpatienten: „Rezept A“ ist seit dem ${germanDate(EXPIRED_EXPIRY_DATE)} abgelaufen – der ` +
    'E-Rezept-Fachdienst gibt es nicht mehr heraus. Bei „Rezept B“ ist nur die Belieferungsfrist von 28 Tagen ' +
    `vorbei: Abgabe möglich, aber nur noch als Privatrezept. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [
    { label: 'Rezept A', flowType: '160', medication: 'pzn', authoredOn: EXPIRED_AUTHORED_ON },
    { label: 'Rezept B', flowType: '160', medication: 'pzn', authoredOn: LATE_AUTHORED_ON },
  ],
  steps: [
    `${scan('Rezept A')} Es wurde am ${germanDate(EXPIRED_AUTHORED_ON)} ausgestellt.`,
    'Die App meldet: „Das Rezept ist abgelaufen und darf nicht mehr beliefert werden“, der Fachdienst nennt ' +
      `„Verordnung bis ${germanDate(EXPIRED_EXPIRY_DATE)} einlösbar.“ Das Rezept wird nicht abgerufen; der Patient ` +
      'braucht ein neues Rezept von seiner Praxis.',
    `${scan('Rezept B')} Es wurde am ${germanDate(LATE_AUTHORED_ON)} ausgestellt.`,
    'Das Rezept wird abgerufen, aber die App warnt: „Belieferungsfrist überschritten“ (Frist endete am ' +
      `${germanDate(LATE_ACCEPT_DATE)}) – die Krankenkasse übernimmt die Kosten nicht mehr, Abgabe nur noch als ` +
      'Privatrezept.',
    'Besprechen Sie die zwei Fristen: Belieferungsfrist (28 Tage, die Kasse zahlt) und Einlösefrist (3 Monate, danach ' +
      'keine Abgabe mehr). Entscheiden Sie mit der Gruppe: Abgabe auf Privatrezept (der Patient zahlt selbst) oder ' +
      '„Rezept zurückgeben“, damit es nicht blockiert bleibt.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Entlassrezept: the hospital's prescription with the short Belieferungsfrist (legal basis 04, A_19517)
// ---------------------------------------------------------------------------------------------

/** what a hospital prescribes on discharge: the smallest pack (N1) */
export const entlassArticle = demoArticle('Pantoprazol Demopharm 40 mg magensaftresistente Tabletten', 'N1');
/** 3 working days from Tuesday, the class day: Tuesday, Wednesday, Thursday — as the Fachdienst sets it */
export const ENTLASS_ACCEPT_DATE = '2026-11-12';
/** the Einlösefrist stays the flow type's: 3 months */
export const ENTLASS_EXPIRY_DATE = '2027-02-10';

const entlassrezept: Scenario = {
  format: 1,
  name: 'entlassrezept',
  title: 'Entlassrezept aus dem Krankenhaus: kurze Belieferungsfrist',
  description:
    'Eine Patientin kommt nach ihrer Entlassung aus dem Krankenhaus mit einem Entlassrezept (Rechtsgrundlage ' +
    '„Entlassmanagement“). Zulasten der Krankenkasse darf es nur 3 Werktage lang beliefert werden, in der Regel in der ' +
    `kleinsten Packung. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [
    fixedPrescription({
      label: 'Rezept A',
      medication: 'pzn',
      article: entlassArticle,
      kvnr: kvnrOf('H', '14142135'),
      authoredOn: CLASS_DAY,
      person: 0.42,
      legalBasis: '04',
    }),
  ],
  steps: [
    scan('Rezept A'),
    'Die Verordnung zeigt „Rechtsgrundlage: Entlassmanagement“ und darunter, was das an der Kasse heißt: zulasten der ' +
      `Krankenkasse nur bis ${germanDate(ENTLASS_ACCEPT_DATE)}, in der Regel nur die kleinste Packung (N1). Verordnet ist ` +
      `${entlassArticle.name}, ${entlassArticle.packSize} ${entlassArticle.normSize ?? ''}.`,
    `Vergleichen Sie die Fristen: Belieferungsfrist bis ${germanDate(ENTLASS_ACCEPT_DATE)} (Dienstag, Mittwoch, ` +
      `Donnerstag – 3 Werktage einschließlich Ausstellungstag), Einlösefrist bis ${germanDate(ENTLASS_EXPIRY_DATE)}. ` +
      'Beide Daten hat der E-Rezept-Fachdienst festgelegt; die App zeigt sie und erklärt sie unter „Fristen erklärt“.',
    'Abgabe erfassen (Charge, Verfalldatum), „Abgabe übermitteln“ und „Abgabe abschließen“. Besprechen Sie: Käme die ' +
      'Patientin erst am Freitag, warnte die App „Belieferungsfrist überschritten“ – dann nur noch als Privatrezept.',
  ],
};

// ---------------------------------------------------------------------------------------------
// PKV (flow 200) with printed receipt
// ---------------------------------------------------------------------------------------------

const pkvQuittung: Scenario = {
  format: 1,
  name: 'pkv-quittung',
  title: 'Privatversicherter Patient (PKV) mit ausgedruckter Quittung',
  description:
    'Ein privat versicherter Patient legt ein E-Rezept vor. Der Ablauf ist wie bei der Kasse; am Ende bekommt der ' +
    'Patient die Quittung ausgedruckt mit.',
  prescriptions: [{ label: 'Rezept A', flowType: '200', medication: 'pzn' }],
  steps: [
    scan('Rezept A'),
    'Die Verordnung zeigt Rezeptart „Apothekenpflichtige Arzneimittel (PKV)“ und Kostenträger „Privat versichert ' +
      '(PKV)“. Beachten Sie: Belieferungs- und Einlösefrist sind gleich (3 Monate); es gibt keine Zuzahlung – der ' +
      'Patient bezahlt das Arzneimittel und reicht die Kosten selbst bei seiner Versicherung ein.',
    'Abgabe erfassen (Charge, Verfalldatum), „Abgabe übermitteln“ und „Abgabe abschließen“.',
    'Die Quittung des E-Rezept-Fachdienstes erscheint („Quittung erhalten“). Drucken Sie sie mit „Drucken / PDF“ und ' +
      'geben Sie sie dem Patienten mit. Zeigen Sie: Im Training trägt auch der Ausdruck den Vermerk „TRAINING“.',
  ],
};

// ---------------------------------------------------------------------------------------------
// T-Rezept (flow 166, AMVV §3a)
// ---------------------------------------------------------------------------------------------

const tRezept: Scenario = {
  format: 1,
  name: 't-rezept',
  title: 'T-Rezept (Arzneimittel nach § 3a AMVV)',
  description:
    'Ein E-T-Rezept über ein Arzneimittel mit Lenalidomid, Pomalidomid oder Thalidomid. Es ist nur 6 Tage einlösbar ' +
    'und darf nur in der Apotheke abgegeben werden, nicht im Versand.',
  prescriptions: [{ label: 'Rezept A', flowType: '166', medication: 'pzn' }],
  steps: [
    scan('Rezept A'),
    'Die Verordnung zeigt Rezeptart „Arzneimittel nach § 3a AMVV (T-Rezept)“ und den Hinweis „T-Rezept: Abgabe nur in ' +
      'der Apotheke, kein Versand.“ Das Arzneimittel ist als „Arzneimittel nach § 3a AMVV“ gekennzeichnet.',
    'Vergleichen Sie die Fristen: Belieferungs- und Einlösefrist enden beide 6 Tage nach der Ausstellung – danach darf ' +
      'nicht mehr abgegeben werden.',
    'Abgabe erfassen, übermitteln und abschließen. Besprechen Sie: Die Durchschrift für das BfArM, die es beim ' +
      'T-Rezept auf Papier gibt, übermittelt beim E-T-Rezept der Fachdienst nach dem Abschluss elektronisch.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Correction after $dispense (spec §3.4 full replace, §3.12 locked after $close)
// ---------------------------------------------------------------------------------------------

const korrekturNachAbgabe: Scenario = {
  format: 1,
  name: 'korrektur-nach-abgabe',
  title: 'Korrektur nach dem Übermitteln',
  description:
    'Nach „Abgabe übermitteln“ fällt ein Fehler auf. Solange das Rezept nicht abgeschlossen ist, wird korrigiert und ' +
    'die ganze Liste neu übermittelt; der Patient sieht sofort den neuen Stand.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn' }],
  steps: [
    `${scan('Rezept A')} Erfassen Sie die Abgabe mit zwei absichtlichen Fehlern: „Packungen“ 2 statt 1 und eine ` +
      'Charge mit Zahlendreher.',
    '„Abgabe übermitteln“: Die App sendet nicht – 2 Packungen sind mehr als verordnet und brauchen eine Begründung. ' +
      'Für die Übung „Abweichung bestätigen“, eine Begründung eingeben (z. B. „Übung: zwei Packungen“) und noch ' +
      'einmal „Abgabe übermitteln“.',
    'Öffnen Sie im Trainingsbereich die „Patientensicht“ von „Rezept A“: Der Patient sieht die Abgabe – mit 2 ' +
      'Packungen und der falschen Charge, aber ohne die Begründung: Sie bleibt in der Apotheke.',
    'Korrigieren Sie Packungen und Charge. Die App zeigt „Änderungen seit der letzten bestätigten Übermittlung“.',
    '„Abgabe übermitteln“ noch einmal: Die App sendet die vollständige, korrigierte Liste, der Fachdienst ersetzt die ' +
      'alte ganz. Unter „Übermittlungen“ stehen beide Versionen.',
    'In der Patientensicht „Aktualisieren“: nur noch die korrigierte Abgabe, nichts doppelt.',
    '„Abgabe abschließen“. Zeigen Sie: Danach ist die Abgabe gesperrt – nach dem Abschluss lässt sich über das ' +
      'E-Rezept nichts mehr ändern, nur noch über die Abrechnung.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Already claimed by another pharmacy ($accept 409, spec §3.2)
// ---------------------------------------------------------------------------------------------

const schonVergeben: Scenario = {
  format: 1,
  name: 'schon-vergeben',
  title: 'Rezept schon von einer anderen Apotheke abgerufen',
  description:
    'Eine andere Apotheke hat das Rezept bereits abgerufen – zum Beispiel, weil der Patient es in seiner App einer ' +
    'Versandapotheke zugewiesen hat. Der Fachdienst gibt es kein zweites Mal heraus.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn', acceptedBy: OTHER_PHARMACY }],
  steps: [
    scan('Rezept A'),
    'Die App meldet: Das Rezept wird bereits von einer Apotheke bearbeitet oder wurde schon beliefert; bitte den ' +
      'Patienten fragen, ob es schon in einer anderen Apotheke eingelöst wurde. Es entsteht kein Vorgang.',
    'Öffnen Sie die „Patientensicht“ von „Rezept A“: Auch der Patient sieht, dass eine Apotheke das Rezept in ' +
      'Bearbeitung hat.',
    'Besprechen Sie, was der Patient tun kann: die andere Apotheke bitten, das Rezept zurückzugeben – danach ist es ' +
      'hier wieder einlösbar. Welche Apotheke es hat, sieht die Apotheke am HV-Tisch nicht.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Lost answer of $accept: the app recovers with GET ?ac (spec §3.3)
// ---------------------------------------------------------------------------------------------

const secretVerloren: Scenario = {
  format: 1,
  name: 'secret-verloren',
  title: 'Antwort beim Abrufen verloren – die App holt sie nach',
  description:
    'Der Fachdienst ordnet das Rezept der Apotheke zu, aber seine Antwort geht unterwegs verloren. Die App fragt von ' +
    'selbst nach und holt das Rezept samt Berechtigung nach, ohne dass jemand etwas tun muss.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn' }],
  faults: [{ operation: 'accept', count: 1, phase: 'after-commit', drop: true }],
  steps: [
    `${scan('Rezept A')} Eingestellt ist: Der Fachdienst nimmt den Abruf an, die Verbindung bricht aber ab, bevor ` +
      'die Antwort in der Apotheke ankommt.',
    'Die App merkt, dass keine Antwort kam, und fragt beim Fachdienst nach, ob das Rezept schon dieser Apotheke ' +
      'gehört. Es gehört ihr – die App ruft es erneut ab. Nach einem kurzen Moment ist das Rezept geöffnet wie sonst.',
    'Öffnen Sie „Ausstehende Vorgänge“ (Alt+W): „Rezept abrufen“ ist erledigt, mit dem Hinweis, dass nur die Antwort ' +
      'verloren gegangen war.',
    'Besprechen Sie, warum das wichtig ist: Ohne die Berechtigung aus der Antwort (das „Secret“) könnte niemand das ' +
      'Rezept weiterbearbeiten, auch keine andere Apotheke – es wäre blockiert, bis die Apotheke nachfragt.',
    'Geben Sie ab und schließen Sie ab wie gewohnt.',
  ],
};

// ---------------------------------------------------------------------------------------------
// 503 on $dispense: automatic retries with backoff, each after a read (spec §8, A_20884; docs/reliability.md)
// ---------------------------------------------------------------------------------------------

/** four failed calls: with the app's backoff (1 s, 2 s, 4 s, 8 s, halved at random) about 8–15 s of „wird erneut versucht“ */
export const DISPENSE_503_COUNT = 4;

const fachdienst503Abgabe: Scenario = {
  format: 1,
  name: 'fachdienst-503-abgabe',
  title: 'Fachdienst gestört beim Übermitteln (HTTP 503) – die App versucht es erneut',
  description:
    `Beim Übermitteln der Abgabe antwortet der E-Rezept-Fachdienst ${DISPENSE_503_COUNT}-mal mit „503 Service ` +
    'Unavailable“. Die App fragt vor jedem neuen Versuch nach, ob die Liste doch angekommen ist, und wiederholt die ' +
    'Übermittlung nur dann, mit wachsendem Abstand; danach klappt es.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn' }],
  faults: [{ operation: 'dispense', count: DISPENSE_503_COUNT, status: 503, phase: 'before-commit' }],
  steps: [
    `${scan('Rezept A')} Der Abruf funktioniert normal; erfassen Sie die Abgabe wie gewohnt.`,
    '„Abgabe übermitteln“: Die App zeigt „Der E-Rezept-Fachdienst antwortet nicht. Wird erneut versucht – Versuch … ' +
      'von 10, nächster Versuch um …“ und einen Knopf „Abbrechen“. Nichts tun – nur zusehen.',
    `Nach einigen Sekunden gelingt der ${DISPENSE_503_COUNT + 1}. Versuch: „Abgabe übermittelt“. Zeigen Sie in der ` +
      'Patientensicht: Die Abgabe ist genau einmal angekommen.',
    'Besprechen Sie: Vor jedem neuen Versuch fragt die App beim Fachdienst nach, ob die Liste schon angekommen ist – so ' +
      'bekommt der Patient keine doppelte Benachrichtigung, und jede Übermittlung ersetzt ohnehin die ganze Liste. Dauert ' +
      'eine Störung länger, zeigt die Verbindungsanzeige „Fachdienst gestört“; Papierrezepte werden weiter beliefert.',
    '„Abgabe abschließen“.',
  ],
};

// ---------------------------------------------------------------------------------------------
// 429 on $dispense: queued for one hour (spec §8, A_25460)
// ---------------------------------------------------------------------------------------------

const zuVieleAnfragen: Scenario = {
  format: 1,
  name: 'zu-viele-anfragen-429',
  title: 'Zu viele Anfragen (HTTP 429) – Übermittlung nach einer Stunde',
  description:
    'Der E-Rezept-Fachdienst weist die Übermittlung der Abgabe mit „429 Too Many Requests“ ab. Die App sendet ' +
    'frühestens eine Stunde später von selbst erneut und merkt sich den Vorgang. Im Training überspringt der ' +
    'Trainer die Stunde mit „Simulatorzeit +1 Stunde“.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn' }],
  faults: [{ operation: 'dispense', count: 1, status: 429, phase: 'before-commit' }],
  steps: [
    `${scan('Rezept A')} Erfassen Sie die Abgabe wie gewohnt.`,
    '„Abgabe übermitteln“: Die App meldet „zu viele Anfragen“ und nennt die Uhrzeit, ab der sie die ' +
      'Abgabedaten automatisch übermittelt – frühestens in einer Stunde, so verlangt es der Fachdienst. Die Abgabe am ' +
      'HV-Tisch selbst ist davon nicht betroffen.',
    'Öffnen Sie „Ausstehende Vorgänge“ (Alt+W): „Abgabe übermitteln“ wartet („zu viele Anfragen – frühestens um … ' +
      'erneut“). „Jetzt erneut versuchen“ hilft vor Ablauf der Stunde nicht – die App hält die Wartezeit ein.',
    'Drücken Sie im Trainingsbereich „Simulatorzeit +1 Stunde“. Innerhalb etwa einer halben Minute übermittelt die ' +
      'App die Abgabedaten von selbst; der Eintrag in „Ausstehende Vorgänge“ ist dann erledigt.',
    '„Abgabe abschließen“.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Prescriptions by eGK (spec erezept-pharmacy §3.9): only what is still redeemable here is listed
// ---------------------------------------------------------------------------------------------

/** the patient of the eGK scenario: one KVNR, one fictional person on all three prescriptions and on the card */
export const EGK_KVNR = kvnrOf('G', '27182818');
const egkPerson = 0.55;
const egkPrescription = (label: string, article: ReturnType<typeof demoArticle>, authoredOn: string): ScenarioPrescription =>
  fixedPrescription({ label, medication: 'pzn', article, kvnr: EGK_KVNR, authoredOn, person: egkPerson });

const egkDreiRezepte: Scenario = {
  format: 1,
  name: 'egk-drei-rezepte',
  title: 'Rezepte per Gesundheitskarte: drei Rezepte, eines einlösbar',
  description:
    'Eine Patientin hat drei E-Rezepte und gibt nur ihre Gesundheitskarte: „Rezept A“ ist einlösbar, „Rezept B“ ist ' +
    `seit dem ${germanDate(EXPIRED_EXPIRY_DATE)} abgelaufen, „Rezept C“ hat eine andere Apotheke schon abgerufen. ` +
    `Die App zeigt nach dem Stecken der Karte nur, was hier noch eingelöst werden kann. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [
    egkPrescription('Rezept A', mvoArticle, CLASS_DAY),
    egkPrescription('Rezept B', wirkstoffPrescribed, EXPIRED_AUTHORED_ON),
    { ...egkPrescription('Rezept C', freitextArticle, CLASS_DAY), acceptedBy: OTHER_PHARMACY },
  ],
  steps: [
    'Die Teilnehmenden öffnen „Rezepte per Gesundheitskarte“ (Alt+G): Die App wartet auf die Karte.',
    'Drücken Sie im Trainingsbereich bei „Rezept A“ auf „eGK des Patienten stecken“: Die Karte der Patientin steckt ' +
      'jetzt im Kartenterminal dieses Arbeitsplatzes.',
    'Die App liest die Karte und zeigt die Patientin mit nur einem Rezept: „Rezept A“, angehakt. Übernehmen Sie es ' +
      'mit Enter – der Vorgang öffnet sich wie nach dem Scannen.',
    `Besprechen Sie, warum zwei fehlen: „Rezept B“ wurde am ${germanDate(EXPIRED_AUTHORED_ON)} ausgestellt und ist ` +
      'abgelaufen; „Rezept C“ ist schon bei einer anderen Apotheke in Bearbeitung. Beides zeigt der Fachdienst ' +
      'einer Apotheke über die Karte nicht an.',
    'Fragt die Patientin nach „Rezept C“: Sie kann die andere Apotheke bitten, es zurückzugeben; danach erscheint es ' +
      'beim nächsten Stecken der Karte wieder.',
    'Zum Schluss „eGK mit veralteten Daten stecken“: Die Patientin ist umgezogen, die Karte kennt die neue Straße ' +
      'nicht. Der Fachdienst lehnt die Abfrage ab („Versichertendaten der Karte passen nicht“) – die Patientin lässt ' +
      'ihre Karte bei der Krankenkasse aktualisieren; bis dahin hilft der Rezeptcode aus ihrer App.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Zuweisung from the patient's app (spec erezept-pharmacy §3.11): the prescription waits in the inbox
// ---------------------------------------------------------------------------------------------

/** The patient of a fixed prescription as its bundle names them (what the wish carries). */
function patientOf(entry: ScenarioPrescription): { name: string; addressLines: string[] } {
  const read = 'kbvBundleXml' in entry ? readPrescriptionXml(entry.kbvBundleXml) : undefined;
  if (!read?.ok) throw new Error('Trainings-Deck: Patientin der festen Verordnung nicht lesbar');
  const { name, address } = read.data.patient;
  return { name, addressLines: (address ?? '').split(', ').filter((line) => line !== '') };
}

export const zuweisungAbholungArticle = demoArticle('Ibuprofen Demopharm 400 mg Filmtabletten', 'N2');
const abholungRezept = fixedPrescription({
  label: 'Rezept A',
  medication: 'pzn',
  article: zuweisungAbholungArticle,
  kvnr: kvnrOf('Z', '11235813'),
  authoredOn: CLASS_DAY,
  person: 0.25,
});
/** the patient's wish as her app sends it (payload v1) */
export const abholungWish = {
  supplyOptionsType: 'onPremise',
  name: patientOf(abholungRezept).name,
  phone: '030 1234567',
  hint: 'Ich komme heute gegen 17 Uhr vorbei.',
} as const;

const zuweisungAbholung: Scenario = {
  format: 1,
  name: 'zuweisung-abholung',
  title: 'Zuweisung aus der E-Rezept-App: Abholung in der Apotheke',
  description:
    `${abholungWish.name} hat sein E-Rezept in der E-Rezept-App dieser Apotheke zugewiesen und möchte es abholen. Die ` +
    'Zuweisung wartet in „Nachrichten“ – das Rezept wird angenommen, ohne dass ein Code gescannt wird. ' +
    CLASS_DAY_TEXT,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [{ ...abholungRezept, dispReq: abholungWish }],
  steps: [
    'Der Patient hat sein Rezept in seiner App an diese Apotheke geschickt. Öffnen Sie „Nachrichten“ (Alt+Z) – die ' +
      'Zuweisung ist da (die App hat beim Laden des Szenarios abgerufen; sonst alle 5 Minuten oder mit „Aktualisieren“).',
    `Die Teilnehmenden lesen den Wunsch: Abholung in der Apotheke, Name ${abholungWish.name}, Telefon ` +
      `${abholungWish.phone} und der Hinweis „${abholungWish.hint}“.`,
    '„Annehmen“: Die App ruft das Rezept beim E-Rezept-Fachdienst ab – wie nach dem Scannen – und öffnet den ' +
      `Vorgang mit ${zuweisungAbholungArticle.name}.`,
    'Antworten Sie im Vorgang unter „Nachrichten an den Patienten“ mit der Vorlage „Liegt zur Abholung bereit“: Die ' +
      'Patientensicht im Trainer-Panel zeigt, was in seiner App ankommt – Text und Abholcode.',
    'Erfassen Sie die Abgabe, wenn der Patient kommt: „Abgabe übermitteln“ und „Abgabe abschließen“ wie gewohnt.',
    'Besprechen Sie: Ein zugewiesenes Rezept gehört der Apotheke erst mit „Annehmen“. Kann die Apotheke es nicht ' +
      'beliefern, „Verwerfen“ – das Rezept bleibt für den Patienten einlösbar. Eine Antwort an ihn (z. B. ' +
      '„liegt ab 14 Uhr bereit“) sieht er in seiner App.',
  ],
};

export const zuweisungBotendienstArticle = demoArticle('Ramipril Musterpharma 5 mg Tabletten', 'N3');
const botendienstRezept = fixedPrescription({
  label: 'Rezept A',
  medication: 'pzn',
  article: zuweisungBotendienstArticle,
  kvnr: kvnrOf('B', '31415927'),
  authoredOn: CLASS_DAY,
  person: 0.45,
});
export const botendienstWish = {
  supplyOptionsType: 'delivery',
  name: patientOf(botendienstRezept).name,
  address: patientOf(botendienstRezept).addressLines,
  phone: '030 7654321',
  hint: 'Bitte zweimal klingeln, Hinterhaus.',
} as const;

const zuweisungBotendienst: Scenario = {
  format: 1,
  name: 'zuweisung-botendienst',
  title: 'Zuweisung aus der E-Rezept-App: Lieferung durch den Botendienst',
  description:
    `${botendienstWish.name} hat sein E-Rezept in der E-Rezept-App dieser Apotheke zugewiesen und wünscht die Lieferung nach ` +
    `Hause, mit Anschrift und Hinweis für den Boten. ${CLASS_DAY_TEXT}`,
  clock: CLASS_DAY_CLOCK,
  prescriptions: [{ ...botendienstRezept, dispReq: botendienstWish }],
  steps: [
    'Öffnen Sie „Nachrichten“ (oder „Aktualisieren“): Eine neue Zuweisung aus der E-Rezept-App ist da.',
    `Die Teilnehmenden lesen den Wunsch: Lieferung durch den Botendienst an ${botendienstWish.name}, ` +
      `${botendienstWish.address.join(', ')}, Telefon ${botendienstWish.phone}, Hinweis „${botendienstWish.hint}“.`,
    `„Annehmen“: Der Vorgang mit ${zuweisungBotendienstArticle.name} öffnet sich wie nach dem Scannen.`,
    'Die Abgabe erfassen, wenn der Bote losfährt; „Abgabe übermitteln“ und nach der Übergabe „Abgabe abschließen“.',
    'Besprechen Sie: Anschrift und Telefonnummer stehen nur in der Zuweisung – die App zeigt sie beim Vorgang, damit ' +
      'der Bote sie hat. Wünscht der Patient etwas, das die Apotheke nicht anbietet, antwortet die Apotheke ihm oder ' +
      'verwirft die Zuweisung.',
  ],
};

/**
 * The deck in the order of a class. It includes the two built-in samples unchanged (standard-gkv-pzn: the
 * whole counter workflow; fachdienst-503: $accept answers 503 twice).
 */
export const trainingDeck: readonly Scenario[] = [
  standardGkvPzn,
  wirkstoffAustausch,
  freitextVerordnung,
  rezeptur,
  stueckelung,
  mehrfachverordnung,
  rezeptAbgelaufen,
  entlassrezept,
  pkvQuittung,
  tRezept,
  korrekturNachAbgabe,
  schonVergeben,
  egkDreiRezepte,
  zuweisungAbholung,
  zuweisungBotendienst,
  secretVerloren,
  fachdienst503,
  fachdienst503Abgabe,
  zuVieleAnfragen,
];
