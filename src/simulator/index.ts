// The embedded Maskinporten + Leasingtaker-API simulator: a product feature (demo, tests, training), strict
// like the real services. See README.md in this folder for the test data and the fault settings.

export { API_PATH, DEFAULT_SCOPE, DELEGATED_SCOPE_SUFFIX } from './constants.ts';
export { createDemoClient } from './keys.ts';
export { startSimulator } from './server.ts';
export type { CallRecord, FaultSettings, Simulator, SimulatorClient, SimulatorOptions } from './types.ts';
