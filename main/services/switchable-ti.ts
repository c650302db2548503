/**
 * The TI connection as the Fachdienst client sees it while its settings may change (docs/ti.md „Settings“): one
 * `Transport` and one `AccessTokenProvider` for the app's lifetime, delegating to a connection built from the
 * settings on first use and built afresh after they were saved — the next call signs in with the new Konnektor
 * and card. A connection that cannot be built (nothing set up) fails each call on hop `konnektor`, before anything
 * is sent.
 */
import type { AccessTokenProvider } from '../fachdienst/access-token';
import type { Transport } from '../fachdienst/transport';
import type { TiConnection } from '../ti/ti-connection';

export class SwitchableTi {
  private current: TiConnection | undefined;

  constructor(private readonly build: () => TiConnection) {}

  /** The connection in use; throws the set-up problem as a TiError. */
  connection(): TiConnection {
    this.current ??= this.build();
    return this.current;
  }

  /** The settings changed: the next call builds the connection anew (the old token is dropped with it). */
  reset(): void {
    this.current = undefined;
  }

  readonly transport: Transport = {
    send: async (request) => this.connection().transport.send(request),
  };

  readonly tokens: AccessTokenProvider = {
    getToken: async () => this.connection().tokens.getToken(),
    invalidate: () => this.current?.tokens.invalidate(),
  };
}
