// Standalone simulator for benchmarks and demos in their own process: N nodes, a kubeconfig, one JSON line when ready.
import { parseArgs } from 'node:util';
import { machineIdFor, makeNode, REBOOT_MANAGER_USER, startKubeSim } from './index.js';
import type { SimUser } from './index.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '0' },
    'image-count': { type: 'string', default: '0' },
    kubeconfig: { type: 'string' },
    user: { type: 'string', default: 'admin' },
    port: { type: 'string', default: '0' },
    'rbac-dir': { type: 'string' },
    // Every Node's ExternalIP: where their FleetLock requests come from when one process sends them all.
    'node-address': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`kube sim: ${message}\n`);
  process.exit(2);
}

const nodes = Number(values.nodes);
const imageCount = Number(values['image-count']);
const port = Number(values.port);
if (!Number.isInteger(nodes) || nodes < 0) fail('--nodes must be a non-negative integer');
if (!Number.isInteger(imageCount) || imageCount < 0) fail('--image-count must be a non-negative integer');
if (!Number.isInteger(port) || port < 0) fail('--port must be a port number');
let user: SimUser;
if (values.user === 'admin') user = 'admin';
else if (values.user === 'reboot-manager') user = REBOOT_MANAGER_USER;
else fail('--user must be admin or reboot-manager');

const sim = await startKubeSim({ port, ...(values['rbac-dir'] ? { rbacDir: values['rbac-dir'] } : {}) });
for (let i = 1; i <= nodes; i++) {
  sim.store.createNode(makeNode({ name: `node-${String(i).padStart(5, '0')}`, machineID: machineIdFor(i), imageCount, ...(values['node-address'] ? { externalIP: values['node-address'] } : {}) }));
}
if (values.kubeconfig) await sim.writeKubeconfig(values.kubeconfig, user);
process.stdout.write(`${JSON.stringify({ url: sim.url, ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}) })}\n`);

const shutdown = () => {
  sim.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
