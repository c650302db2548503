/**
 * The PoPP variant of the eGK path, prepared (spec erezept-pharmacy §3.9: `GET /Task` with `X-PoPP-Token`, the
 * successor of the VSDM Prüfungsnachweis). After the card is read, a PoPP service issues a token that names the
 * pharmacy (`actorId`) and the patient; the Fachdienst checks it. How a real Primärsystem obtains the token is not
 * in our material: only the simulator's PoPP service exists here (`/_sim/egk/popp-token`), and nothing of it is
 * verified against a real one (docs/egk.md „PoPP“). Not selectable in the app yet.
 */
import { z } from 'zod';
import { failure } from '../errors';
import type { Transport } from '../fachdienst/transport';
import type { EgkCardReader, EgkReading } from './egk-lookup';

export interface PoppTokenSource {
  /** a token for this patient's card, just read, issued to this pharmacy */
  tokenFor(kvnr: string): Promise<string>;
}

const poppAnswerSchema = z.object({ token: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/).max(8192) });

/** The simulator's PoPP service (training only: it is a control route of the simulator). */
export class SimulatorPoppTokenSource implements PoppTokenSource {
  constructor(
    private readonly deps: {
      transport: Transport;
      telematikId: () => string;
      now: () => Date;
    },
  ) {}

  async tokenFor(kvnr: string): Promise<string> {
    const response = await this.deps.transport.send({
      method: 'POST',
      path: '_sim/egk/popp-token',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ kvnr, telematikId: this.deps.telematikId() }),
    });
    const parsed = response.status === 200 ? poppAnswerSchema.safeParse(safeJson(response.body)) : undefined;
    if (!parsed?.success) {
      throw failure('egk-popp', 'Der PoPP-Dienst hat keinen gültigen Anwesenheitsnachweis ausgestellt. Bitte die Karte erneut einlesen.', {
        detail: `POST _sim/egk/popp-token → HTTP ${response.status}`,
        at: this.deps.now(),
      });
    }
    return parsed.data.token;
  }
}

/** Reads the card as usual, then proves the presence with a PoPP token instead of the Prüfungsnachweis. */
export function withPoppProof(reader: EgkCardReader, popp: PoppTokenSource): EgkCardReader {
  return {
    inserted: () => reader.inserted(),
    read: async (): Promise<EgkReading> => {
      const reading = await reader.read();
      if (reading.proof.kind !== 'vsdm') return reading;
      const { pnResult: _ignored, ...rest } = reading;
      return { ...rest, proof: { kind: 'popp', token: await popp.tokenFor(reading.proof.kvnr) } };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
