/**
 * „Apotheke & Personal“ in „Einstellungen & Info“ (issue 18, item 8): the staff list (Kürzel, name, active), this
 * counter's name and — in training — the pharmacy's name and Telematik-ID. Every rule answers per field in German;
 * nothing is saved unless all hold. A save takes effect at once: `app-info-changed` makes every screen read the new
 * AppInfo (header, staff switch), no restart.
 *
 * Rules and why:
 * - Kürzel: 2–8 letters or digits, stored in capitals, unique regardless of case — the history and the audit name
 *   people by Kürzel (architecture §2), so two spellings of one Kürzel would be two people in the record.
 * - Nobody is deleted: every Kürzel of the list as it is must still be there (set inactive instead), so a Kürzel in
 *   the history never loses its name, and never comes back for someone else.
 * - At least one member stays active — otherwise nobody could act at the counter (every change needs a Kürzel).
 * - Deactivating the current member signs them off (SettingsService.applyPharmacySetup): the next action asks for a
 *   Kürzel, rather than refusing the save and making the person switch first.
 * - The pharmacy over the TI comes from the SMC-B (spec ti-transport §2.8: the IDP's `idNummer`,
 *   `organizationName`), so it is refused here; in training it is free, the Telematik-ID in the format the app checks
 *   everywhere (shared/erezept/identifiers.ts `parseTelematikId`, a pharmacy's starting with 3- or 9-), and it stays
 *   while prescriptions are in Abgabe — they were claimed with the old one and can only be ended with it.
 */
import { parseTelematikId, isPharmacyTelematikId } from '../../shared/erezept/identifiers';
import type { PharmacySetup, PharmacySetupInput, PharmacySetupProblem } from '../../shared/ipc/contract';
import type { EventHub } from './events';
import type { PharmacySetupValues, SettingsService } from './settings';

const KUERZEL = /^[A-ZÄÖÜ0-9]{2,8}$/;
const MAX_NAME = 80;
const MAX_COUNTER_NAME = 40;

export interface PharmacySetupSaved {
  saved: boolean;
  setup: PharmacySetup;
  problems: PharmacySetupProblem[];
}

export interface PharmacySetupDeps {
  settings: Pick<SettingsService, 'staffList' | 'counterName' | 'pharmacy' | 'pharmacyFromCard' | 'applyPharmacySetup'>;
  /** prescriptions in Abgabe (accepted or dispensed): the Telematik-ID does not change under them */
  openCaseCount(): Promise<number>;
  /** absent: nobody else is told (the caller applies the answer itself) */
  events?: Pick<EventHub, 'emit'>;
}

export class PharmacySetupService {
  constructor(private readonly deps: PharmacySetupDeps) {}

  view(): PharmacySetup {
    const { settings } = this.deps;
    return {
      staff: settings.staffList().map(({ kuerzel, name, active }) => ({ kuerzel, name, active: active !== false })),
      counterName: settings.counterName(),
      pharmacy: settings.pharmacy(),
      pharmacySource: settings.pharmacyFromCard() ? 'smcb' : 'settings',
    };
  }

  async save(input: PharmacySetupInput): Promise<PharmacySetupSaved> {
    const current = this.view();
    const { values, problems } = checkPharmacySetup(input, current);
    if (values?.pharmacy && values.pharmacy.telematikId !== current.pharmacy.telematikId) {
      const open = await this.deps.openCaseCount();
      if (open > 0) problems.push({ field: 'pharmacy.telematikId', message: openCasesMessage(open) });
    }
    if (!values || problems.length > 0) return { saved: false, setup: current, problems };
    await this.deps.settings.applyPharmacySetup(values);
    this.deps.events?.emit({ type: 'app-info-changed' });
    return { saved: true, setup: this.view(), problems: [] };
  }
}

/** The rules that need nothing but the request and the set-up as it is; `values` only when there is no problem. */
function checkPharmacySetup(input: PharmacySetupInput, current: PharmacySetup): { values?: PharmacySetupValues; problems: PharmacySetupProblem[] } {
  const problems: PharmacySetupProblem[] = [];
  const staff = checkStaff(input.staff, current.staff, problems);
  const counterName = input.counterName.trim();
  if (counterName.length > MAX_COUNTER_NAME) {
    problems.push({ field: 'counterName', message: `Der Name der Kasse hat höchstens ${MAX_COUNTER_NAME} Zeichen (jetzt ${counterName.length}).` });
  }
  const pharmacy = input.pharmacy ? checkPharmacy(input.pharmacy, current.pharmacySource, problems) : undefined;
  if (problems.length > 0) return { problems };
  return { values: { staff, counterName, ...(pharmacy ? { pharmacy } : {}) }, problems };
}

function checkStaff(rows: PharmacySetupInput['staff'], before: PharmacySetup['staff'], problems: PharmacySetupProblem[]): PharmacySetupValues['staff'] {
  const seen = new Map<string, number>();
  const staff = rows.map((row, index) => {
    const kuerzel = row.kuerzel.trim().toLocaleUpperCase('de');
    const name = row.name.trim();
    if (!KUERZEL.test(kuerzel)) {
      problems.push({ field: `staff.${index}.kuerzel`, message: 'Das Kürzel hat 2 bis 8 Buchstaben oder Ziffern, ohne Leerzeichen.' });
    } else if (seen.has(kuerzel)) {
      problems.push({ field: `staff.${index}.kuerzel`, message: `Das Kürzel „${kuerzel}“ steht schon in Zeile ${(seen.get(kuerzel) ?? 0) + 1} – jedes Kürzel gehört zu genau einer Person.` });
    } else {
      seen.set(kuerzel, index);
    }
    if (name === '') problems.push({ field: `staff.${index}.name`, message: 'Bitte den Namen eintragen.' });
    else if (name.length > MAX_NAME) problems.push({ field: `staff.${index}.name`, message: `Der Name hat höchstens ${MAX_NAME} Zeichen (jetzt ${name.length}).` });
    return { kuerzel, name, active: row.active };
  });
  const missing = before.map((member) => member.kuerzel).filter((kuerzel) => !seen.has(kuerzel.toLocaleUpperCase('de')));
  if (missing.length > 0) {
    problems.push({
      field: 'staff',
      message: `${missing.map((k) => `„${k}“`).join(', ')} ${missing.length === 1 ? 'fehlt' : 'fehlen'} in der Liste. Mitarbeitende werden nicht gelöscht, sondern auf „nicht aktiv“ gesetzt – ihr Kürzel steht in der Historie.`,
    });
  }
  if (!staff.some((member) => member.active)) {
    problems.push({ field: 'staff', message: 'Mindestens eine Person muss aktiv sein – sonst kann niemand am HV-Tisch arbeiten.' });
  }
  return staff;
}

function checkPharmacy(
  input: NonNullable<PharmacySetupInput['pharmacy']>,
  source: PharmacySetup['pharmacySource'],
  problems: PharmacySetupProblem[],
): PharmacySetupValues['pharmacy'] {
  if (source === 'smcb') {
    problems.push({
      field: 'pharmacy',
      message: 'Name und Telematik-ID der Apotheke kommen mit der TI von der SMC-B (bei jeder Anmeldung) und lassen sich hier nicht ändern.',
    });
    return undefined;
  }
  const name = input.name.trim();
  const telematikId = input.telematikId.trim();
  if (name === '') problems.push({ field: 'pharmacy.name', message: 'Bitte den Namen der Apotheke eintragen.' });
  else if (name.length > MAX_NAME) problems.push({ field: 'pharmacy.name', message: `Der Name der Apotheke hat höchstens ${MAX_NAME} Zeichen (jetzt ${name.length}).` });
  const parsed = parseTelematikId(telematikId);
  if (!parsed.ok) {
    problems.push({
      field: 'pharmacy.telematikId',
      message: 'Die Telematik-ID beginnt mit einer Ziffer und einem Bindestrich, danach bis zu 126 Zeichen ohne Leerzeichen (z. B. 3-SMC-B-Testkarte-883110000095957).',
    });
  } else if (!isPharmacyTelematikId(parsed.data)) {
    problems.push({ field: 'pharmacy.telematikId', message: 'Die Telematik-ID einer Apotheke beginnt mit „3-“ (oder „9-“).' });
  }
  return { name, telematikId };
}

const openCasesMessage = (open: number): string =>
  `Die Telematik-ID kann nicht geändert werden, solange ${open === 1 ? 'ein Rezept' : `${open} Rezepte`} in Abgabe ${open === 1 ? 'ist' : 'sind'} – ` +
  'sie wurden mit der bisherigen abgerufen. Bitte zuerst abschließen oder zurückgeben.';
