// The status page's HTTP face: content types, the CSP that keeps it self-contained, and its neighbours.
import { Script } from 'node:vm';
import t from 'tap';
import { systemClock } from '../../src/clock/clock.js';
import { STATUS_JS } from '../../src/http/status-page/script.js';
import { STATUS_PAGE_CSP } from '../../src/http/status-routes.js';
import { StatusService } from '../../src/status/snapshot.js';
import { policyViews } from '../support/policy-views.js';
import { fleetLockBody, send } from '../support/http-harness.js';
import { startPageServer } from '../support/status-cluster.js';

const emptyCluster = (): StatusService =>
  new StatusService({
    nodes: { values: () => [][Symbol.iterator](), synced: true, lastRelease: () => undefined },
    requests: { values: () => [] },
    budget: () => ({ maxTotal: 1, defaultPerGroup: 1, perGroup: new Map(), urgentGroups: new Set() }),
    policy: policyViews(),
    identity: 'replica-0',
    isLeader: () => true,
    clock: systemClock,
  });


void t.test('GET / is the page, with a CSP that allows only its own script, style and API', async (t) => {
  const origin = await startPageServer(t, emptyCluster());
  const page = await send(origin, '/', { method: 'GET' });
  t.equal(page.status, 200);
  t.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  t.equal(page.headers['content-security-policy'], STATUS_PAGE_CSP);
  t.match(STATUS_PAGE_CSP, /default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'/);
  t.notMatch(STATUS_PAGE_CSP, /unsafe-inline|unsafe-eval/);
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.match(page.text, /^<!doctype html>/);
  t.match(page.text, '<script src="status.js" defer></script>');
  t.match(page.text, '<link rel="stylesheet" href="status.css">');
  t.notMatch(page.text, /<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=/i, 'nothing inline that the CSP would block');
  t.notMatch(page.text, /(src|href)="(https?:)?\/\//, 'no external assets');
  t.match(page.text, /<th scope="col">Node<\/th>/, 'table headers for screen readers');

  const script = await send(origin, '/status.js', { method: 'GET' });
  t.equal(script.status, 200);
  t.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
  t.equal(script.text, STATUS_JS);
  t.doesNotThrow(() => new Script(STATUS_JS, { filename: 'status.js' }), 'the script parses');
  t.notMatch(STATUS_JS, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, 'cluster values never go through an HTML parser');
  const style = await send(origin, '/status.css', { method: 'GET' });
  t.equal(style.status, 200);
  t.equal(style.headers['content-type'], 'text/css; charset=utf-8');

  const head = await send(origin, '/', { method: 'HEAD' });
  t.equal(head.status, 200, 'HEAD / too');
});

void t.test('the status API is read-only and the internal port serves no FleetLock', async (t) => {
  const origin = await startPageServer(t, emptyCluster());
  t.equal((await send(origin, '/api/v1/status', { method: 'POST', body: '{}' })).status, 404, 'the status API is read-only');
  t.equal((await send(origin, '/v1/pre-reboot', { body: fleetLockBody({ id: 'a', group: 'default' }) })).status, 404, 'FleetLock lives on the public port only');
  const api = await send(origin, '/api/v1/status', { method: 'GET' });
  t.match(api.json(), { identity: 'replica-0', leader: true, holders: 0, nodes: [] });
});
