/**
 * The TI's steps of „Verbindung prüfen“ (spec ti-transport §1–§3, in the order a sign-in and a call need them):
 * the Konnektor answers (`connector.sds`), the SMC-B is inserted and PIN.SMC verified with a readable C.HCI.AUT,
 * the IDP's discovery document verifies, a sign-in with the card succeeds, the VAU certificate is trusted. The
 * Fachdienst's own step follows (main/services/connection-diagnosis.ts).
 */
import type { DiagnosisCheck } from './connection-diagnosis';
import type { TiConnection } from '../ti/ti-connection';

const dateTime = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' });

/** `ti` is asked per step: a connection that cannot be built (nothing set up) fails the first step. */
export function tiDiagnosisChecks(connection: () => Pick<TiConnection, 'konnektor' | 'smcb' | 'tokens' | 'transport'>): DiagnosisCheck[] {
  return [
    {
      step: 'konnektor',
      hop: 'konnektor',
      run: async () => {
        const { serviceCount } = await connection().konnektor.checkReachable();
        return `Der Konnektor antwortet (Dienstverzeichnis mit ${serviceCount} Diensten gelesen).`;
      },
    },
    {
      step: 'smcb',
      hop: 'smcb',
      run: async () => {
        const card = await connection().smcb.checkCard();
        const name = card.holderName ? `„${card.holderName}“` : 'der Apotheke';
        const where = card.ctId ? `, Kartenterminal ${card.ctId}` : '';
        return `SMC-B ${name} (ICCSN ${card.iccsn ?? 'unbekannt'}${where}) gesteckt und freigeschaltet, Schlüssel ${card.crypt}.`;
      },
    },
    {
      step: 'idp-discovery',
      hop: 'idp',
      run: async () => {
        await connection().tokens.checkDiscovery();
        return 'Das Discovery-Dokument des Identity Providers ist gültig und vertrauenswürdig.';
      },
    },
    {
      step: 'sign-in',
      hop: 'idp',
      run: async () => {
        const signedIn = await connection().tokens.signInNow();
        const organization = typeof signedIn.claims['organizationName'] === 'string' ? signedIn.claims['organizationName'] : 'die Apotheke';
        return `Anmeldung mit der SMC-B erfolgreich: ${organization}, Zugriffstoken gültig bis ${dateTime.format(new Date(signedIn.expiresAt))}.`;
      },
    },
    {
      step: 'vau-certificate',
      hop: 'vau',
      run: async () => {
        const certificate = await connection().transport.checkCertificate();
        return `Das Verschlüsselungszertifikat des Fachdienstes (VAU) ist vertrauenswürdig, gültig bis ${dateTime.format(certificate.notAfter)}.`;
      },
    },
  ];
}
