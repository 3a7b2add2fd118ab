// `status --server URL` and `explain`: read the internal API of a running reboot-manager, for operators
// who can reach the Service (a port-forward) but need no Kubernetes credentials of their own.
import type { Explanation } from '../coordinator/explain.js';
import type { HistoryRow } from './history-rows.js';
import type { StatusSnapshot } from './snapshot.js';

export const STATUS_PATH = 'api/v1/status';
export const EXPLAIN_PATH = 'api/v1/explain/';

export type RemoteErrorCode = 'unreachable' | 'not_reboot_manager' | 'refused';

/** The server could not be asked, or answered with an error: `code` says which, the message what to check. */
export class RemoteError extends Error {
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** `path` under `base`; a path prefix (a reverse proxy's) is kept. */
function under(base: string, path: string): URL {
  return new URL(path, base.endsWith('/') ? base : `${base}/`);
}

/** The status URL under `base`. */
export function statusUrl(base: string): URL {
  return under(base, STATUS_PATH);
}

/** GET `url` and parse its JSON, whatever the status; the caller judges the body. */
async function getJson(url: URL, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new RemoteError('unreachable', `cannot reach ${url.href}: ${cause ?? (err as Error).message}`);
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw new RemoteError('not_reboot_manager', `${url.href} answered ${res.status} without JSON: is this the internal port of a reboot-manager server? ${text.slice(0, 200)}`);
  }
}

export async function fetchStatus(base: string, opts: { timeoutMs?: number } = {}): Promise<StatusSnapshot> {
  const url = statusUrl(base);
  const { status, body } = await getJson(url, opts.timeoutMs ?? 10_000);
  if (status !== 200) throw new RemoteError('refused', `${url.href} answered ${status}: ${JSON.stringify(body).slice(0, 200)}`);
  // A light check only: the fields the CLI prints. The server and the CLI come from one release.
  const nodes = (body as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes) || !nodes.every((n) => typeof (n as { node?: unknown }).node === 'string' && typeof (n as { lock?: unknown }).lock === 'string')) {
    throw new RemoteError('not_reboot_manager', `${url.href} answered JSON without a node list: is this a reboot-manager server?`);
  }
  return body as StatusSnapshot;
}

/** `GET /api/v1/explain/NODE?group=G`; a 404 (unknown node) or 400 (bad group) is a `RemoteError` with the server's message. */
export async function fetchExplanation(base: string, node: string, group: string | undefined, opts: { timeoutMs?: number } = {}): Promise<Explanation> {
  const url = under(base, `${EXPLAIN_PATH}${encodeURIComponent(node)}`);
  if (group !== undefined) url.searchParams.set('group', group);
  const { status, body } = await getJson(url, opts.timeoutMs ?? 10_000);
  const error = body as { error?: unknown; message?: unknown };
  if (status !== 200) {
    const said = typeof error.message === 'string' ? error.message : JSON.stringify(body).slice(0, 200);
    throw new RemoteError('refused', status === 404 && error.error === undefined ? `${url.href} answered 404: is this a reboot-manager server of this release?` : said);
  }
  const answer = body as Partial<Explanation>;
  if (typeof answer.grantable !== 'boolean' || !Array.isArray(answer.reasons)) throw new RemoteError('not_reboot_manager', `${url.href} answered JSON that is not an explanation: is this a reboot-manager server?`);
  return body as Explanation;
}

/** `GET /api/v1/history[?node=NODE]`: one node's reboots, or the cluster's latest; the server's message on 400/404. */
export async function fetchHistory(base: string, node: string | undefined, opts: { timeoutMs?: number } = {}): Promise<HistoryRow[]> {
  const url = under(base, 'api/v1/history');
  if (node !== undefined) url.searchParams.set('node', node);
  const { status, body } = await getJson(url, opts.timeoutMs ?? 10_000);
  const answer = body as { reboots?: unknown; message?: unknown };
  if (status !== 200) throw new RemoteError('refused', typeof answer.message === 'string' ? answer.message : `${url.href} answered ${status}`);
  if (!Array.isArray(answer.reboots)) throw new RemoteError('not_reboot_manager', `${url.href} answered JSON without a reboot list: is this a reboot-manager server of this release?`);
  return answer.reboots as HistoryRow[];
}
