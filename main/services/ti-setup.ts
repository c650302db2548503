/**
 * The TI section of „Einstellungen & Info“ (docs/ti.md „Settings“): read and save the TI settings, list the inserted
 * SMC-Bs to choose one. Only with backend `ti` — the simulators have no Konnektor. A saved change takes effect with
 * the next call: the connection is built afresh and signs in again.
 */
import type { SmcbCard, TiSettings, TiSettingsInput } from '../../shared/ipc/contract';
import { failure } from '../errors';
import type { Clock } from './clock';
import type { EventHub } from './events';
import type { SwitchableTi } from './switchable-ti';
import type { TiSettingsSaved, TiSettingsService } from './ti-settings';

export const NOT_TI_MESSAGE =
  'Die TI-Einstellungen gibt es nur, wenn die App mit der TI arbeitet (Start mit „--backend ti“). Im Training mit dem Simulator gibt es keinen Konnektor.';

export class TiSetupService {
  constructor(
    private readonly deps: {
      /** absent: not backend `ti` */
      ti?: { settings: TiSettingsService; connection: SwitchableTi };
      events: EventHub;
      clock: Clock;
    },
  ) {}

  view(): TiSettings {
    return this.requireTi().settings.view();
  }

  async save(input: TiSettingsInput): Promise<TiSettingsSaved> {
    const ti = this.requireTi();
    const result = await ti.settings.save(input);
    if (result.saved) {
      ti.connection.reset();
      // the Fachdienst's address may have changed with the environment
      this.deps.events.emit({ type: 'app-info-changed' });
    }
    return result;
  }

  /** The SMC-Bs the Konnektor lists with the saved settings (`GetCards`, spec ti-transport §3.3). */
  async listSmcbs(): Promise<SmcbCard[]> {
    return this.requireTi().connection.connection().smcb.listSmcbs();
  }

  private requireTi(): { settings: TiSettingsService; connection: SwitchableTi } {
    if (!this.deps.ti) throw failure('not-available', NOT_TI_MESSAGE, { at: this.deps.clock.now() });
    return this.deps.ti;
  }
}
