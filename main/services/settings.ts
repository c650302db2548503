/**
 * App settings and the people at the counter (architecture §2 "People and time"): the pharmacy identity
 * (Telematik-ID), the staff list and the current staff member, whose Kürzel goes with every state-changing
 * call. No password in this version; switching is a shortcut in the UI.
 */
import { z } from 'zod';
import {
  staffMemberSchema,
  type AppInfo,
  type BackendKind,
  type StaffMember,
} from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { SettingsRepository } from '../store/settings';
import type { Clock } from './clock';

export interface PharmacyIdentity {
  telematikId: string;
  name: string;
}

/** The demo pharmacy of the simulator's test PKI (training mode). */
export const DEFAULT_PHARMACY: PharmacyIdentity = {
  telematikId: '3-SMC-B-Testkarte-883110000095957',
  name: 'Demo-Apotheke am Markt',
};

export const DEFAULT_STAFF: StaffMember[] = [
  { kuerzel: 'AB', name: 'Anna Becker' },
  { kuerzel: 'CD', name: 'Can Demir' },
];

const Keys = { pharmacy: 'pharmacy', staffList: 'staffList', currentStaff: 'currentStaff' } as const;

const pharmacySchema = z.object({ telematikId: z.string().min(3), name: z.string().min(1) });

export interface SettingsServiceOptions {
  settings: SettingsRepository;
  backend: { kind: BackendKind; url: string };
  appVersion: string;
  clock: Clock;
}

export class SettingsService {
  constructor(private readonly options: SettingsServiceOptions) {}

  getAppInfo(): AppInfo {
    const { backend, appVersion } = this.options;
    return {
      version: appVersion,
      backend: backend.kind,
      training: backend.kind !== 'ti',
      fachdienstUrl: backend.url,
      pharmacy: this.pharmacy(),
      staff: this.currentStaff(),
      staffList: this.staffList(),
    };
  }

  /** Selects the staff member by Kürzel (case-insensitive); an empty Kürzel signs the current one off. */
  setStaff(kuerzel: string): AppInfo {
    const wanted = kuerzel.trim();
    if (wanted === '') {
      this.options.settings.set(Keys.currentStaff, null);
      return this.getAppInfo();
    }
    const member = this.staffList().find((s) => s.kuerzel.toLocaleUpperCase('de') === wanted.toLocaleUpperCase('de'));
    if (!member) {
      throw failure('not-found', `Das Kürzel „${wanted}“ gehört zu keinem Mitarbeiter dieser Apotheke. Bitte ein Kürzel aus der Liste wählen.`, {
        at: this.options.clock.now(),
      });
    }
    this.options.settings.set(Keys.currentStaff, member.kuerzel);
    return this.getAppInfo();
  }

  currentStaff(): StaffMember | null {
    const kuerzel = this.options.settings.get(Keys.currentStaff);
    return typeof kuerzel === 'string' ? (this.staffList().find((s) => s.kuerzel === kuerzel) ?? null) : null;
  }

  /** Every state-changing call names who did it (architecture §2): without a current staff member, nothing happens. */
  requireStaff(): StaffMember {
    const staff = this.currentStaff();
    if (!staff) {
      throw failure('staff-required', 'Bitte zuerst das eigene Kürzel wählen – jede Aktion am Rezept wird einer Person zugeordnet.', {
        at: this.options.clock.now(),
      });
    }
    return staff;
  }

  staffList(): StaffMember[] {
    const parsed = z.array(staffMemberSchema).min(1).safeParse(this.options.settings.get(Keys.staffList));
    return parsed.success ? parsed.data : DEFAULT_STAFF;
  }

  pharmacy(): PharmacyIdentity {
    const parsed = pharmacySchema.safeParse(this.options.settings.get(Keys.pharmacy));
    return parsed.success ? parsed.data : DEFAULT_PHARMACY;
  }
}
