// Bearer tokens for the simulated users, and the kubeconfig files that carry them.
import { stringify } from 'yaml';
import type { User } from './rbac.js';
import { randomHex } from './util.js';

export type SimUser = 'admin' | { serviceAccount: { namespace: string; name: string } };

export const REBOOT_MANAGER_USER: SimUser = { serviceAccount: { namespace: 'reboot-manager', name: 'reboot-manager' } };

export function userOf(u: SimUser): User {
  if (u === 'admin') return { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
  const { namespace, name } = u.serviceAccount;
  return { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

export class Authenticator {
  private readonly byToken = new Map<string, User>();
  private readonly byName = new Map<string, string>();

  /** The user's token, issued on first use. */
  tokenFor(u: SimUser): string {
    const user = userOf(u);
    let token = this.byName.get(user.name);
    if (!token) {
      token = `sim-${randomHex(24)}`;
      this.byName.set(user.name, token);
      this.byToken.set(token, user);
    }
    return token;
  }

  /** The user for an Authorization header, or undefined (401). */
  authenticate(header: string | undefined, pathToken: string | undefined): User | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const token = m?.[1] ?? pathToken;
    return token === undefined ? undefined : this.byToken.get(token);
  }
}

/** Path prefix that carries a token in the server URL: kubectl sends no bearer token over plain http. */
export const TOKEN_PATH_PREFIX = '/sim-token/';

/** Splits "/sim-token/<token>/api/v1/..." into the token and the real path. */
export function tokenFromPath(url: string): { token?: string; url: string } {
  if (!url.startsWith(TOKEN_PATH_PREFIX)) return { url };
  const rest = url.slice(TOKEN_PATH_PREFIX.length);
  const slash = rest.search(/[/?]/);
  if (slash < 0) return { token: rest, url: '/' };
  const tail = rest.slice(slash);
  return { token: rest.slice(0, slash), url: tail.startsWith('/') ? tail : `/${tail}` };
}

export function kubeconfigYaml(url: string, userName: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sim', cluster: { server: `${url}${TOKEN_PATH_PREFIX}${token}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: userName, user: { token } }],
    contexts: [{ name: 'sim', context: { cluster: 'sim', user: userName, namespace: 'default' } }],
    'current-context': 'sim',
    preferences: {},
  });
}
