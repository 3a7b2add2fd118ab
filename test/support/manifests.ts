// The shipped manifests as `kubectl kustomize` renders them, for the manifest tests.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

/** `kubernetes/` of this checkout, with a trailing slash. */
export const KUBERNETES = fileURLToPath(new URL('../../kubernetes/', import.meta.url));

export interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

/** Every object `kubectl kustomize DIR` renders (default: the base, through `kubernetes/`). */
export async function render(dir: string = KUBERNETES): Promise<Doc[]> {
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], { timeout: 30_000 });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Doc);
}

/** `Kind/name` of every object, sorted: what an overlay adds to the base. */
export const kinds = (docs: readonly Doc[]): string[] => docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();

/** A container's literal environment, as the server would read it. */
export const envOf = (c: { env?: { name: string; value?: string }[] } | undefined): Record<string, string> => Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value ?? '']));
