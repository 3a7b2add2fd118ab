// The demo's verdict: did every node update, and was the reboot limit kept at every instant?

export interface NodeOutcome {
  readonly name: string;
  readonly bootIdBefore: string;
  readonly bootIdAfter: string;
  readonly ready: boolean;
  readonly holdsSlot: boolean;
}

export interface DemoOutcome {
  readonly nodes: readonly NodeOutcome[];
  /** Most nodes holding a slot at once, from the store's change stream. */
  readonly maxHolders: number;
  readonly allowed: number;
  readonly elapsedMs: number;
  /** Unexpected answers or agent failures (not the 423s of a normal rollout). */
  readonly errors: readonly string[];
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
  return node.bootIdAfter !== '' && node.bootIdAfter !== node.bootIdBefore;
}

export function summarize(outcome: DemoOutcome): DemoSummary {
  const updated = outcome.nodes.filter(wasUpdated);
  const total = outcome.nodes.length;
  const limitKept = outcome.maxHolders <= outcome.allowed;
  const ok = updated.length === total && limitKept;
  const lines = [
    'Summary',
    `  nodes updated (rebooted, new bootID): ${updated.length}/${total}`,
    `  most nodes holding a slot at once:    ${outcome.maxHolders} (allowed ${outcome.allowed})${limitKept ? '' : '  LIMIT EXCEEDED'}`,
    `  total time:                           ${(outcome.elapsedMs / 1000).toFixed(1)} s`,
  ];
  const missing = outcome.nodes.filter((n) => !wasUpdated(n)).map((n) => n.name);
  if (missing.length > 0) lines.push(`  not updated: ${missing.join(', ')}`);
  const stuck = outcome.nodes.filter((n) => n.holdsSlot || !n.ready).map((n) => `${n.name}${n.holdsSlot ? ' (holds a slot)' : ''}${n.ready ? '' : ' (not Ready)'}`);
  if (stuck.length > 0) lines.push(`  not back to normal: ${stuck.join(', ')}`);
  if (outcome.errors.length > 0) lines.push(`  unexpected answers: ${outcome.errors.length}`, ...outcome.errors.slice(0, 5).map((e) => `    ${e}`));
  lines.push(`  result: ${ok ? 'OK' : 'FAILED'}`);
  return { updated: updated.length, total, limitKept, ok, text: `${lines.join('\n')}\n` };
}
