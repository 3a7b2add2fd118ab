// charts/reboot-manager rendered by the helm that kit/helm/build.sh builds (cached; `npm test` builds it first).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { Doc } from './manifests.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CHART = `${REPO}charts/reboot-manager`;

let binary: Promise<string> | undefined;

/** The pinned helm's path; builds it on first use (minutes cold, instant once cached). */
export function helmBinary(): Promise<string> {
  binary ??= run('bash', [`${REPO}kit/helm/build.sh`], { timeout: 900_000 }).then(({ stdout }) => stdout.trim());
  return binary;
}

/** What a helm command printed, or how it failed: exit status and stderr. */
export interface HelmRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the pinned helm with a private home (no user config, no repositories). */
export async function helm(args: readonly string[]): Promise<HelmRun> {
  const home = '/tmp/reboot-manager-helm-home';
  const env = { ...process.env, HELM_CONFIG_HOME: `${home}/config`, HELM_CACHE_HOME: `${home}/cache`, HELM_DATA_HOME: `${home}/data` };
  try {
    const { stdout, stderr } = await run(await helmBinary(), [...args], { env, timeout: 60_000 });
    return { ok: true, stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: unknown };
    if (typeof e.code !== 'number') throw err;
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `--set-json` pairs for values as data: each top-level key set whole, so a test reads as the values file it stands for. */
const setJson = (values: Record<string, unknown>): string[] => Object.entries(values).flatMap(([k, v]) => ['--set-json', `${k}=${JSON.stringify(v)}`]);

/** `helm template` of the chart with these values, CRDs included; a refused value gives ok: false and no docs. */
export async function template(values: Record<string, unknown> = {}, namespace = 'reboot-manager'): Promise<HelmRun & { docs: Doc[] }> {
  const out = await helm(['template', 'reboot-manager', CHART, '--namespace', namespace, '--include-crds', ...setJson(values)]);
  // YAML 1.1, as the API server reads manifests (0440 is octal there).
  const docs = out.ok ? parseAllDocuments(out.stdout, { version: '1.1' }).map((d) => d.toJS() as Doc | null).filter((d): d is Doc => d !== null) : [];
  return { ...out, docs };
}
