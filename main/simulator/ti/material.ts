/**
 * The simulated TI's TEST-ONLY keys and certificates (material/NOTICE): the VAU key, the IDP's keys, the SMC-B
 * cards of the simulated Konnektor. They sit beside the sources, never in the packaged app; the simulator finds
 * the folder by walking up from its own file (source or bundle in out/node/), or takes it from
 * `ERX_TI_SIMULATION_MATERIAL`. The RSA-only SMC-B (`smcb-rsa/`, NOTICE there) is in play only when asked for
 * (`ERX_TI_SIMULATION_RSA_CARD=1`), so the default card list stays the two ECC cards.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FOLDER = join('main', 'simulator', 'ti', 'material');
const RSA_CARD_FOLDER = 'smcb-rsa';

export interface SigningMaterial {
  certificate: X509Certificate;
  privateKey: KeyObject;
}

export interface TiSimulationMaterial {
  folder: string;
  vau: SigningMaterial;
  idpDiscovery: SigningMaterial;
  idpSignature: SigningMaterial;
  idpEncryptionKey: KeyObject;
  /** the simulation's own CA: the anchor the app accepts for a TI simulation on loopback */
  simulationCa: X509Certificate;
  /** issuers the simulated IDP accepts for card certificates (with the RSA card in play: its CA too) */
  cardCas: X509Certificate[];
  /** ICCSN → the SMC-B card's certificate (DER file) and key; the folder `smcb/` holds one folder per card */
  smcbs: Map<string, SigningMaterial>;
  smcbFolder: string;
  /** the RSA-only SMC-B's folder (one card folder inside, as in `smcb/`) when it is in play */
  rsaSmcbFolder?: string;
}

export class MissingMaterialError extends Error {
  constructor() {
    super(`TI-Simulation: Ordner ${FOLDER} nicht gefunden (nur in einem Quellstand vorhanden, nie in der installierten App)`);
    this.name = 'MissingMaterialError';
  }
}

export function findMaterialFolder(start: string = dirname(fileURLToPath(import.meta.url))): string {
  const configured = process.env['ERX_TI_SIMULATION_MATERIAL'];
  if (configured) return configured;
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, FOLDER);
    if (existsSync(join(candidate, 'NOTICE'))) return candidate;
    if (dirname(dir) === dir) throw new MissingMaterialError();
  }
}

export function loadTiSimulationMaterial(
  folder: string = findMaterialFolder(),
  { rsaCard = process.env['ERX_TI_SIMULATION_RSA_CARD'] === '1' }: { rsaCard?: boolean } = {},
): TiSimulationMaterial {
  const file = (name: string): Buffer => readFileSync(join(folder, name));
  const signing = (name: string, certificateFile = `${name}.pem`): SigningMaterial => ({
    certificate: new X509Certificate(file(certificateFile)),
    privateKey: createPrivateKey(file(`${name}.prv.pem`)),
  });
  const smcbs = new Map<string, SigningMaterial>();
  for (const iccsn of SMCB_ICCSNS) {
    const card = join('smcb', iccsn, `${iccsn}-C_SMCB_AUT_E256_X509`);
    smcbs.set(iccsn, signing(card, `${card}.crt`));
  }
  return {
    folder,
    vau: signing('vau'),
    idpDiscovery: signing('idp-discovery'),
    idpSignature: signing('idp-signature'),
    idpEncryptionKey: createPrivateKey(file('idp-encryption.prv.pem')),
    simulationCa: new X509Certificate(file('ti-simulation-ca.pem')),
    cardCas: [
      new X509Certificate(file('GEM.SMCB-CA51-TEST-ONLY.pem')),
      ...(rsaCard ? [new X509Certificate(file(join(RSA_CARD_FOLDER, 'SMCB-RSA-CA-TEST-ONLY.pem')))] : []),
    ],
    smcbs,
    smcbFolder: join(folder, 'smcb'),
    ...(rsaCard ? { rsaSmcbFolder: join(folder, RSA_CARD_FOLDER) } : {}),
  };
}

/** The two Ulmendorfer pharmacy cards (test/fixtures/gematik/test-cards/README.md), in the order they are inserted. */
export const SMCB_ICCSNS = ['80276001011699902301', '80276001011699902302'] as const;
