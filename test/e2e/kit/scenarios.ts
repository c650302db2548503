/**
 * The training deck's scenario names (main/simulator/scenarios/deck.ts, docs/simulator.md „The training deck“), in
 * class order. The names are stable; this list gives `test.use({ scenario })` its type. trainer.spec.ts checks that
 * the app's deck lists exactly these, so a renamed scenario fails there first.
 */
export const deckScenarioNames = [
  'standard-gkv-pzn',
  'wirkstoff-austausch',
  'freitext-verordnung',
  'rezeptur',
  'stueckelung-drei-packungen',
  'mehrfachverordnung',
  'rezept-abgelaufen',
  'entlassrezept',
  'pkv-quittung',
  't-rezept',
  'korrektur-nach-abgabe',
  'schon-vergeben',
  'egk-drei-rezepte',
  'zuweisung-abholung',
  'zuweisung-botendienst',
  'secret-verloren',
  'fachdienst-503',
  'fachdienst-503-abgabe',
  'zu-viele-anfragen-429',
] as const;

export type ScenarioName = (typeof deckScenarioNames)[number];
