/** Scenarios: the format, the loader and the built-in samples (docs/simulator.md "Scenarios"). */
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
  type LoadedPrescription,
  type LoadedScenario,
  type ScenarioDeps,
} from './loader';
export { fachdienst503, sampleScenarios, standardGkvPzn } from './samples';
