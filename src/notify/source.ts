// The slot's holder as a happening names it.
import type { Slot } from '../slot/slot.js';
import type { HappeningSource } from './notifier.js';

export function sourceOf(slot: Pick<Slot, 'source' | 'id'>): HappeningSource {
  return slot.source.kind === 'request' ? { kind: 'request', name: slot.source.name } : { kind: 'fleetlock', id: slot.id };
}

/** The fields every happening about a slot shares. */
export function aboutSlot(node: string, slot: Pick<Slot, 'group' | 'source' | 'id'>, at: number): { node: string; group: string; source: HappeningSource; at: number } {
  return { node, group: slot.group, source: sourceOf(slot), at };
}
