// What `reboot-manager explain` prints: a verdict line, then one line per reason ("window: ..."), then notes.
import type { Explanation } from '../coordinator/explain.js';

export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  const h = e.holding;
  if (h && e.refusal) {
    lines.push(`${e.node} is out of service for MaintenanceRequest ${h.request} (${h.phase}${h.drain ? `: ${h.drain}` : ''}): its pre-reboot is refused ${e.refusal.kind} until the request ends`);
  } else if (h) {
    const where = `${e.node} holds a reboot slot in group ${h.group}`;
    lines.push(e.grantable ? `${where} and is drained: its pre-reboot is answered 200` : `${where} (${h.phase}${h.drain ? `: ${h.drain}` : ''}): its pre-reboot is answered 200 once it is drained`);
  } else {
    lines.push(`${e.node} in group ${e.group}: ${e.grantable ? 'a claim would be granted now' : 'a claim would wait'}`);
    for (const r of e.reasons) lines.push(`${r.rule}: ${r.message}`);
  }
  if (!e.leader) lines.push(`note: replica ${e.identity} is not the leader; this is the view of its own cache`);
  if (!e.synced) lines.push(`note: replica ${e.identity} has not loaded its caches yet; reasons may be missing`);
  return lines.join('\n');
}
