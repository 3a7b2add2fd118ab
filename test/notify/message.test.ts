// What a receiver reads: the default sentences, the template's fields, Slack's escaping and the plain JSON body.
import t from 'tap';
import { bodyOf, defaultText, valuesOf } from '../../src/notify/message.js';
import type { Happening } from '../../src/notify/notifier.js';
import { TEMPLATE_FIELDS, TemplateError, compileTemplate } from '../../src/notify/template.js';

const AT = Date.UTC(2026, 2, 1, 3, 30);
const about = { node: 'node-03', group: 'default', source: { kind: 'fleetlock', id: 'abc123' }, at: AT } as const;
const request = { ...about, source: { kind: 'request', name: 'disk-swap' } } as const;

const happenings: Happening[] = [
  { kind: 'claim', ...about },
  { kind: 'grant', ...request },
  { kind: 'release', ...about, code: 'rebooted', reason: 'the node rebooted and is Ready' },
  { kind: 'drain-blocked', ...about, blockers: ['PodDisruptionBudget shop/web', 'pod shop/db-0 has no controller'], since: AT - 20 * 60_000 },
  { kind: 'reboots-blocked', node: 'node-03', group: 'default', at: AT, code: 'blocked', reason: 'window: outside the maintenance window (opens Sat 02:00)', since: AT - 90 * 60_000, refusals: 57 },
];

void t.test('each happening has a default sentence naming the node and what happened', async (t) => {
  t.same(happenings.map(defaultText), [
    'node-03 claimed a reboot slot in group default (FleetLock id abc123)',
    'node-03 is drained and may reboot now (MaintenanceRequest disk-swap)',
    'node-03 gave its reboot slot back: the node rebooted and is Ready',
    "node-03's drain has been blocked for 20m by: PodDisruptionBudget shop/web; pod shop/db-0 has no controller",
    'node-03 has been refused a reboot slot for 1h30m (57 refusals): window: outside the maintenance window (opens Sat 02:00)',
  ]);
});

void t.test('plain JSON carries the happening as data, times in RFC 3339, and the sentence as text', async (t) => {
  const [, , release, blocked, waiting] = happenings.map((h) => JSON.parse(bodyOf(h, 'json')) as Record<string, unknown>);
  t.same(release, { kind: 'release', node: 'node-03', group: 'default', source: { kind: 'fleetlock', id: 'abc123' }, at: '2026-03-01T03:30:00.000Z', code: 'rebooted', reason: 'the node rebooted and is Ready', text: 'node-03 gave its reboot slot back: the node rebooted and is Ready' });
  t.match(blocked, { kind: 'drain-blocked', blockers: ['PodDisruptionBudget shop/web', 'pod shop/db-0 has no controller'], since: '2026-03-01T03:10:00.000Z' });
  t.match(waiting, { kind: 'reboots-blocked', code: 'blocked', refusals: 57, since: '2026-03-01T02:00:00.000Z', reason: /^window: / });
  t.notOk('source' in (waiting ?? {}), 'a wait does not keep which FleetLock id asked');
  t.match(valuesOf(happenings[4] as Happening), { source: 'fleetlock', by: '', code: 'blocked', for: '1h30m', refusals: '57' });
});

void t.test('Slack gets {"text"} only, with &, < and > escaped so no text can ping a channel', async (t) => {
  const paused: Happening = { kind: 'release', ...about, code: 'manual', reason: 'released by hand: <!channel> disk & fan' };
  t.same(JSON.parse(bodyOf(paused, 'slack')), { text: 'node-03 gave its reboot slot back: released by hand: &lt;!channel&gt; disk &amp; fan' });
  const template = compileTemplate('<https://grafana.example/d/rm|dashboard> {{text}}');
  t.same(JSON.parse(bodyOf(paused, 'slack', template)), { text: '<https://grafana.example/d/rm|dashboard> node-03 gave its reboot slot back: released by hand: &lt;!channel&gt; disk &amp; fan' }, "the template's own markup is kept; only the fields are escaped");
});

void t.test('a template fills in every field; fields a kind lacks are empty', async (t) => {
  const template = compileTemplate(TEMPLATE_FIELDS.map((f) => `${f}=[{{ ${f} }}]`).join(' '));
  t.equal(
    template.render(valuesOf(happenings[3] as Happening)),
    'kind=[drain-blocked] node=[node-03] group=[default] source=[fleetlock] by=[FleetLock id abc123] reason=[PodDisruptionBudget shop/web; pod shop/db-0 has no controller] code=[] blockers=[PodDisruptionBudget shop/web; pod shop/db-0 has no controller] at=[2026-03-01T03:30:00.000Z] since=[2026-03-01T03:10:00.000Z] for=[20m] refusals=[] text=[node-03\'s drain has been blocked for 20m by: PodDisruptionBudget shop/web; pod shop/db-0 has no controller]',
  );
  const short = compileTemplate('[prod] {{kind}} {{node}}: {{code}} {{reason}}');
  t.same((JSON.parse(bodyOf(happenings[2] as Happening, 'json', short)) as { text: string }).text, '[prod] release node-03: rebooted the node rebooted and is Ready', 'in plain JSON the template becomes the text field');
});

void t.test('a template naming an unknown field or leaving {{ open is refused, naming the problem', async (t) => {
  t.throws(() => compileTemplate('{{node}} {{nodename}}'), { name: 'TemplateError', code: 'ERR_TEMPLATE', message: /unknown field \{\{nodename\}\}: use one of \{\{kind\}\} \{\{node\}\}/ });
  t.throws(() => compileTemplate('{{node}} is {{kind'), { message: '"{{" at character 13 is never closed with "}}"' });
  t.throws(() => compileTemplate('{{constructor}}'), TemplateError, 'no object property is reachable, only the listed fields');
  t.equal(compileTemplate('no fields, } and { alone').render({} as never), 'no fields, } and { alone');
});
