// systemd's app-specific machine id (sd_id128_get_machine_app_specific), as Zincati sends it.
import { createHmac } from 'node:crypto';

/** Zincati's systemd app id: Zincati reports `appSpecificId(machineId, ZINCATI_APP_ID)`. */
export const ZINCATI_APP_ID = 'de35106b6ec24688b63afddaa156679b';

const UNDASHED = /^[0-9a-fA-F]{32}$/;
const DASHED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Thrown by `appSpecificId`/`zincatiId` for a value that is not a 128-bit id. */
export class InvalidMachineIdError extends Error {
  readonly code = 'ERR_INVALID_MACHINE_ID';

  constructor(what: string, value: unknown) {
    super(`${what} must be 32 hex characters (dashed UUID form accepted), got ${JSON.stringify(value)}`);
    this.name = 'InvalidMachineIdError';
  }
}

/**
 * A 128-bit id as systemd writes it: 32 lower-case hex characters. Accepts upper case and the
 * dashed UUID form; returns `undefined` for anything else (empty, wrong length, non-hex, not a string).
 */
export function normalizeMachineId(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  if (UNDASHED.test(s)) return s.toLowerCase();
  if (DASHED.test(s)) return s.replaceAll('-', '').toLowerCase();
  return undefined;
}

function toBytes(what: string, id: string): Buffer {
  const normalized = normalizeMachineId(id);
  if (normalized === undefined) throw new InvalidMachineIdError(what, id);
  return Buffer.from(normalized, 'hex');
}

/**
 * systemd's app-specific id: HMAC-SHA256 keyed with the machine id's 16 bytes over the app id's
 * 16 bytes, truncated to 16 bytes and stamped as a UUID v4. Throws `InvalidMachineIdError`.
 */
export function appSpecificId(machineId: string, appId: string): string {
  const key = toBytes('machine id', machineId);
  const message = toBytes('app id', appId);
  const digest = createHmac('sha256', key).update(message).digest().subarray(0, 16);
  // Indices 6 and 8 exist: the digest is 32 bytes long.
  digest[6] = (digest[6]! & 0x0f) | 0x40;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  return digest.toString('hex');
}

/** The id Zincati sends for a host with this `/etc/machine-id`. Throws `InvalidMachineIdError`. */
export function zincatiId(machineId: string): string {
  return appSpecificId(machineId, ZINCATI_APP_ID);
}
