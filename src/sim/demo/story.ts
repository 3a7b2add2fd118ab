// Turns the simulator's node changes and the agents' requests into a readable, timestamped story.
import { Annotation, slotOf } from '../../slot/encoding.js';
import { describeBlockers } from '../../slot/progress-text.js';
import type { DrainProgress } from '../../slot/slot.js';
import type { AgentEvent } from '../fleet/zincati-agent.js';
import { holdsSlot } from '../fleet/holder-watch.js';
import type { KubeObject, NodeObject, SimStore } from '../kube/index.js';

export function bootIdOf(node: KubeObject | undefined): string {
  return (node as NodeObject | undefined)?.status?.nodeInfo?.bootID ?? '';
}

export function isReady(node: KubeObject | undefined): boolean {
  return ((node as NodeObject | undefined)?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function annotation(node: KubeObject | undefined, key: string): string | undefined {
  return node?.metadata.annotations?.[key];
}

/** The drain progress the server keeps on the Node, as data. */
function drainOf(node: KubeObject | undefined): DrainProgress | null {
  return node ? (slotOf({ annotations: node.metadata.annotations ?? {} })?.drain ?? null) : null;
}

/** What an operator would notice between two versions of a Node, in the order it happened. */
export function describeNodeChange(before: KubeObject | undefined, after: KubeObject, holders: { count: number; allowed: number }): string[] {
  const lines: string[] = [];
  const slots = `${holders.count}/${holders.allowed} slots taken`;
  if (!holdsSlot(before) && holdsSlot(after)) lines.push(`claimed a reboot slot in group ${annotation(after, Annotation.group) ?? '?'} (${slots})`);
  const unschedulable = (n: KubeObject | undefined) => (n as NodeObject | undefined)?.spec?.unschedulable === true;
  if (!unschedulable(before) && unschedulable(after)) lines.push('cordoned');
  const drain = drainOf(after);
  const blockers = drain?.blockers ?? [];
  if (blockers.length > 0 && blockers.join() !== (drainOf(before)?.blockers ?? []).join()) lines.push(`drain waits on ${describeBlockers(blockers)} (${drain?.evicted ?? 0}/${drain?.total ?? 0} pods evicted)`);
  if (annotation(before, Annotation.phase) !== 'drained' && annotation(after, Annotation.phase) === 'drained') lines.push('drained: the server answers its pre-reboot with 200');
  if (bootIdOf(before) !== bootIdOf(after) && before) lines.push(`went down to reboot: new bootID ${bootIdOf(after).slice(0, 8)}..., NotReady`);
  if (!annotation(before, Annotation.releaseRequested) && annotation(after, Annotation.releaseRequested)) lines.push('server: steady-state came before it saw the kubelet Ready; it releases the slot once Ready');
  if (before && !isReady(before) && isReady(after)) lines.push('kubelet Ready again');
  if (unschedulable(before) && !unschedulable(after)) lines.push('uncordoned');
  if (holdsSlot(before) && !holdsSlot(after)) lines.push(`slot released (${slots})`);
  return lines;
}

/** One line per agent request worth telling: grants, the first refusal of each kind, steady-state after a reboot. */
export class AgentNarrator {
  private readonly lastRefusal = new Map<string, string>();

  describe(event: AgentEvent, nodeReady: boolean): string | undefined {
    switch (event.type) {
      case 'pre-reboot': {
        const r = event.result;
        if (r.ok) {
          this.lastRefusal.delete(event.node);
          return `zincati: pre-reboot -> ${r.status}: rebooting now`;
        }
        if (this.lastRefusal.get(event.node) === r.kind) return undefined; // retried every tick: say it once
        this.lastRefusal.set(event.node, r.kind);
        return `zincati: pre-reboot -> ${r.status} ${r.kind}: ${r.value} (retrying every tick)`;
      }
      case 'steady-state':
        if (event.boot === 0 && event.result.ok) return undefined; // the fleet's first report, before any update
        return event.result.ok
          ? `zincati: steady-state -> ${event.result.status} (kubelet ${nodeReady ? 'Ready' : 'not Ready yet'})`
          : `zincati: steady-state -> ${event.result.status} ${event.result.kind}: ${event.result.value}`;
      case 'zincati-started':
        return 'zincati: started on the new boot';
      case 'error':
        return `zincati: error: ${event.message}`;
      default:
        return undefined;
    }
  }
}

/** Writes `[  1.234s] node-1     text` lines. */
export class StoryWriter {
  private readonly startedAt = performance.now();

  constructor(private readonly write: (text: string) => void) {}

  line(subject: string, text: string): void {
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(3).padStart(7);
    this.write(`[${seconds}s] ${subject.padEnd(10)} ${text}\n`);
  }

  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}

/** Narrates every node change in the store; returns the unsubscribe function. */
export function narrateNodes(store: Pick<SimStore, 'onChange'>, story: StoryWriter, holders: () => { count: number; allowed: number }): () => void {
  return store.onChange((change) => {
    if (change.resource !== 'nodes' || change.type === 'DELETED') return;
    const name = change.object.metadata.name ?? '?';
    for (const text of describeNodeChange(change.old, change.object, holders())) story.line(name, text);
  });
}
