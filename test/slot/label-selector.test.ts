// A selector sent to the API server as text selects exactly the objects it selects as data.
import t from 'tap';
import { selectorMatches, selectorString, type LabelSelector } from '../../src/slot/label-selector.js';
import { parseLabelSelector } from '../../src/sim/kube/selectors.js';

const OBJECTS: Record<string, string>[] = [
  {},
  { app: 'backup' },
  { app: 'backup', tier: 'critical' },
  { app: 'backup', tier: 'batch', legacy: 'true' },
  { app: 'web', tier: 'critical', 'example.com/owner': 'team-a' },
  { 'example.com/owner': 'team-b' },
];

const SELECTORS: LabelSelector[] = [
  { matchLabels: { app: 'backup' } },
  { matchLabels: { app: 'backup', tier: 'critical' } },
  { matchExpressions: [{ key: 'tier', operator: 'In', values: ['critical', 'batch'] }] },
  { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['batch'] }] },
  { matchExpressions: [{ key: 'example.com/owner', operator: 'Exists' }] },
  { matchLabels: { app: 'backup' }, matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist' }] },
];

void t.test('the text form is the query syntax kubectl and the API server use', async (t) => {
  t.equal(
    selectorString({ matchLabels: { app: 'backup' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }, { key: 'x', operator: 'NotIn', values: ['1'] }, { key: 'y', operator: 'Exists' }, { key: 'z', operator: 'DoesNotExist' }] }),
    'app=backup,tier in (a,b),x notin (1),y,!z',
  );
  t.equal(selectorString({}), '', 'the empty selector is the empty string (every object)');
});

void t.test('the API server, reading the text, selects the same objects as the selector does', async (t) => {
  for (const selector of SELECTORS) {
    const text = selectorString(selector);
    const server = parseLabelSelector(text);
    const byServer = OBJECTS.filter((labels) => server({ metadata: { name: 'x', labels } }));
    const byData = OBJECTS.filter((labels) => selectorMatches(selector, labels));
    t.ok(byData.length > 0 && byData.length < OBJECTS.length, `${text} tells objects apart`);
    t.same(byServer, byData, text);
  }
});
