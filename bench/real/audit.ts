// Kubernetes requests counted at the API server: its audit log, one line per request of one user.
import { open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Audit-log flags for kube-apiserver that record every request of `user` once, when received, and nothing else. */
export async function auditFlags(dir: string, user: string): Promise<{ flags: string[]; logPath: string }> {
  const policyPath = join(dir, 'audit-policy.yaml');
  const logPath = join(dir, 'audit.log');
  // One stage only, so a watch counts once, when it starts; Metadata level: no bodies, so the log stays cheap.
  await writeFile(policyPath, [
    'apiVersion: audit.k8s.io/v1',
    'kind: Policy',
    'omitStages: [ResponseStarted, ResponseComplete, Panic]',
    'rules:',
    `  - level: Metadata`,
    `    users: [${JSON.stringify(user)}]`,
    '  - level: None',
    '',
  ].join('\n'));
  // Blocking mode (the log backend's default): a request's line is written before it is served.
  return { flags: [`--audit-policy-file=${policyPath}`, `--audit-log-path=${logPath}`, '--audit-log-mode=blocking', '--audit-log-format=json'], logPath };
}

interface AuditEvent {
  verb?: string;
  requestURI?: string;
  objectRef?: { resource?: string; subresource?: string };
}

/** Requests by "verb resource[/subresource]", as the simulator counts them. */
export type Calls = Record<string, number>;

export class AuditLog {
  constructor(private readonly path: string) {}

  /** Where the log ends now: the requests after this point are the ones `since` counts. */
  async mark(): Promise<number> {
    return await stat(this.path).then((s) => s.size, () => 0);
  }

  async since(offset: number): Promise<Calls> {
    const file = await open(this.path, 'r').catch(() => undefined);
    if (!file) return {};
    try {
      const { size } = await file.stat();
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      await file.read(buffer, 0, buffer.length, offset);
      const calls: Calls = {};
      for (const line of buffer.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as AuditEvent;
        const ref = event.objectRef;
        const key = ref?.resource ? `${event.verb} ${ref.resource}${ref.subresource ? `/${ref.subresource}` : ''}` : `${event.verb} ${event.requestURI}`;
        calls[key] = (calls[key] ?? 0) + 1;
      }
      return calls;
    } finally {
      await file.close();
    }
  }
}

export const total = (calls: Calls, skip: (key: string) => boolean = () => false): number =>
  Object.entries(calls).reduce((sum, [key, n]) => (skip(key) ? sum : sum + n), 0);

/** Reads (get/list, as the simulator counts them) of anything but the leader's Lease: what a FleetLock request must not cause. */
export const isRead = (key: string): boolean => /^(get|list) /.test(key) && !key.includes(' leases');
