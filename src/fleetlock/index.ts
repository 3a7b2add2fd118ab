// Public face of the FleetLock protocol layer: no Kubernetes, no Fastify.
export { FleetLockClient, InvalidBaseUrlError, DEFAULT_TIMEOUT_MS } from './client.js';
export type { FleetLockClientOptions, FleetLockResult } from './client.js';
export { parseClientParams, validateClientParams, MAX_ID_LENGTH, MAX_GROUP_LENGTH } from './client-params.js';
export { matchEndpoint, ENDPOINT_PATHS } from './endpoint.js';
export type { FleetLockEndpoint } from './endpoint.js';
export { PROTOCOL_HEADER } from './protocol-header.js';
export type { RequestHeaders } from './protocol-header.js';
export { Refusal, REFUSAL_STATUS } from './refusal.js';
export type { RefusalKind } from './refusal.js';
export type { ClientParams, LockService, Readiness, RequestContext } from './types.js';
