import t from 'tap';
import { parseServeConfig } from '../../src/config/serve.js';
import { drainOptionsOf } from '../../src/server.js';

void t.test('drain defaults are the safe ones: block bare pods, refuse after 30m, bounded calls', async (t) => {
  const o = drainOptionsOf(parseServeConfig([], {}));
  t.match(o, { unmanagedPods: 'block', timeoutPolicy: 'refuse', timeoutMs: 30 * 60_000, concurrency: 10, evictionRate: 50, blockedRetryMs: 60_000 });
  await Promise.resolve();
});

void t.test('drain options come from flags or environment; bad values name the option', async (t) => {
  const o = drainOptionsOf(
    parseServeConfig(['--drain-timeout-policy', 'delete', '--own-pod', 'reboot-manager/rm-1'], { REBOOT_MANAGER_DRAIN_TIMEOUT: '1h', REBOOT_MANAGER_DRAIN_UNMANAGED_PODS: 'evict' }),
  );
  t.match(o, { timeoutPolicy: 'delete', timeoutMs: 3_600_000, unmanagedPods: 'evict', ownPod: { namespace: 'reboot-manager', name: 'rm-1' } });
  t.throws(() => parseServeConfig(['--drain-timeout-policy', 'ignore'], {}), { message: /--drain-timeout-policy "ignore": must be one of refuse, delete, grant/ });
  t.throws(() => parseServeConfig(['--own-pod', 'just-a-name'], {}), { message: /--own-pod "just-a-name": not NAMESPACE\/NAME/ });
  t.throws(() => parseServeConfig(['--eviction-retry-min', '5s', '--eviction-retry-max', '1s'], {}), { message: /eviction-retry/ });
  await Promise.resolve();
});
