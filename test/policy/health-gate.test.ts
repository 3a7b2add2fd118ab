// spec.healthGate: fields left out take the server's flags; a bad one is refused naming it.
import t from 'tap';
import { DEFAULT_HEALTH_GATE, parseHealthGate } from '../../src/policy/health-gate.js';
import { PolicyError, parsePolicySpec } from '../../src/policy/parse.js';

const FLAGS = { enabled: false, timeoutMs: 300_000, nodeReadyMs: 30_000, onTimeout: 'block' } as const;

void t.test('an unset health gate is the flags; each field set overrides only itself', async (t) => {
  t.same(parseHealthGate(undefined, 'spec.healthGate', FLAGS), FLAGS);
  t.same(parseHealthGate({}, 'spec.healthGate', FLAGS), FLAGS);
  t.same(parseHealthGate({ enabled: true }, 'spec.healthGate', FLAGS), { ...FLAGS, enabled: true });
  t.same(parseHealthGate({ timeoutSeconds: 120, nodeReadySeconds: 0, onTimeout: 'Proceed' }, 'spec.healthGate', FLAGS), { enabled: false, timeoutMs: 120_000, nodeReadyMs: 0, onTimeout: 'proceed' });
  t.same(parsePolicySpec({ healthGate: { onTimeout: 'Block' } }, { maxUnavailable: 1, countUnavailable: true, healthGate: DEFAULT_HEALTH_GATE }).healthGate, { ...DEFAULT_HEALTH_GATE, onTimeout: 'block' });
});

void t.test('the default is on, 10 minutes, a minute of Ready, then proceed', async (t) => {
  t.same(DEFAULT_HEALTH_GATE, { enabled: true, timeoutMs: 600_000, nodeReadyMs: 60_000, onTimeout: 'proceed' });
});

void t.test('a bad health gate names its field', async (t) => {
  const bad: [unknown, string][] = [
    ['on', 'spec.healthGate'],
    [{ enabled: 'yes' }, 'spec.healthGate.enabled'],
    [{ timeoutSeconds: 0 }, 'spec.healthGate.timeoutSeconds'],
    [{ timeoutSeconds: 1.5 }, 'spec.healthGate.timeoutSeconds'],
    [{ timeoutSeconds: '10m' }, 'spec.healthGate.timeoutSeconds'],
    [{ nodeReadySeconds: -1 }, 'spec.healthGate.nodeReadySeconds'],
    [{ nodeReadySeconds: 86_401 }, 'spec.healthGate.nodeReadySeconds'],
    [{ onTimeout: 'proceed' }, 'spec.healthGate.onTimeout'],
  ];
  for (const [spec, field] of bad) {
    const err = t.throws(() => parsePolicySpec({ healthGate: spec }, { maxUnavailable: 1, countUnavailable: true, healthGate: DEFAULT_HEALTH_GATE })) as PolicyError;
    t.equal(err.code, 'ERR_POLICY');
    t.equal(err.field, field, JSON.stringify(spec));
  }
});
