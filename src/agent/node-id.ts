// The node's FleetLock id: Zincati's app-specific id of the host's /etc/machine-id, as the server indexes it.
import { readFile } from 'node:fs/promises';
import { normalizeMachineId, zincatiId } from '../identity/app-specific-id.js';

/** The machine-id file is missing, unreadable or does not hold a 128-bit id. */
export class MachineIdFileError extends Error {
  readonly code = 'ERR_MACHINE_ID_FILE';

  constructor(path: string, problem: string) {
    super(`machine-id file ${path} ${problem} (see --machine-id-file; mount the host's /etc/machine-id read-only)`);
    this.name = 'MachineIdFileError';
  }
}

/** Reads the file (one id, surrounding whitespace ignored) and returns the id to send. */
export async function nodeIdFromFile(path: string): Promise<{ machineId: string; id: string }> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new MachineIdFileError(path, `cannot be read: ${code}`);
  }
  const machineId = normalizeMachineId(raw.trim());
  // An empty or "uninitialized" machine-id would make every node send the same id.
  if (machineId === undefined) throw new MachineIdFileError(path, `does not hold a machine id: ${JSON.stringify(raw.trim().slice(0, 40))}`);
  return { machineId, id: zincatiId(machineId) };
}
