// Standalone simulator for benchmarks and demos in their own process: N nodes, a kubeconfig, one JSON line when ready.
import { parseArgs } from 'node:util';
import { AGENT_POOL_LABEL, agentPoolOf, machineIdFor, makeNode, REBOOT_MANAGER_USER, startKubeSim } from './index.js';
import type { SimUser } from './index.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '0' },
    'image-count': { type: 'string', default: '0' },
    kubeconfig: { type: 'string' },
    // A kubeconfig of a cluster admin besides, for whoever drives the cluster as an operator (kubectl, the bench).
    'admin-kubeconfig': { type: 'string' },
    user: { type: 'string', default: 'admin' },
    port: { type: 'string', default: '0' },
    'rbac-dir': { type: 'string' },
    // Every Node's ExternalIP: where their FleetLock requests come from when one process sends them all.
    'node-address': { type: 'string' },
    // Spread the nodes over this many AKS node pools (label kubernetes.azure.com/agentpool=pool0, pool1, ...); 0: no label.
    'node-pools': { type: 'string', default: '0' },
  },
});

function fail(message: string): never {
  process.stderr.write(`kube sim: ${message}\n`);
  process.exit(2);
}

const nodes = Number(values.nodes);
const imageCount = Number(values['image-count']);
const port = Number(values.port);
const pools = Number(values['node-pools']);
if (!Number.isInteger(nodes) || nodes < 0) fail('--nodes must be a non-negative integer');
if (!Number.isInteger(imageCount) || imageCount < 0) fail('--image-count must be a non-negative integer');
if (!Number.isInteger(port) || port < 0) fail('--port must be a port number');
if (!Number.isInteger(pools) || pools < 0) fail('--node-pools must be a non-negative integer');
let user: SimUser;
if (values.user === 'admin') user = 'admin';
else if (values.user === 'reboot-manager') user = REBOOT_MANAGER_USER;
else fail('--user must be admin or reboot-manager');

const sim = await startKubeSim({ port, ...(values['rbac-dir'] ? { rbacDir: values['rbac-dir'] } : {}) });
for (let i = 1; i <= nodes; i++) {
  const labels = pools > 0 ? { labels: { [AGENT_POOL_LABEL]: agentPoolOf(i, pools) } } : {};
  sim.store.createNode(makeNode({ name: `node-${String(i).padStart(5, '0')}`, machineID: machineIdFor(i), imageCount, ...labels, ...(values['node-address'] ? { externalIP: values['node-address'] } : {}) }));
}
if (values.kubeconfig) await sim.writeKubeconfig(values.kubeconfig, user);
if (values['admin-kubeconfig']) await sim.writeKubeconfig(values['admin-kubeconfig'], 'admin');
process.stdout.write(`${JSON.stringify({ url: sim.url, ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}) })}\n`);

const shutdown = () => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
