/** How many nodes may hold reboot slots at once. */
export interface SlotBudget {
  /** Cluster-wide cap across every group. */
  readonly maxTotal: number;
  /** Slots of a group not in `perGroup`. */
  readonly defaultPerGroup: number;
  readonly perGroup: ReadonlyMap<string, number>;
  /**
   * Groups whose nodes go away whatever we answer (Azure Preempt/Terminate): they are cordoned and
   * drained even when the budget is full, and count against it while they hold their slot.
   */
  readonly urgentGroups: ReadonlySet<string>;
}

/** A node holding (or claiming) a slot, as the tie-break sees it. */
export interface Claim {
  readonly name: string;
  readonly group: string;
  /** Drained claims may already have been answered 200, so they are never the ones to withdraw. */
  readonly drained: boolean;
}

export function slotsOf(budget: SlotBudget, group: string): number {
  return Math.min(budget.perGroup.get(group) ?? budget.defaultPerGroup, budget.maxTotal);
}

export function isUrgent(budget: SlotBudget, group: string): boolean {
  return budget.urgentGroups.has(group);
}

/** Tie-break order: drained claims first, then names in alphabetical (code point) order. */
function byPrecedence(a: Claim, b: Claim): number {
  if (a.drained !== b.drained) return a.drained ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The claims that keep their slots when more nodes claim than the budget allows. Drained claims may
 * already have been answered 200 (the node may be rebooting now) and urgent ones go away regardless:
 * both always keep theirs and use up budget first; the rest keep theirs alphabetically while it lasts and
 * while `fits` (pools, zones) says they fit beside those kept so far.
 */
export function keepers(claims: readonly Claim[], budget: SlotBudget, fits: (name: string, kept: ReadonlySet<string>) => boolean = () => true): Set<string> {
  const kept = new Set<string>();
  const perGroup = new Map<string, number>();
  const keep = (claim: Claim): void => {
    kept.add(claim.name);
    perGroup.set(claim.group, (perGroup.get(claim.group) ?? 0) + 1);
  };
  for (const claim of claims) if (claim.drained || isUrgent(budget, claim.group)) keep(claim);
  const rest = claims.filter((c) => !kept.has(c.name)).sort(byPrecedence);
  for (const claim of rest) {
    if (kept.size >= budget.maxTotal || (perGroup.get(claim.group) ?? 0) >= slotsOf(budget, claim.group) || !fits(claim.name, kept)) continue;
    keep(claim);
  }
  return kept;
}

/**
 * Why a node of `group` cannot take a slot now (a sentence naming the holders), or undefined
 * when a slot is free.
 */
export function whyFull(claims: readonly Claim[], group: string, budget: SlotBudget): string | undefined {
  if (isUrgent(budget, group)) return undefined;
  const inGroup = claims.filter((c) => c.group === group);
  const groupSlots = slotsOf(budget, group);
  // A group with no limit of its own (a RebootPolicy in force) is bounded by the cluster cap alone.
  const ownLimit = Number.isFinite(budget.perGroup.get(group) ?? budget.defaultPerGroup);
  if (ownLimit && inGroup.length >= groupSlots) {
    return `all ${groupSlots} reboot slot(s) of group ${group} are held (by ${names(inGroup)})`;
  }
  if (claims.length >= budget.maxTotal) {
    return `the cluster-wide limit of ${budget.maxTotal} rebooting node(s) is reached (held by ${names(claims)})`;
  }
  return undefined;
}

function names(claims: readonly Claim[]): string {
  if (claims.length === 0) return 'nobody: the group has no slots';
  const shown = claims.slice(0, 5).map((c) => c.name).sort().join(', ');
  return claims.length > 5 ? `${shown} and ${claims.length - 5} more` : shown;
}

/** Zincati's group when none is configured: always shown, so an idle cluster shows its slots. */
export const ZINCATI_DEFAULT_GROUP = 'default';

export interface GroupSlots {
  readonly group: string;
  /** Slots of the group (never more than the cluster cap); urgent groups are bounded by nothing but still counted. */
  readonly slots: number;
  readonly holders: number;
  readonly urgent: boolean;
}

/**
 * Every group worth showing: Zincati's default, every configured and urgent group, and every group holding
 * a slot, by name, with its slots and holders. The metrics and the status page both read this.
 */
export function groupsOf(budget: SlotBudget, holders: readonly { readonly group: string }[]): GroupSlots[] {
  const names = new Set([ZINCATI_DEFAULT_GROUP, ...budget.perGroup.keys(), ...budget.urgentGroups, ...holders.map((h) => h.group)]);
  return [...names].sort().map((group) => ({
    group,
    slots: slotsOf(budget, group),
    holders: holders.filter((h) => h.group === group).length,
    urgent: isUrgent(budget, group),
  }));
}
