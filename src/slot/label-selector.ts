// Kubernetes label selectors (matchLabels, matchExpressions) as data, matched against a node's labels.

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** A `metav1.LabelSelector`; the empty selector matches every node, as in Kubernetes. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

function requirementHolds(r: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(value ?? '');
    case 'NotIn':
      return !has || !(r.values ?? []).includes(value ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  return (selector.matchExpressions ?? []).every((r) => requirementHolds(r, labels));
}

/**
 * The selector in the API server's `labelSelector` query syntax (`app=x,tier in (a,b),!legacy`). Keys and
 * values must be valid Kubernetes labels (the policy parser checks): that syntax has no quoting.
 */
export function selectorString(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const r of selector.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort().join(',');
    if (r.operator === 'In') terms.push(`${r.key} in (${values})`);
    else if (r.operator === 'NotIn') terms.push(`${r.key} notin (${values})`);
    else if (r.operator === 'Exists') terms.push(r.key);
    else terms.push(`!${r.key}`);
  }
  return terms.join(',');
}
