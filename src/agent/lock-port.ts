// The FleetLock side of the agent: one client per group (normal and urgent), one connection pool.
import { Agent } from 'undici';
import { FleetLockClient, type FleetLockResult } from '../fleetlock/client.js';

export interface LockPort {
  preReboot(group: string): Promise<FleetLockResult>;
  steadyState(group: string): Promise<FleetLockResult>;
  close(): Promise<void>;
}

export interface FleetLockPortOptions {
  readonly baseUrl: string;
  /** The Zincati-style app-specific id of this node. */
  readonly id: string;
  readonly timeoutMs: number;
  /** Local address to send from (the server checks the caller is this node or its agent pod). */
  readonly sourceAddress?: string;
}

/** Throws InvalidBaseUrlError (from FleetLockClient) for an unusable base URL. */
export function fleetLockPort(options: FleetLockPortOptions): LockPort {
  const dispatcher = new Agent(options.sourceAddress ? { localAddress: options.sourceAddress } : {});
  const clients = new Map<string, FleetLockClient>();
  const client = (group: string): FleetLockClient => {
    let c = clients.get(group);
    if (!c) {
      c = new FleetLockClient({ baseUrl: options.baseUrl, id: options.id, group, timeoutMs: options.timeoutMs, dispatcher });
      clients.set(group, c);
    }
    return c;
  };
  // Fail at start-up, not at the first event, on a bad URL.
  client('default');
  return {
    preReboot: (group) => client(group).preReboot(),
    steadyState: (group) => client(group).steadyState(),
    close: () => dispatcher.close(),
  };
}
