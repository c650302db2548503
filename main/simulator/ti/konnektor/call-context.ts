/**
 * The call context check every Konnektor operation starts with (spec ti-transport §3.2; gemSpec_Kon TUC_KON_000):
 * MandantId, ClientSystemId and WorkplaceId must name what the Konnektor's information model knows — here one
 * configured triple, by default the API examples' `Mandant1`/`CS1`/`AP1`. UserId is optional and not checked.
 * Beside the configured workplace the Konnektor knows every workplace that has an eGK terminal
 * (konnektor-state.ts: the control API put an eGK there). The fault codes and why they were chosen:
 * konnektor-fault.ts.
 */
import type { Element } from '@xmldom/xmldom';
import { Faults } from './konnektor-fault';
import { readContext } from './soap-envelope';

export interface KonnektorContextConfig {
  mandantId: string;
  clientSystemId: string;
  workplaceId: string;
}

export const DEFAULT_CONTEXT: KonnektorContextConfig = { mandantId: 'Mandant1', clientSystemId: 'CS1', workplaceId: 'AP1' };

/** Workplaces the Konnektor knows besides the configured one (the state's eGK terminals). */
export interface KnownWorkplaces {
  hasEgkTerminal(workplaceId: string): boolean;
}

/**
 * Throws the Konnektor's fault when the operation's context is missing, incomplete or names unknown ids; returns
 * the caller's WorkplaceId (whose card terminal holds the eGK the caller may read).
 */
export function checkContext(operation: Element, expected: KonnektorContextConfig, workplaces?: KnownWorkplaces): string {
  const context = readContext(operation);
  if (context === undefined) throw Faults.contextIncomplete();
  const { mandantId, clientSystemId, workplaceId } = context;
  if (!mandantId || !clientSystemId || !workplaceId) throw Faults.contextIncomplete();
  if (mandantId !== expected.mandantId) throw Faults.unknownMandant(mandantId);
  if (clientSystemId !== expected.clientSystemId) throw Faults.unknownClientSystem(clientSystemId);
  if (workplaceId !== expected.workplaceId && workplaces?.hasEgkTerminal(workplaceId) !== true) throw Faults.unknownWorkplace(workplaceId);
  return workplaceId;
}
