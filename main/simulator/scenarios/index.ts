/** Scenarios: the format, the loader, the built-in samples and the training deck (docs/simulator.md "Scenarios"). */
export { parseScenario, parseScenarios, type ParsedScenario, type Scenario } from './format';
export { loadScenario, scenarioSummary, type LoadedPrescription } from './loader';
export { fachdienst503, sampleScenarios, standardGkvPzn } from './samples';
export { trainingDeck } from './deck';
