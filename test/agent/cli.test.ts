// `reboot-manager imds-agent` end to end in-process: env config, the simulated IMDS, a fake lock server, SIGTERM.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { commands } from '../../src/cli/commands.js';
import { SimulatedImds } from '../../src/sim/imds/index.js';
import { startFakeFleetLock } from '../support/fake-fleetlock.js';
import { MACHINE_ID, OUR_VM, ZINCATI_ID } from '../support/agent-rig.js';

void t.test('the command polls, asks for the lock, and exits 0 on SIGTERM', async (t) => {
  const sim = await SimulatedImds.start({ vmName: OUR_VM });
  t.teardown(() => sim.close());
  const lock = await startFakeFleetLock(t);
  const machineIdFile = join(t.testdir(), 'machine-id');
  writeFileSync(machineIdFile, `${MACHINE_ID}\n`);
  const env = {
    REBOOT_MANAGER_SERVER: lock.url,
    REBOOT_MANAGER_IMDS_URL: sim.url,
    REBOOT_MANAGER_MACHINE_ID_FILE: machineIdFile,
    REBOOT_MANAGER_POLL_INTERVAL: '200ms',
    REBOOT_MANAGER_LOG_LEVEL: 'error',
    // Not the fixed default :9102: tests run side by side.
    REBOOT_MANAGER_METRICS_LISTEN: '127.0.0.1:0',
  };
  const exit = commands['imds-agent']!.run([], env);
  sim.schedule({ eventType: 'Terminate', resources: [OUR_VM] });
  await lock.waitFor(() => lock.preReboots().length === 1, 'pre-reboot');
  t.same(lock.preReboots(), [{ endpoint: 'pre-reboot', id: ZINCATI_ID, group: 'azure-urgent' }]);
  process.emit('SIGTERM');
  t.equal(await exit, 0);
});
