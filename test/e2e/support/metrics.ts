// One sample of a Prometheus text exposition (the server's /metrics, an agent's /metrics).
import { request } from 'undici';

/** The value of `name` with exactly these labels (none: the unlabelled series); undefined when absent. */
export async function metric(url: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const res = await request(url);
  const text = await res.body.text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}
