// A real control plane with reboot-manager's manifests applied by kubectl and kwok nodes, torn down with the test.
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../../kit/control-plane.js';
import { createNodes, Reboots, type FakeNode } from '../../../kit/nodes.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const NAMESPACE = 'reboot-manager';

export interface E2eCluster {
  readonly plane: ControlPlane;
  readonly nodes: readonly FakeNode[];
  readonly reboots: Reboots;
  /** Authenticated as the reboot-manager ServiceAccount (TokenRequest): the shipped RBAC decides every call. */
  readonly productKubeconfig: string;
}

export interface E2eClusterOptions extends ControlPlaneOptions {
  readonly nodes: number;
  /** The kustomize folder under kubernetes/ to apply (default base). */
  readonly overlay?: 'base' | 'azure';
}

export const nodeName = (i: number): string => `node-${String(i + 1).padStart(2, '0')}`;

export async function startE2eCluster(t: Test, opts: E2eClusterOptions): Promise<E2eCluster> {
  const plane = await startControlPlane({ ...opts, keep: opts.keep ?? process.env.KIT_KEEP === '1' });
  t.teardown(() => plane.stop());
  // A real API server validates every manifest we ship.
  await plane.kubectl(['apply', '-k', `${REPO}kubernetes/${opts.overlay ?? 'base'}`]);
  // The replicas under test run as processes here, not as the Deployment's pods.
  await plane.kubectl(['-n', NAMESPACE, 'scale', 'deployment/reboot-manager', '--replicas=0']);
  const nodes = await createNodes(plane.admin, Array.from({ length: opts.nodes }, (_, i) => nodeName(i)));
  const reboots = new Reboots(plane.admin);
  const productKubeconfig = await plane.serviceAccountKubeconfig(NAMESPACE, 'reboot-manager');
  return { plane, nodes, reboots, productKubeconfig };
}
