// The answer to a method or path with no FleetLock endpoint: 405 with `Allow: POST` on a FleetLock path, else 404.
import { matchEndpoint, type FleetLockEndpoint } from '../fleetlock/endpoint.js';
import { Refusal } from '../fleetlock/refusal.js';

export interface PlaceRefusal {
  readonly refusal: Refusal;
  /** The FleetLock path the request named, if any: it is answered 405 and counted under it. */
  readonly endpoint?: FleetLockEndpoint;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)).slice(0, 200);
}

/** Why `method url` reaches no FleetLock endpoint (callers answer POST to an endpoint themselves). */
export function placeRefusal(method: string, url: string): PlaceRefusal {
  const endpoint = matchEndpoint(url);
  if (endpoint !== undefined) {
    return { endpoint, refusal: new Refusal('not_found', `${method.slice(0, 32)} is not allowed here; FleetLock uses POST`, 405) };
  }
  const value = `no FleetLock endpoint at ${JSON.stringify(pathOf(url))}; expected POST <base>/v1/pre-reboot or <base>/v1/steady-state`;
  return { refusal: new Refusal('not_found', value) };
}
