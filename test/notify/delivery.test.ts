// Delivery to a local receiver on a virtual clock: retries and their backoff, Retry-After, refusals, timeouts, a full queue.
import t, { type Test } from 'tap';
import { createLogger } from '../../src/logging/logger.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { HAPPENING_KINDS, type Happening } from '../../src/notify/notifier.js';
import type { NotifyMetrics, ReceiverSettings } from '../../src/notify/receiver.js';
import { retryAfter } from '../../src/notify/webhook-sink.js';
import { Webhooks } from '../../src/notify/webhooks.js';
import { turn } from '../support/virtual-time.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const T0 = Date.UTC(2026, 0, 1);
const claim = (node: string): Happening => ({ kind: 'claim', node, group: 'default', source: { kind: 'fleetlock', id: 'abc' }, at: T0 });

/** Event-loop turns until `check` holds: the receiver's answer travels over a real socket while the clock stands still. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200_000; i++) {
    if (check()) return;
    await turn();
  }
  throw new Error(`never: ${what}`);
}

function rig(t: Test, receivers: (Partial<ReceiverSettings> & { url: string })[]) {
  const clock = new VirtualClock(T0);
  const counts = new Map<string, number>();
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  const metrics: NotifyMetrics = { receivers: () => undefined, delivered: (r, result) => count(`${r} ${result}`), dropped: (r) => count(`${r} dropped`) };
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
  const settings = receivers.map((r): ReceiverSettings => ({ name: 'ops', format: 'json', kinds: new Set(HAPPENING_KINDS), template: undefined, timeoutMs: 5000, retries: 3, queueSize: 10, ...r }));
  // No jitter: each backoff is exactly 1s, 2s, 4s ...
  const webhooks = new Webhooks(settings, { clock, log, metrics, random: () => 0 });
  t.teardown(() => webhooks.close());
  return { clock, webhooks, lines, counted: (key: string) => counts.get(key) ?? 0 };
}

const nodesOf = (r: WebhookReceiver): unknown[] => r.received.map((x) => x.body.node);

void t.test('each receiver gets the kinds it asked for, in its format', async (t) => {
  const all = await startWebhookReceiver(t);
  const slack = await startWebhookReceiver(t);
  const { webhooks } = rig(t, [{ url: all.url }, { name: 'slack', url: slack.url, format: 'slack', kinds: new Set(['release']) }]);
  webhooks.notify(claim('node-1'));
  webhooks.notify({ kind: 'release', node: 'node-1', group: 'default', source: { kind: 'fleetlock', id: 'abc' }, at: T0, code: 'rebooted', reason: 'the node rebooted and is Ready' });
  const [first, second] = await all.arrived(2);
  t.match(first, { path: `/hook/${all.secret}`, contentType: 'application/json', body: { kind: 'claim', node: 'node-1', group: 'default', at: '2026-01-01T00:00:00.000Z' } });
  t.match(second, { body: { kind: 'release', reason: 'rebooted' } });
  const [only] = await slack.arrived(1);
  t.same(only?.body, { text: 'node-1 gave its reboot slot back: the node rebooted and is Ready' }, 'Slack gets the release only, as {"text"}');
});

void t.test('a 500 is retried after the backoff, then the notification counts as sent', async (t) => {
  const receiver = await startWebhookReceiver(t);
  receiver.replies.push({ status: 500 });
  const { clock, webhooks, counted } = rig(t, [{ url: receiver.url }]);
  webhooks.notify(claim('node-1'));
  await receiver.arrived(1);
  await until(() => clock.nextDue() === T0 + 1000, 'the retry waits the first backoff, 1s');
  t.equal(receiver.received.length, 1, 'nothing is sent again before the backoff');
  clock.advance(1000);
  const [a, b] = await receiver.arrived(2);
  t.same(b?.body, a?.body, 'the same notification again');
  await until(() => counted('ops sent') === 1, 'counted as sent');
  t.equal(counted('ops failed') + counted('ops rejected'), 0);
});

void t.test("a 429's Retry-After is waited before the retry", async (t) => {
  const receiver = await startWebhookReceiver(t);
  receiver.replies.push({ status: 429, headers: { 'retry-after': '30' } });
  const { clock, webhooks, counted } = rig(t, [{ url: receiver.url }]);
  webhooks.notify(claim('node-1'));
  await receiver.arrived(1);
  await until(() => clock.nextDue() === T0 + 30_000, 'a wait of Retry-After, 30s');
  clock.advance(29_999);
  t.equal(receiver.received.length, 1, 'not retried before Retry-After');
  clock.advance(1);
  await until(() => clock.nextDue() === T0 + 31_000, 'then the backoff, 1s');
  clock.advance(1000);
  await receiver.arrived(2);
  await until(() => counted('ops sent') === 1, 'counted as sent');
  t.equal(retryAfter('Thu, 01 Jan 2026 00:02:00 GMT', T0), 120_000, 'Retry-After as an HTTP date');
});

void t.test('a 400 is not retried: counted as rejected and logged by receiver name, never by URL', async (t) => {
  const receiver = await startWebhookReceiver(t);
  receiver.replies.push({ status: 400 });
  const { clock, webhooks, counted, lines } = rig(t, [{ url: receiver.url }, { name: 'gone', url: `http://127.0.0.1:1/hook/${receiver.secret}`, retries: 0 }]);
  webhooks.notify(claim('node-1'));
  await receiver.arrived(1);
  await until(() => counted('ops rejected') === 1 && counted('gone failed') === 1, 'the 400 rejected, the refused connection failed');
  t.equal(clock.nextDue(), undefined, 'no retry is scheduled');
  t.equal(receiver.received.length, 1);
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).sort((a, b) => String(b.receiver).localeCompare(String(a.receiver)));
  t.match(logged, [
    { level: 40, receiver: 'ops', status: 400, code: 'status', err: 'answered HTTP 400', msg: 'notification not delivered' },
    { level: 40, receiver: 'gone', code: 'network', err: /^network error/, msg: 'notification not delivered' },
  ]);
  t.notOk(lines.join('\n').includes(receiver.secret), 'the URL is in no log line');
});

void t.test('a receiver that never answers times out; its full queue drops the oldest and counts them', async (t) => {
  const receiver = await startWebhookReceiver(t, { otherwise: 'hang' });
  const { clock, webhooks, counted } = rig(t, [{ url: receiver.url, queueSize: 2, retries: 0 }]);
  for (const n of [1, 2, 3, 4, 5]) webhooks.notify(claim(`node-${n}`));
  t.equal(counted('ops dropped'), 2, 'node-1 is being sent, node-2 and node-3 made way for node-4 and node-5');
  await receiver.arrived(1);
  receiver.otherwise = { status: 204 };
  await until(() => clock.nextDue() === T0 + 5000, 'the attempt times out after 5s');
  clock.advance(5000);
  await receiver.arrived(3);
  t.same(nodesOf(receiver), ['node-1', 'node-4', 'node-5']);
  await until(() => counted('ops sent') === 2, 'the two kept are sent');
  t.equal(counted('ops failed'), 1, 'the one that timed out failed (no retries configured)');
});
