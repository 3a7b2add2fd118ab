// `reboot-manager status --server URL`: reads the snapshot a running reboot-manager serves, for
// operators who can reach the Service (a port-forward) but need no Kubernetes credentials of their own.
import type { StatusSnapshot } from './snapshot.js';

export const STATUS_PATH = 'api/v1/status';

/** The status URL under `base`; a path prefix (a reverse proxy's) is kept. */
export function statusUrl(base: string): URL {
  return new URL(STATUS_PATH, base.endsWith('/') ? base : `${base}/`);
}

export async function fetchStatus(base: string, opts: { timeoutMs?: number } = {}): Promise<StatusSnapshot> {
  const url = statusUrl(base);
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new Error(`cannot reach ${url.href}: ${cause ?? (err as Error).message}`);
  }
  const body = await res.text();
  if (!res.ok) throw new Error(`${url.href} answered ${res.status}: ${body.slice(0, 200)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`${url.href} did not answer JSON: is this a reboot-manager server?`);
  }
  // A light check only: the fields the CLI prints. The server and the CLI come from one release.
  const nodes = (parsed as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes) || !nodes.every((n) => typeof (n as { node?: unknown }).node === 'string' && typeof (n as { lock?: unknown }).lock === 'string')) {
    throw new Error(`${url.href} answered JSON without a node list: is this a reboot-manager server?`);
  }
  return parsed as StatusSnapshot;
}
