import { normalizeMachineId, zincatiId } from './app-specific-id.js';

export type Lookup =
  | { readonly kind: 'found'; readonly name: string }
  | { readonly kind: 'duplicate'; readonly names: readonly string[]; readonly machineId: string }
  | { readonly kind: 'unknown' };

/**
 * Nodes by the ids FleetLock clients send: Zincati's app-specific id and the raw machine-id
 * (dashed or not). Fed by the node watch, so a lookup costs no API call.
 */
export class NodeIndex {
  private readonly machineIdOf = new Map<string, string>();
  private readonly byMachineId = new Map<string, Set<string>>();
  private readonly byZincatiId = new Map<string, string>();

  /** Records a node's machine-id as its kubelet reports it (empty or invalid: not matchable). */
  set(name: string, rawMachineId: string): void {
    const machineId = normalizeMachineId(rawMachineId) ?? '';
    if (this.machineIdOf.get(name) === machineId) return;
    this.delete(name);
    if (machineId === '') return;
    this.machineIdOf.set(name, machineId);
    let names = this.byMachineId.get(machineId);
    if (!names) {
      names = new Set();
      this.byMachineId.set(machineId, names);
      this.byZincatiId.set(zincatiId(machineId), machineId);
    }
    names.add(name);
  }

  delete(name: string): void {
    const machineId = this.machineIdOf.get(name);
    if (machineId === undefined) return;
    this.machineIdOf.delete(name);
    const names = this.byMachineId.get(machineId);
    names?.delete(name);
    if (names?.size === 0) {
      this.byMachineId.delete(machineId);
      this.byZincatiId.delete(zincatiId(machineId));
    }
  }

  lookup(id: string): Lookup {
    const machineId = this.byZincatiId.get(id) ?? (this.byMachineId.has(rawForm(id)) ? rawForm(id) : undefined);
    const names = machineId === undefined ? undefined : this.byMachineId.get(machineId);
    if (!names || machineId === undefined) return { kind: 'unknown' };
    if (names.size === 1) return { kind: 'found', name: names.values().next().value as string };
    return { kind: 'duplicate', names: [...names].sort(), machineId };
  }

  /** Machine-ids reported by more than one node, for a warning at startup. */
  duplicates(): { machineId: string; names: string[] }[] {
    return [...this.byMachineId].filter(([, names]) => names.size > 1).map(([machineId, names]) => ({ machineId, names: [...names].sort() }));
  }
}

/** Raw machine-ids are matched lower-case and without dashes; anything else can't be one. */
function rawForm(id: string): string {
  return normalizeMachineId(id) ?? '';
}
