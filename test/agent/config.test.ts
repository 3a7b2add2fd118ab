import t from 'tap';
import { parseImdsAgentConfig } from '../../src/agent/config.js';
import { commands } from '../../src/cli/commands.js';

const SERVER = ['--server', 'http://reboot-manager.reboot-manager.svc/'];

void t.test('defaults: poll every second, ask again every 5 s, group azure, urgent group azure-urgent, no early approval', (t) => {
  const c = parseImdsAgentConfig(SERVER, {});
  t.equal(c.server, 'http://reboot-manager.reboot-manager.svc/');
  t.equal(c.group, 'azure');
  t.equal(c.urgentGroup, 'azure-urgent');
  t.equal(c.machineIdFile, '/etc/machine-id');
  t.equal(c.imdsUrl, 'http://169.254.169.254');
  t.equal(c.pollInterval, 1000);
  t.equal(c.retryInterval, 5000);
  t.equal(c.approve, false);
  t.equal(c.approveShared, false);
  t.equal(c.imdsFirstCallTimeout, 150_000);
  t.equal(c.imdsRetryBudget, 70_000);
  t.same([...c.policy.impactfulTypes], ['Reboot', 'Redeploy', 'Preempt', 'Terminate']);
  t.same([...c.policy.urgentTypes], ['Preempt', 'Terminate']);
  t.equal(c.policy.freezeThresholdSeconds, 9);
  t.end();
});

void t.test('every option comes from a flag or a REBOOT_MANAGER_ variable; flags win', (t) => {
  const env = {
    REBOOT_MANAGER_SERVER: 'http://lock/',
    REBOOT_MANAGER_GROUP: 'workers',
    REBOOT_MANAGER_URGENT_GROUP: 'spot.urgent',
    REBOOT_MANAGER_APPROVE: 'true',
    REBOOT_MANAGER_FREEZE_THRESHOLD: '30s',
    REBOOT_MANAGER_IMPACTFUL_TYPES: 'Reboot,Terminate',
    REBOOT_MANAGER_URGENT_TYPES: 'Terminate',
    REBOOT_MANAGER_MACHINE_ID_FILE: '/host/etc/machine-id',
  };
  const c = parseImdsAgentConfig(['--group', 'db', '--poll-interval', '2s', '--approve-shared'], env);
  t.equal(c.server, 'http://lock/');
  t.equal(c.group, 'db');
  t.equal(c.urgentGroup, 'spot.urgent');
  t.equal(c.approve, true);
  t.equal(c.approveShared, true);
  t.equal(c.pollInterval, 2000);
  t.equal(c.policy.freezeThresholdSeconds, 30);
  t.same([...c.policy.impactfulTypes], ['Reboot', 'Terminate']);
  t.equal(c.machineIdFile, '/host/etc/machine-id');
  t.end();
});

void t.test('bad configuration is refused with a message naming the option', (t) => {
  t.throws(() => parseImdsAgentConfig([], {}), { name: 'ConfigError', message: /--server \(REBOOT_MANAGER_SERVER\) is required/ });
  t.throws(() => parseImdsAgentConfig(['--server', 'lock:8080'], {}), { message: /--server "lock:8080": must be an http or https URL/ });
  t.throws(() => parseImdsAgentConfig([...SERVER, '--group', 'my_group'], {}), { message: /--group "my_group"/ });
  t.throws(() => parseImdsAgentConfig([...SERVER, '--poll-interval', '100ms'], {}), { message: /--poll-interval "100ms": must be at least 200 ms/ });
  t.throws(() => parseImdsAgentConfig([...SERVER, '--impactful-types', 'Reboot,Explode'], {}), { message: /--impactful-types "Reboot,Explode": unknown event type "Explode"/ });
  t.throws(() => parseImdsAgentConfig([...SERVER, '--approve-shared'], {}), { message: /--approve-shared needs --approve/ });
  t.throws(() => parseImdsAgentConfig([...SERVER, '--freeze-threshold', 'long'], {}), { message: /--freeze-threshold "long": not a duration/ });
  t.throws(() => parseImdsAgentConfig(SERVER, { REBOOT_MANAGER_IMDS_URL: 'https://x' }), { message: /REBOOT_MANAGER_IMDS_URL \(--imds-url\) "https:\/\/x": must be an http:\/\/ URL/ });
  t.end();
});

void t.test('reboot-manager imds-agent is a command with help listing every option', (t) => {
  const command = commands['imds-agent'];
  t.ok(command);
  const help = command!.help();
  for (const flag of ['--server', '--group', '--urgent-group', '--machine-id-file', '--imds-url', '--poll-interval', '--retry-interval', '--freeze-threshold', '--approve', '--approve-shared', 'REBOOT_MANAGER_URGENT_GROUP']) {
    t.match(help, flag);
  }
  t.end();
});

void t.test('the command exits non-zero on bad configuration, before doing anything', async (t) => {
  await t.rejects(commands['imds-agent']!.run(['--server', 'http://lock/', '--machine-id-file', '/nonexistent/machine-id'], {}), {
    code: 'ERR_MACHINE_ID_FILE',
    message: /--machine-id-file/,
  });
  await t.rejects(commands['imds-agent']!.run([], {}), { name: 'ConfigError' });
});
