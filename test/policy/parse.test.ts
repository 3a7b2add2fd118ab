// A RebootPolicy spec becomes the budget arithmetic's data, or an error naming the field.
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { DEFAULT_HEALTH_GATE } from '../../src/policy/health-gate.js';
import { PolicyError, parsePolicySpec } from '../../src/policy/parse.js';
import { describeWindow } from '../../src/policy/window-describe.js';

const DEFAULTS = { maxUnavailable: 1, countUnavailable: false, healthGate: DEFAULT_HEALTH_GATE };
const EXAMPLES = fileURLToPath(new URL('../../kubernetes/examples/', import.meta.url));

void t.test('an empty policy is the flags: nothing changes for users who set none', async (t) => {
  t.same(parsePolicySpec(undefined, DEFAULTS).budget, { maxUnavailable: { count: 1 }, pools: [], countUnavailable: false });
  t.same(parsePolicySpec({}, { ...DEFAULTS, maxUnavailable: 3 }).budget.maxUnavailable, { count: 3 });
  t.equal(parsePolicySpec({}, DEFAULTS).budgetsFromObject, false);
});

void t.test('an object that sets no budget (what `pause` creates, with the CRD defaults filled in) keeps the flag budgets', async (t) => {
  const pauseOnly = { pause: { reason: 'r', by: 'alice', since: '2026-01-01T00:00:00Z' }, countUnavailable: true, drainOutsideWindow: 'Stop' };
  const paused = parsePolicySpec(pauseOnly, DEFAULTS);
  t.same(paused.budget, parsePolicySpec(undefined, DEFAULTS).budget, '--max-rebooting and --count-unavailable, not the CRD default');
  t.equal(paused.budgetsFromObject, false, '--slots-per-group still applies');
  t.same(paused.pause, { reason: 'r', by: 'alice', since: '2026-01-01T00:00:00Z' });
  for (const spec of [{ maxUnavailable: 1 }, { topology: { key: 'zone', maxUnavailable: 1 } }, { pools: [] }]) {
    const policy = parsePolicySpec({ ...spec, countUnavailable: true }, DEFAULTS);
    t.ok(policy.budgetsFromObject && policy.budget.countUnavailable, `${Object.keys(spec)[0] ?? ''} makes the object's budgets replace the flags`);
  }
});

void t.test('every shipped example parses', async (t) => {
  const files = (await readdir(EXAMPLES)).filter((f) => f.startsWith('policy-'));
  t.ok(files.length >= 3, 'three complete examples');
  for (const file of files) {
    const doc = parse(await readFile(`${EXAMPLES}${file}`, 'utf8')) as { kind: string; spec: unknown };
    t.equal(doc.kind, 'RebootPolicy');
    t.doesNotThrow(() => parsePolicySpec(doc.spec, DEFAULTS), file);
  }
  const pools = parse(await readFile(`${EXAMPLES}policy-pools.yaml`, 'utf8')) as { spec: unknown };
  const policy = parsePolicySpec(pools.spec, DEFAULTS).budget;
  t.same(policy.pools.map((p) => [p.name, p.maxUnavailable, p.paused ?? false]), [
    ['workers', { percent: 25 }, false],
    ['gpu', { count: 1 }, false],
    ['databases', { count: 1 }, true],
  ]);
  t.same(policy.pools[1]?.topology, { key: 'topology.kubernetes.io/zone', max: 1 });

  const windows = parsePolicySpec((parse(await readFile(`${EXAMPLES}policy-windows.yaml`, 'utf8')) as { spec: unknown }).spec, DEFAULTS);
  t.same(windows.windows.map(describeWindow), ['Mon–Fri 22:00–04:00 Europe/Berlin', 'Sat–Sun all day Europe/Berlin']);
  t.same([...windows.poolWindows].map(([pool, w]) => [pool, w.map(describeWindow)]), [['databases', ['Sun 06:00–10:00 Europe/Berlin']]]);
  t.equal(windows.drainOutsideWindow, 'stop');
});

void t.test('a policy the server cannot use is refused with the field that is wrong', async (t) => {
  const bad: [unknown, string][] = [
    [{ maxUnavailable: 0 }, 'spec.maxUnavailable'],
    [{ maxUnavailable: '150%' }, 'spec.maxUnavailable'],
    [{ maxUnavailable: '10' }, 'spec.maxUnavailable'],
    [{ countUnavailable: 'yes' }, 'spec.countUnavailable'],
    [{ topology: { key: 'zone' } }, 'spec.topology.maxUnavailable'],
    [{ topology: { key: 'bad key!', maxUnavailable: 1 } }, 'spec.topology.key'],
    [{ pools: {} }, 'spec.pools'],
    [{ pools: [{ name: 'A', nodeSelector: {}, maxUnavailable: 1 }] }, 'spec.pools[0].name'],
    [{ pools: [{ name: 'a', maxUnavailable: 1 }] }, 'spec.pools[0].nodeSelector'],
    [{ pools: [{ name: 'a', nodeSelector: {}, maxUnavailable: 1 }, { name: 'a', nodeSelector: {}, maxUnavailable: 1 }] }, 'spec.pools[1].name'],
    [{ pools: [{ name: 'a', nodeSelector: { matchExpressions: [{ key: 'k', operator: 'Has' }] }, maxUnavailable: 1 }] }, 'spec.pools[0].nodeSelector.matchExpressions[0].operator'],
    [{ pools: [{ name: 'a', nodeSelector: { matchExpressions: [{ key: 'k', operator: 'In' }] }, maxUnavailable: 1 }] }, 'spec.pools[0].nodeSelector.matchExpressions[0].values'],
    [{ pools: [{ name: 'a', nodeSelector: { matchLabels: { k: 1 } }, maxUnavailable: 1 }] }, 'spec.pools[0].nodeSelector.matchLabels.k'],
    [{ pools: [{ name: 'a', nodeSelector: {}, maxUnavailable: '0%' }] }, 'spec.pools[0].maxUnavailable'],
    [{ windows: [{ days: ['Mon'], start: '22:00', end: '04:00', timeZone: 'Mars/Olympus' }] }, 'spec.windows[0].timeZone'],
    [{ pools: [{ name: 'a', nodeSelector: {}, maxUnavailable: 1, windows: [{ days: ['Sun'], start: '6:00', end: '10:00', timeZone: 'UTC' }] }] }, 'spec.pools[0].windows[0].start'],
  ];
  for (const [spec, field] of bad) {
    let caught: unknown;
    try {
      parsePolicySpec(spec, DEFAULTS);
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof PolicyError && caught.field === field && caught.code === 'ERR_POLICY', `${JSON.stringify(spec)} -> ${field} (${String(caught)})`);
  }
  t.throws(() => parsePolicySpec({ maxUnavailable: '150%' }, DEFAULTS), { message: /^spec\.maxUnavailable: must be a whole number of nodes \(at least 1\) or a percentage like "25%"/ });
});
