/**
 * Which kbv.ita.erp version a bundle claims, and whether we read it. Prescriptions a pharmacy receives today
 * are KBV 1.3 (1.3.x), from 2026-07-01 also 1.4 (1.4.x); 1.4 only from 2027-01-15 (spec §0, KBV Technische
 * Anlage ERP 1.73 KP36-04). Instances reference profiles without patch version (`|1.3`), but a patch
 * version is tolerated.
 */
import { err, ok, type Result } from '../../ipc/result';
import { type Json, profilesOf, splitCanonical } from './fhir-json';
import { KbvProfiles } from './kbv-urls';
import type { ReadError } from './read-error';

const supportedKbvVersions = ['1.3', '1.4'] as const;
type SupportedKbvVersion = (typeof supportedKbvVersions)[number];

/** The version as sent (e.g. "1.3", "1.0.1"), or undefined when the bundle is no KBV_PR_ERP_Bundle. */
export function claimedKbvVersion(bundle: Json): string | undefined {
  for (const profile of profilesOf(bundle)) {
    const { url, version } = splitCanonical(profile);
    if (url === KbvProfiles.bundle) return version ?? '';
  }
  return undefined;
}

export function checkKbvVersion(bundle: Json): Result<SupportedKbvVersion, ReadError> {
  const claimed = claimedKbvVersion(bundle);
  if (claimed === undefined) {
    return err({
      code: 'not-kbv-bundle',
      message: 'Kein KBV-Verordnungsdatensatz: das Profil KBV_PR_ERP_Bundle fehlt',
    });
  }
  const majorMinor = /^(\d+\.\d+)(\.\d+)?$/.exec(claimed)?.[1];
  const supported = supportedKbvVersions.find((v) => v === majorMinor);
  if (supported === undefined) {
    return err({
      code: 'unsupported-version',
      message: `KBV-Version nicht unterstützt: ${claimed === '' ? 'ohne Versionsangabe' : claimed}`,
      kbvVersion: claimed,
    });
  }
  return ok(supported);
}
