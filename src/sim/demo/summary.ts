// The demo's verdict: did every node update, every Azure event complete, was the reboot limit kept at every instant,
// and did every app keep what its PodDisruptionBudget promised?
import { formatDuration } from '../../slot/progress-text.js';
import type { AppOutcome } from './workloads.js';

/** One slot a node held, from the history the server kept on it. */
export interface RebootTime {
  readonly group: string;
  readonly claimToReleaseMs: number;
}

export interface NodeOutcome {
  readonly name: string;
  readonly bootIdBefore: string;
  readonly bootIdAfter: string;
  readonly ready: boolean;
  readonly holdsSlot: boolean;
  /** Zincati itself rebooted it (an Azure reboot also changes the bootID, but applies no update). Default true. */
  readonly zincatiRebooted?: boolean;
  /** Each slot it held, oldest first. */
  readonly reboots?: readonly RebootTime[];
}

/** One Azure scheduled event of the demo and how it ended. */
export interface AzureEventOutcome {
  readonly node: string;
  readonly eventType: string;
  readonly completed: boolean;
  /** How it went, e.g. "approved early after the drain". */
  readonly how: string;
}

export interface DemoOutcome {
  readonly nodes: readonly NodeOutcome[];
  /** Most nodes holding a slot at once, from the store's change stream. */
  readonly maxHolders: number;
  /** Most holders outside the server's urgent groups at once (default maxHolders): never above `allowed`. */
  readonly maxNonUrgent?: number;
  /** Most holders at an instant without an urgent holder (default maxHolders): only urgent ones may go over. */
  readonly maxWithoutUrgent?: number;
  readonly azure?: readonly AzureEventOutcome[];
  readonly allowed: number;
  readonly elapsedMs: number;
  /** Unexpected answers or agent failures (not the 423s of a normal rollout). */
  readonly errors: readonly string[];
  /** The apps on the nodes; absent when the demo ran none. */
  readonly workloads?: {
    /** Pods seen leaving their node in the cluster. */
    readonly evicted: number;
    /** Eviction calls the API server granted to the drains: every one must show as a pod leaving, and no pod leave otherwise. */
    readonly evictionsGranted: number;
    readonly apps: readonly AppOutcome[];
  };
  /** Simulated ms per real ms, to tell the times in both (default 1). */
  readonly timeScale?: number;
}

export interface DemoSummary {
  readonly updated: number;
  readonly total: number;
  readonly limitKept: boolean;
  /** Exit 0 only when this is true. */
  readonly ok: boolean;
  readonly text: string;
}

/** A node is updated when it came back with a new bootID: it really rebooted. */
export function wasUpdated(node: NodeOutcome): boolean {
  return node.bootIdAfter !== '' && node.bootIdAfter !== node.bootIdBefore && (node.zincatiRebooted ?? true);
}

export function summarize(outcome: DemoOutcome): DemoSummary {
  const updated = outcome.nodes.filter(wasUpdated);
  const total = outcome.nodes.length;
  const { maxHolders, allowed } = outcome;
  // Urgent holders (Preempt, Terminate) are drained even when the budget is full: only they may take the total over it.
  const limitKept = (outcome.maxNonUrgent ?? maxHolders) <= allowed && (outcome.maxWithoutUrgent ?? maxHolders) <= allowed;
  const azure = outcome.azure ?? [];
  const azureDone = azure.filter((e) => e.completed);
  const work = outcome.workloads;
  const evictionsAgree = !work || work.evicted === work.evictionsGranted;
  const budgetsKept = (work?.apps ?? []).every((a) => a.fewestReady >= a.minAvailable);
  const ok = updated.length === total && limitKept && azureDone.length === azure.length && evictionsAgree && budgetsKept;
  const overNote = !limitKept ? '  LIMIT EXCEEDED' : maxHolders > allowed ? '  (over it only through the urgent path)' : '';
  const lines = [
    'Summary',
    `  nodes updated (rebooted, new bootID): ${updated.length}/${total}`,
    ...(azure.length > 0 ? [`  Azure scheduled events completed:     ${azureDone.length}/${azure.length}`] : []),
    ...azure.map((e) => `    ${e.eventType} on ${e.node}: ${e.how}`),
    `  most nodes holding a slot at once:    ${maxHolders} (allowed ${allowed})${overNote}`,
    ...(work ? workloadLines(work) : []),
    ...timeLines(outcome.nodes, outcome.timeScale ?? 1),
    `  total time:                           ${(outcome.elapsedMs / 1000).toFixed(1)} s`,
  ];
  const missing = outcome.nodes.filter((n) => !wasUpdated(n)).map((n) => n.name);
  if (missing.length > 0) lines.push(`  not updated: ${missing.join(', ')}`);
  const stuck = outcome.nodes.filter((n) => n.holdsSlot || !n.ready).map((n) => `${n.name}${n.holdsSlot ? ' (holds a slot)' : ''}${n.ready ? '' : ' (not Ready)'}`);
  const notDone = azure.filter((e) => !e.completed).map((e) => `${e.eventType} on ${e.node}`);
  if (notDone.length > 0) lines.push(`  Azure events not completed: ${notDone.join(', ')}`);
  if (stuck.length > 0) lines.push(`  not back to normal: ${stuck.join(', ')}`);
  if (outcome.errors.length > 0) lines.push(`  unexpected answers: ${outcome.errors.length}`, ...outcome.errors.slice(0, 5).map((e) => `    ${e}`));
  lines.push(`  result: ${ok ? 'OK' : 'FAILED'}`);
  return { updated: updated.length, total, limitKept, ok, text: `${lines.join('\n')}\n` };
}

function workloadLines(work: NonNullable<DemoOutcome['workloads']>): string[] {
  const width = Math.max(...work.apps.map((a) => a.app.length));
  return [
    `  pods evicted:                         ${work.evicted}${work.evicted === work.evictionsGranted ? '' : `  MISMATCH: the API server granted ${work.evictionsGranted} evictions`}`,
    '  fewest ready replicas per app (of desired; its budget\'s minAvailable):',
    ...work.apps.map((a) => `    ${a.app.padEnd(width)}  ${a.fewestReady}/${a.desired} (minAvailable ${a.minAvailable})${a.fewestReady < a.minAvailable ? '  BUDGET BROKEN' : ''}`),
  ];
}

/** Claim to release per slot, in real seconds and in the simulated time they stand for. */
function timeLines(nodes: readonly NodeOutcome[], timeScale: number): string[] {
  const held = nodes.filter((n) => (n.reboots ?? []).length > 0);
  if (held.length === 0) return [];
  const width = Math.max(...held.map((n) => n.name.length));
  const span = (r: RebootTime) => `${(r.claimToReleaseMs / 1000).toFixed(2)} s (${formatDuration(Math.round(r.claimToReleaseMs * timeScale))} simulated)${r.group === 'default' ? '' : ` in group ${r.group}`}`;
  return ['  time per node, claim to release:', ...held.map((n) => `    ${n.name.padEnd(width)}  ${(n.reboots ?? []).map(span).join(', then ')}`)];
}
