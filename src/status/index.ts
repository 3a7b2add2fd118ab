// The status of the fleet as operators read it: one row per node, and the snapshot the server serves.
export { statusRows, type StatusRow } from './rows.js';
export { StatusService, type StatusSnapshot, type BudgetStatus, type GroupStatus, type NodeSource } from './snapshot.js';
export { fetchStatus, statusUrl, STATUS_PATH } from './remote.js';
