/**
 * GET /metadata — the CapabilityStatement (FD MetaDataHandler: any authenticated role, no Task). It names what
 * this simulator serves to pharmacies and insurants: the Task reads and operations of spec §3, the insurant's
 * MedicationDispense search (§3.10) and the Communications (§3.11, the FD's interactions and search parameters),
 * with the workflow 1.6 profiles. Not offered: $create/$activate, ChargeItem, Consent, AuditEvent
 * (docs/simulator.md "Deviations").
 */
import { OperationDefinitions, Profiles, versioned } from '../../../shared/fhir/profiles';
import type { FhirResourceJson } from '../../../shared/fhir/xml';
import { SIMULATOR_VERSION } from '../receipt';
import { CommunicationProfiles } from './communication/message';
import type { OperationRequest, OperationResult, SimulatorState } from './context';

/** Release date of the FD version the simulator imitates (1.22.0, spec §0). */
export const SIMULATOR_RELEASE_DATE = '2026-08-06';

export function capabilityStatement(): FhirResourceJson {
  const operation = (name: keyof typeof OperationDefinitions): Record<string, string> => ({
    name,
    definition: OperationDefinitions[name],
  });
  return {
    resourceType: 'CapabilityStatement',
    name: 'Gem_erxCapabilityStatement',
    title: 'E-Rezept Workflow CapabilityStatement',
    status: 'draft',
    date: SIMULATOR_RELEASE_DATE,
    kind: 'instance',
    software: {
      name: 'eRx Counter Fachdienst-Simulator',
      version: SIMULATOR_VERSION,
      releaseDate: SIMULATOR_RELEASE_DATE,
    },
    implementation: {
      description: 'E-Rezept-Fachdienst-Simulator – nur für Test und Schulung, keine Verbindung zur TI',
    },
    fhirVersion: '4.0.1',
    format: ['xml', 'json'],
    rest: [
      {
        mode: 'server',
        resource: [
          {
            type: 'Task',
            profile: versioned(Profiles.task),
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            operation: [
              operation('accept'),
              operation('reject'),
              operation('dispense'),
              operation('close'),
              operation('abort'),
            ],
          },
          {
            type: 'Communication',
            supportedProfile: [versioned(CommunicationProfiles.DispReq), versioned(CommunicationProfiles.Reply)],
            interaction: [{ code: 'create' }, { code: 'read' }, { code: 'delete' }, { code: 'search-type' }],
            searchParam: ['sent', 'received', 'sender', 'recipient'].map((name) => ({
              name,
              type: name === 'sent' || name === 'received' ? 'date' : 'string',
            })),
          },
          {
            type: 'MedicationDispense',
            profile: versioned(Profiles.medicationDispense),
            interaction: [{ code: 'search-type' }],
            searchParam: [{ name: 'identifier', type: 'token' }],
          },
        ],
      },
    ],
  };
}

export async function getMetadata(
  _state: SimulatorState,
  _request: OperationRequest,
): Promise<OperationResult> {
  return { status: 200, resource: capabilityStatement() };
}
