// `npm run kit:up [-- --nodes N]`: a real control plane on 127.0.0.1 until Ctrl-C, for trying reboot-manager by hand.
import { parseArgs } from 'node:util';
import { startControlPlane } from './control-plane.js';
import { createNodes } from './nodes.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false } } });
const count = Number(values.nodes);
if (!Number.isInteger(count) || count < 0 || count > 5000) {
  process.stderr.write('--nodes must be a whole number from 0 to 5000\n');
  process.exit(2);
}

const plane = await startControlPlane({ keep: values.keep });
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping the control plane...\n');
  void plane.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const names = Array.from({ length: count }, (_, i) => `node-${String(i + 1).padStart(2, '0')}`);
const nodes = await createNodes(plane.admin, names);
process.stdout.write([
  `Kubernetes ${plane.kubernetesVersion} is up at ${plane.server} (data, logs and certificates in ${plane.dir}).`,
  `${nodes.length} kwok nodes: ${nodes.map((n) => `${n.name} (machine-id ${n.machineId})`).join(', ') || 'none'}`,
  '',
  `  export KUBECONFIG=${plane.adminKubeconfig}`,
  `  ${plane.binaries.path('kubectl')} get nodes`,
  `  ${plane.binaries.path('kubectl')} apply -k kubernetes/base`,
  '',
  'Ctrl-C stops every process it started.',
  '',
].join('\n'));
