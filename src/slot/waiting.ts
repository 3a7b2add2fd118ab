// A node that asked for a slot and was refused: since when, how often, why. One JSON annotation on the Node,
// so a new leader and every status view see the same queue.
import type { NodeView } from '../kube/node-view.js';
import { Annotation } from './encoding.js';
import { compareNatural } from './natural-order.js';

export interface Waiting {
  /** The first refusal of this wait (RFC 3339). */
  readonly since: string;
  /** The latest refusal (RFC 3339), as of the last write: asks in between are counted in memory first. */
  readonly last: string;
  readonly asks: number;
  readonly group: string;
  /** The FleetLock refusal kind (`slots_full`, `blocked`) and its words. */
  readonly kind: string;
  readonly reason: string;
}

/** A node not refused for this long has stopped asking (Zincati asks every 5 minutes while it wants to reboot). */
export const WAIT_LAPSES_AFTER_MS = 30 * 60_000;

// Parsed once per version of a Node's annotations (the cache replaces the object on every change): refusals read it per request.
const parsed = new WeakMap<Readonly<Record<string, string>>, { readonly raw: string; readonly wait: Waiting | undefined }>();

export function waitingOf(node: Pick<NodeView, 'annotations'>): Waiting | undefined {
  const raw = node.annotations[Annotation.waiting];
  if (!raw) return undefined;
  const known = parsed.get(node.annotations);
  if (known?.raw === raw) return known.wait;
  const wait = decodeWaiting(raw);
  parsed.set(node.annotations, { raw, wait });
  return wait;
}

function decodeWaiting(raw: string): Waiting | undefined {
  try {
    const w = JSON.parse(raw) as Partial<Waiting>;
    const str = (v: unknown): v is string => typeof v === 'string';
    if (!str(w.since) || !str(w.last) || !str(w.group) || !str(w.kind) || !str(w.reason) || typeof w.asks !== 'number') return undefined;
    return { since: w.since, last: w.last, asks: w.asks, group: w.group, kind: w.kind, reason: w.reason };
  } catch {
    return undefined; // written by hand: no wait is shown, and the next refusal writes a good one
  }
}

/** The node has not been refused for WAIT_LAPSES_AFTER_MS: it stopped asking. */
export const lapsed = (w: Waiting, now: number): boolean => !(now - Date.parse(w.last) < WAIT_LAPSES_AFTER_MS);

/** Still waiting at `now`: refused within the last WAIT_LAPSES_AFTER_MS. */
export function waitingNow(node: Pick<NodeView, 'annotations'>, now: number): Waiting | undefined {
  const w = waitingOf(node);
  return w && !lapsed(w, now) ? w : undefined;
}

/** The wait after one more refusal at `at`; a lapsed wait starts afresh. */
export function refusedAgain(prev: Waiting | undefined, r: { group: string; kind: string; reason: string }, at: number): Waiting {
  const iso = new Date(at).toISOString();
  const going = prev && !lapsed(prev, at);
  return { since: going ? prev.since : iso, last: iso, asks: going ? prev.asks + 1 : 1, group: r.group, kind: r.kind, reason: r.reason };
}

export const encodeWaiting = (w: Waiting): string => JSON.stringify(w);

/** Every node waiting at `now`, longest wait first. */
export function waitingNodes<N extends Pick<NodeView, 'name' | 'annotations'>>(nodes: Iterable<N>, now: number): { node: N; wait: Waiting }[] {
  const out: { node: N; wait: Waiting }[] = [];
  for (const node of nodes) {
    if (node.annotations[Annotation.waiting] === undefined) continue;
    const wait = waitingNow(node, now);
    if (wait) out.push({ node, wait });
  }
  return out.sort((a, b) => Date.parse(a.wait.since) - Date.parse(b.wait.since) || compareNatural(a.node.name, b.node.name));
}
