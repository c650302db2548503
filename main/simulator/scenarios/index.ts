/** Scenarios: the format, the loader, the built-in samples and the training deck (docs/simulator.md "Scenarios"). */
export {
  parseScenario,
  parseScenarios,
  SCENARIO_FORMAT,
  type ParsedScenario,
  type Scenario,
  type ScenarioPrescription,
} from './format';
export {
  loadScenario,
  scenarioSummary,
  type DisplayedPrescription,
  type LoadedPrescription,
  type LoadedScenario,
  type ScenarioDeps,
} from './loader';
export { fachdienst503, sampleScenarios, standardGkvPzn } from './samples';
export { CLASS_DAY, defaultScenarios, trainingDeck } from './deck';
