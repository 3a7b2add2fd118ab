// RBAC from the project's manifests: Roles, ClusterRoles and their bindings, enforced like the API server's authorizer.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { errors } from './errors.js';
import type { RequestInfo } from './request-info.js';
import { isPlainObject } from './util.js';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** One rule of one role, as written in the manifests. */
export interface RuleRef {
  /** "ClusterRole/reboot-manager" or "Role/reboot-manager/reboot-manager" (kind/namespace/name). */
  role: string;
  index: number;
  rule: PolicyRule;
}

/** A rule that authorised requests, with the verbs and resources it was used for. */
export interface RuleUse extends RuleRef {
  verbs: string[];
  resources: string[];
}

interface Binding {
  namespace: string | undefined;
  roleKey: string;
  subjects: { kind: string; name: string; namespace?: string }[];
}

export interface User {
  name: string;
  groups: string[];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function toRule(r: unknown): PolicyRule {
  const o = isPlainObject(r) ? r : {};
  const rule: PolicyRule = { apiGroups: strings(o.apiGroups), resources: strings(o.resources), verbs: strings(o.verbs) };
  if (Array.isArray(o.resourceNames)) rule.resourceNames = strings(o.resourceNames);
  return rule;
}

export class Rbac {
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly bindings: Binding[] = [];
  private readonly used = new Map<string, RuleUse>();
  /** "role#index verb resource" for every pair that authorised a request. */
  private readonly usedPairs = new Set<string>();

  /** Reads every YAML file in dir; a kustomization's `namespace` fills in namespaced objects without one. */
  static async load(dir: string): Promise<Rbac> {
    const rbac = new Rbac();
    const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    const docs: Record<string, unknown>[] = [];
    let defaultNs: string | undefined;
    for (const f of files) {
      for (const doc of parseAllDocuments(await readFile(join(dir, f), 'utf8'))) {
        const o: unknown = doc.toJS();
        if (!isPlainObject(o)) continue;
        if (o.kind === 'Kustomization' && typeof o.namespace === 'string') defaultNs = o.namespace;
        docs.push(o);
      }
    }
    for (const o of docs) rbac.add(o, defaultNs ?? 'default');
    return rbac;
  }

  private add(o: Record<string, unknown>, defaultNs: string): void {
    const meta = isPlainObject(o.metadata) ? o.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    const ns = typeof meta.namespace === 'string' ? meta.namespace : defaultNs;
    const rules = Array.isArray(o.rules) ? o.rules.map(toRule) : [];
    const ref = isPlainObject(o.roleRef) ? o.roleRef : {};
    const subjects = (Array.isArray(o.subjects) ? o.subjects : []).filter(isPlainObject).map((s) => ({
      kind: String(s.kind),
      name: String(s.name),
      namespace: typeof s.namespace === 'string' ? s.namespace : s.kind === 'ServiceAccount' ? ns : undefined,
    }));
    switch (o.kind) {
      case 'ClusterRole':
        this.roles.set(`ClusterRole/${name}`, rules);
        break;
      case 'Role':
        this.roles.set(`Role/${ns}/${name}`, rules);
        break;
      case 'ClusterRoleBinding':
        this.bindings.push({ namespace: undefined, roleKey: `ClusterRole/${String(ref.name)}`, subjects });
        break;
      case 'RoleBinding':
        this.bindings.push({ namespace: ns, roleKey: ref.kind === 'ClusterRole' ? `ClusterRole/${String(ref.name)}` : `Role/${ns}/${String(ref.name)}`, subjects });
        break;
    }
  }

  private subjectMatches(s: Binding['subjects'][number], user: User): boolean {
    if (s.kind === 'User') return s.name === user.name;
    if (s.kind === 'Group') return user.groups.includes(s.name);
    if (s.kind === 'ServiceAccount') return user.name === `system:serviceaccount:${s.namespace ?? ''}:${s.name}`;
    return false;
  }

  private ruleMatches(rule: PolicyRule, info: RequestInfo, resource: string): boolean {
    const has = (list: string[], v: string) => list.includes('*') || list.includes(v);
    if (!has(rule.verbs, info.verb) || !has(rule.apiGroups, info.group)) return false;
    const sub = info.subresource ? `*/${info.subresource}` : '';
    if (!(rule.resources.includes('*') || rule.resources.includes(resource) || (sub && rule.resources.includes(sub)))) return false;
    if (rule.resourceNames && rule.resourceNames.length > 0) return info.name !== '' && rule.resourceNames.includes(info.name);
    return true;
  }

  /** Throws 403 unless some bound rule allows the request; admin (system:masters) is always allowed. */
  authorize(user: User, info: RequestInfo): void {
    if (user.groups.includes('system:masters') || !info.isResource) return;
    const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
    for (const b of this.bindings) {
      if (b.namespace !== undefined && b.namespace !== info.namespace) continue;
      if (!b.subjects.some((s) => this.subjectMatches(s, user))) continue;
      const rules = this.roles.get(b.roleKey) ?? [];
      const index = rules.findIndex((r) => this.ruleMatches(r, info, resource));
      const rule = rules[index];
      if (rule) {
        this.noteUse({ role: b.roleKey, index, rule }, info.verb, resource);
        return;
      }
    }
    const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
    throw errors.forbidden(
      { resource: info.resource, group: info.group, name: info.name },
      `User "${user.name}" cannot ${info.verb} resource "${resource}" in API group "${info.group}" ${scope}`,
    );
  }

  private noteUse(ref: RuleRef, verb: string, resource: string): void {
    const key = `${ref.role}#${ref.index}`;
    const u = this.used.get(key) ?? { ...ref, verbs: [], resources: [] };
    if (!u.verbs.includes(verb)) u.verbs.push(verb);
    if (!u.resources.includes(resource)) u.resources.push(resource);
    this.used.set(key, u);
    this.usedPairs.add(`${key} ${verb} ${resource}`);
  }

  allRules(): RuleRef[] {
    return [...this.roles.entries()].flatMap(([role, rules]) => rules.map((rule, index) => ({ role, index, rule })));
  }

  usedRules(): RuleUse[] {
    return [...this.used.values()].map((u) => ({ ...u, verbs: [...u.verbs], resources: [...u.resources] }));
  }

  /** Each verb × resource a rule grants that no request used: what a least-privilege check wants empty. With `user`, only the roles bound to it. */
  unusedPermissions(user?: User): { role: string; index: number; verb: string; resource: string }[] {
    const out: { role: string; index: number; verb: string; resource: string }[] = [];
    const bound = user && new Set(this.bindings.filter((b) => b.subjects.some((s) => this.subjectMatches(s, user))).map((b) => b.roleKey));
    for (const r of this.allRules()) {
      if (bound && !bound.has(r.role)) continue;
      const key = `${r.role}#${r.index}`;
      for (const verb of r.rule.verbs)
        for (const resource of r.rule.resources) if (!this.usedPairs.has(`${key} ${verb} ${resource}`)) out.push({ role: r.role, index: r.index, verb, resource });
    }
    return out;
  }

  resetUsage(): void {
    this.used.clear();
    this.usedPairs.clear();
  }
}
