// Public face of the simulated Azure Instance Metadata Service (tests and the demo).
export { SimulatedImds } from './server.js';
export type { SimApproval, SimNotice, SimRequest, SimulatedImdsOptions } from './server.js';
export { UnknownSimEventError } from './event-store.js';
export type { ImdsEventJson, ImdsEventsJson, SimEventInput, SimEventStatus } from './event-store.js';
export { DEFAULT_MALFORMED_BODY, Faults } from './faults.js';
export type { Fault, FaultTarget } from './faults.js';
