import t from 'tap';
import { ConfigError, duration, listenAddress } from '../../src/config/options.js';
import { parseServeConfig } from '../../src/config/serve.js';

void t.test('defaults: one node at a time in the whole cluster, leader election on', async (t) => {
  const c = parseServeConfig([], {});
  t.equal(c.maxRebooting, 1);
  t.equal(c.slotsPerGroup, 1);
  t.equal(c.leaderElect, true);
  t.same(c.listen, { host: '0.0.0.0', port: 8080 });
  t.equal(c.leaseDuration, 15_000);
  t.ok(c.renewDeadlineMs < c.leaseDuration, 'a leader gives up before anyone may take over');
});

void t.test('flags win over environment variables, which win over defaults', async (t) => {
  const env = { REBOOT_MANAGER_MAX_REBOOTING: '3', REBOOT_MANAGER_GROUP_SLOTS: 'workers=2,db.eu=1' };
  const c = parseServeConfig(['--max-rebooting=5', '--listen', '127.0.0.1:9000', '--leader-elect=false'], env);
  t.equal(c.maxRebooting, 5);
  t.same([...c.groupSlots], [['workers', 2], ['db.eu', 1]]);
  t.same(c.listen, { host: '127.0.0.1', port: 9000 });
  t.equal(c.leaderElect, false);
});

void t.test('bad configuration names the option and its variable', async (t) => {
  t.throws(() => parseServeConfig(['--max-rebooting', 'many'], {}), { name: 'ConfigError', message: /--max-rebooting "many": not a whole number/ });
  t.throws(() => parseServeConfig([], { REBOOT_MANAGER_MAX_REBOOTING: '-1' }), { message: /REBOOT_MANAGER_MAX_REBOOTING \(--max-rebooting\) "-1"/ });
  t.throws(() => parseServeConfig(['--group-slots', 'workers'], {}), { message: /--group-slots "workers": "workers" is not GROUP=COUNT/ });
  t.throws(() => parseServeConfig(['--group-slots', 'workers=3'], {}), { message: /group workers has 3 slots but --max-rebooting is 1/ });
  t.throws(() => parseServeConfig(['--lease-duration', 'soon'], {}), { message: /--lease-duration "soon": not a duration/ });
  t.throws(() => parseServeConfig(['--no-such-flag'], {}), ConfigError);
  t.throws(() => parseServeConfig(['--listen'], {}), { message: /--listen needs a value/ });
});

void t.test('value parsers', async (t) => {
  t.equal(duration('1h30m'), 5_400_000);
  t.equal(duration('250ms'), 250);
  t.equal(duration('0'), 0);
  t.throws(() => duration('5 minutes'));
  t.same(listenAddress('[::1]:8080'), { host: '::1', port: 8080 });
  t.same(listenAddress(':80'), { host: '0.0.0.0', port: 80 });
  t.throws(() => listenAddress('localhost'));
  t.throws(() => listenAddress('h:70000'));
});
