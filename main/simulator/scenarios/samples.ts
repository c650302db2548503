/**
 * The simulator's built-in sample scenarios (format: ./format.ts): they show the format, serve as smoke tests and
 * are part of the training deck (deck.ts) unchanged.
 */
import type { Scenario } from './format';

export const standardGkvPzn: Scenario = {
  format: 1,
  name: 'standard-gkv-pzn',
  title: 'Standard: GKV-Rezept über ein Fertigarzneimittel (PZN)',
  description:
    'Ein gesetzlich versicherter Patient legt ein E-Rezept über ein Fertigarzneimittel vor. Der ganze Weg am HV-Tisch: ' +
    'abrufen, Abgabe erfassen, bereitstellen, abschließen, Quittung.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn' }],
  steps: [
    'Zeigen Sie den E-Rezept-Code von „Rezept A“ am Bildschirm oder als Ausdruck und scannen Sie ihn am HV-Tisch.',
    'Rufen Sie das Rezept ab: die App holt die Verordnung vom E-Rezept-Fachdienst und zeigt Patient, Arzneimittel, Belieferungs- und Einlösefrist.',
    'Erfassen Sie die Abgabe: Packung scannen oder PZN eingeben, Charge und Verfalldatum prüfen.',
    'Stellen Sie die Abgabedaten bereit – ab jetzt sieht der Patient in seiner App, dass abgegeben wurde.',
    'Schließen Sie die Abgabe ab. Die Quittung des Fachdienstes erscheint; das Rezept ist erledigt und nicht mehr änderbar.',
  ],
};

export const fachdienst503: Scenario = {
  format: 1,
  name: 'fachdienst-503',
  title: 'Fachdienst nicht erreichbar (HTTP 503)',
  description:
    'Der E-Rezept-Fachdienst antwortet auf die ersten beiden Abrufversuche mit „503 Service Unavailable“. Die Teilnehmenden ' +
    'sehen, dass die App bei einer solchen Antwort erst nachfragt, statt blind zu wiederholen, dass nichts verloren ist, und ' +
    'holen das Rezept mit einem neuen Scan ab.',
  prescriptions: [{ label: 'Rezept A', flowType: '160', medication: 'pzn' }],
  faults: [{ operation: 'accept', count: 2, status: 503, phase: 'before-commit' }],
  steps: [
    'Scannen Sie den E-Rezept-Code von „Rezept A“.',
    'Der Abruf scheitert mit HTTP 503. Eine solche Antwort sagt nicht sicher, ob der Fachdienst das Rezept schon zugeordnet hat: ' +
      'Die App fragt deshalb nach (es gehört noch niemandem) und ruft es genau einmal erneut ab – auch das scheitert. Sie meldet, ' +
      'dass noch unklar ist, ob der Abruf angekommen ist, und führt ihn unter „Ausstehende Vorgänge“ (Alt+W).',
    'Besprechen Sie, was Sie dem Patienten sagen und dass Papierrezepte weiter bedient werden.',
    'Scannen Sie den Code erneut: Die App gleicht zuerst ab und ruft das Rezept dann ab. Geben Sie ab und schließen Sie ab wie gewohnt.',
  ],
};

export const sampleScenarios: readonly Scenario[] = [standardGkvPzn, fachdienst503];
