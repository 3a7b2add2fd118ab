// Finds the FleetLock endpoint in a request path, under any prefix (clients differ in how they join URLs).
export type FleetLockEndpoint = 'pre-reboot' | 'steady-state';

export const ENDPOINT_PATHS: Readonly<Record<FleetLockEndpoint, string>> = {
  'pre-reboot': 'v1/pre-reboot',
  'steady-state': 'v1/steady-state',
};

const PRE_REBOOT = '/v1/pre-reboot';
const STEADY_STATE = '/v1/steady-state';

/**
 * `'pre-reboot'` or `'steady-state'` when the path ends in `/v1/<endpoint>` after any prefix
 * (doubled slashes allowed, query string ignored); `undefined` for every other path.
 */
export function matchEndpoint(url: string): FleetLockEndpoint | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.endsWith(PRE_REBOOT)) return 'pre-reboot';
  if (path.endsWith(STEADY_STATE)) return 'steady-state';
  return undefined;
}
