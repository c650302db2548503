/**
 * The TEST-ONLY TLS material of the simulated Konnektor's TLS variant (material/konnektor-tls/NOTICE, made by
 * scripts/make-konnektor-tls-material.sh; spec ti-transport §3.2): the Konnektor's CA and server certificate, the
 * client system's certificate (PEM pair and PKCS#12), and a foreign CA with a client certificate to be refused.
 * Found beside the rest of the TI simulation material, so only in a source checkout.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findMaterialFolder } from '../material';

/** Test material, public on purpose: the same line is in the NOTICE and in the script that made the `.p12`. */
const CLIENT_PFX_PASSPHRASE = 'konnektor-tls-test-only';

interface TlsKeyPair {
  certificatePem: string;
  keyPem: string;
}

export interface KonnektorTlsMaterial {
  folder: string;
  /** "KONNEKTOR-TLS-CA TEST-ONLY": issued the server and the client system's certificate */
  caPem: string;
  /** P-256, SAN IP:127.0.0.1 and DNS:localhost */
  server: TlsKeyPair;
  /** the server certificate's SHA-256 fingerprint as Node's `fingerprint256` writes it (`AB:CD:…`) */
  serverFingerprint: string;
  /** "Clientsystem CS1 TEST-ONLY" (RSA 2048), also as the PKCS#12 a Konnektor admin hands out (§3.2 option 3) */
  client: TlsKeyPair & { pfx: Buffer; passphrase: string };
  /** "FOREIGN-TLS-CA TEST-ONLY" and a client certificate from it, which the Konnektor must refuse */
  foreignCaPem: string;
  foreignClient: TlsKeyPair;
}

export function loadKonnektorTlsMaterial(folder: string = join(findMaterialFolder(), 'konnektor-tls')): KonnektorTlsMaterial {
  const text = (name: string): string => readFileSync(join(folder, name), 'utf8');
  const pair = (name: string): TlsKeyPair => ({ certificatePem: text(`${name}.pem`), keyPem: text(`${name}.prv.pem`) });
  const server = pair('server');
  return {
    folder,
    caPem: text('ca.pem'),
    server,
    serverFingerprint: new X509Certificate(server.certificatePem).fingerprint256,
    client: { ...pair('client-cs1'), pfx: readFileSync(join(folder, 'client-cs1.p12')), passphrase: CLIENT_PFX_PASSPHRASE },
    foreignCaPem: text('foreign-ca.pem'),
    foreignClient: pair('foreign-client'),
  };
}
