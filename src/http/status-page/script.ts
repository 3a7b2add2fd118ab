// The status page's script, served at `/status.js` (the page's CSP runs no inline script): the helpers, the
// policy part, the MaintenanceRequest part, the node tables' keyed rows and filter, and the main part below, in one function scope. Plain browser JavaScript, kept free of backticks
// and `${` so it can live in these strings as written. Every value from the cluster reaches the page through
// text nodes, never through an HTML parser.
import { DOM_JS } from './dom-script.js';
import { FILTER_JS } from './filter-script.js';
import { HISTORY_JS } from './history-script.js';
import { POLICY_JS } from './policy-script.js';
import { REQUESTS_JS } from './request-script.js';
import { ROWS_JS } from './rows-script.js';

const MAIN_JS = String.raw`
  const REFRESH_MS = 5000;
  const TIMEOUT_MS = 4000;
  // A page that has not had an answer for three refreshes says so even if no request failed (a hang).
  const STALE_MS = 3 * REFRESH_MS;

  let lastOkAt = 0;
  let lastError = '';
  let cacheSyncing = false;

  function readyCell(ready) {
    return el('td', ready ? 'ok' : 'bad', [ready ? 'Ready' : 'NotReady']);
  }

  function cordonCell(cordoned) {
    if (cordoned === 'us') return el('td', '', ['by reboot-manager']);
    if (cordoned === 'admin') return el('td', 'admin', ['by an admin']);
    return el('td', 'muted', ['\u2013']);
  }

  // Pods evicted of those that must leave: a node's row and its request's row have the same fields.
  function drainBar(row) {
    const bar = document.createElement('progress');
    bar.max = Math.max(1, row.drainTotal);
    bar.value = row.drainTotal === 0 ? 1 : row.drainEvicted;
    bar.setAttribute('aria-label', row.drainEvicted + ' of ' + row.drainTotal + ' pods evicted');
    return bar;
  }

  function drainCell(row) {
    const cell = el('td', 'drain', []);
    if (row.drainTotal !== null) cell.appendChild(drainBar(row));
    if (row.drainTimedOut) cell.appendChild(el('span', 'badge timedout', ['timed out']));
    if (!row.drain) {
      cell.appendChild(el('span', 'muted', [row.phase === 'claimed' ? 'starting' : '\u2013']));
      return cell;
    }
    // The part naming what blocks the drain is highlighted; the rest is the line as the server wrote it.
    const text = el('div', 'drain-text', []);
    const blocker = row.drainWaitingOn ? 'waiting on ' + row.drainWaitingOn : '';
    const at = blocker ? row.drain.indexOf(blocker) : -1;
    if (at === -1) {
      text.appendChild(document.createTextNode(row.drain));
    } else {
      text.appendChild(document.createTextNode(row.drain.slice(0, at)));
      text.appendChild(el('mark', 'blocker', [blocker]));
      text.appendChild(document.createTextNode(row.drain.slice(at + blocker.length)));
    }
    cell.appendChild(text);
    return cell;
  }

  const readiness = (row) => (row.ready ? 'ready' : 'notready');

  function holderRow(row) {
    const words = ['rebooting', row.group, row.phase, readiness(row), row.cordoned ? 'cordoned' : '', row.source, row.request];
    return findable(el('tr', row.drainWaitingOn || row.drainTimedOut ? 'blocked' : '', [
      el('th', 'node', [row.node]),
      heldByCell(row),
      el('td', '', [row.group]),
      el('td', '', [el('span', 'badge phase-' + row.phase, [row.phase])]),
      el('td', 'num', [age(row.heldForSeconds)]),
      readyCell(row.ready),
      cordonCell(row.cordoned),
      drainCell(row),
    ]), row.node, words);
  }

  // The snapshot's time, for the ages the rows show.
  let renderedAt = '';

  // What an other node's row shows: the row is rebuilt only when this changes.
  const otherText = (row) => [row.node, row.lock, row.ready, row.cordoned, since(row.releasedAt, renderedAt)].join('\n');

  function otherRow(row) {
    return findable(el('tr', '', [
      el('th', 'node', [row.node]),
      el('td', '', [row.lock]),
      readyCell(row.ready),
      cordonCell(row.cordoned),
      el('td', row.releasedAt ? '' : 'muted', [since(row.releasedAt, renderedAt)]),
    ]), row.node, [readiness(row), row.cordoned ? 'cordoned' : '']);
  }

  // Rows the filter matches, and in all, per table.
  const tables = {
    holders: { shown: 0, total: 0 },
    others: { shown: 0, total: 0 },
  };

  function showCounts() {
    const filtering = terms.length > 0;
    for (const id of ['holders', 'others']) {
      const t = tables[id];
      byId(id + '-count').textContent = '(' + (filtering ? t.shown + ' of ' + t.total : t.total) + ')';
    }
    byId('no-match').hidden = !filtering || tables.holders.shown + tables.others.shown > 0;
  }

  function refilter(id) {
    filterBody(byId(id).tBodies[0], function (matching) {
      tables[id].shown = matching;
      showCounts();
    });
  }

  // A holder's row changes with its age and drain: rebuilt on every refresh; there are few.
  const updateHolders = keyedBody(byId('holders').tBodies[0], (r) => r.node, (r) => JSON.stringify(r), holderRow, () => refilter('holders'));
  const updateOthers = keyedBody(byId('others').tBodies[0], (r) => r.node, otherText, otherRow, () => refilter('others'));

  function renderBudget(data) {
    const max = data.budget.maxRebooting;
    const over = data.holders > max;
    const text = byId('budget-text');
    text.textContent = data.holders + ' of ' + plural(max, 'slot') + ' in use' + (over ? ' (urgent holders over budget)' : '');
    text.className = 'budget-text' + (over ? ' over' : data.holders === max ? ' full' : '');
    const cells = [];
    for (let i = 0; i < Math.min(Math.max(max, data.holders), 24); i++) {
      cells.push(el('span', i < data.holders ? (i < max ? 'on' : 'over') : '', []));
    }
    byId('budget-meter').replaceChildren(...cells);
    byId('groups').replaceChildren(
      ...data.budget.groups.map((g) =>
        el('li', g.holders > 0 ? 'busy' : '', [
          el('span', 'group-name', [g.group]),
          ' ' + (g.urgent ? g.holders + ' held \u00b7 urgent' : g.holders + '/' + g.slots),
        ]),
      ),
    );
  }

  function render(data) {
    const holders = data.nodes.filter((r) => r.lock === 'Rebooting');
    const others = data.nodes.filter((r) => r.lock !== 'Rebooting');
    renderBudget(data);
    renderPolicy(data);
    renderRequests(data);
    renderWaiting(data);
    renderHistory(data);
    byId('replica').textContent =
      'Served by ' + data.identity + (data.leader ? ' \u00b7 leader' : ' \u00b7 follower: its own view of the cluster; the leader decides');
    byId('holders').hidden = holders.length === 0;
    byId('no-holders').hidden = holders.length > 0;
    renderedAt = data.generatedAt;
    tables.holders.total = holders.length;
    tables.others.total = others.length;
    updateHolders(holders);
    updateOthers(others);
    cacheSyncing = !data.cacheSynced;
    document.title = (data.policy.pause ? 'paused \u00b7 ' : '') + (holders.length ? holders.length + ' rebooting \u00b7 ' : '') + 'reboot-manager status';
  }

  function showFreshness() {
    const fresh = byId('freshness');
    const banner = byId('banner');
    const ageMs = Date.now() - lastOkAt;
    const stale = lastOkAt === 0 ? lastError !== '' : lastError !== '' || ageMs > STALE_MS;
    document.body.classList.toggle('stale', stale);
    fresh.className = 'freshness' + (stale ? ' stale' : '');
    if (lastOkAt === 0) {
      fresh.textContent = lastError ? 'No data' : 'Waiting for the first update\u2026';
    } else {
      const when = new Date(lastOkAt).toLocaleTimeString();
      fresh.textContent = (stale ? 'STALE \u00b7 last update ' : 'Updated ') + age(Math.round(ageMs / 1000)) + ' ago (' + when + ')';
    }
    let message = '';
    if (lastError) {
      message = 'Cannot read the status from the server: ' + lastError + '.' + (lastOkAt ? ' The tables show the last data received.' : '') + ' Retrying every ' + REFRESH_MS / 1000 + ' s.';
    } else if (stale) {
      message = 'No answer from the server for ' + age(Math.round(ageMs / 1000)) + '. The tables show the last data received.';
    } else if (cacheSyncing) {
      message = "This replica's node cache is still syncing: the list may be incomplete.";
    }
    banner.textContent = message;
    banner.hidden = message === '';
    banner.className = 'banner' + (stale || lastError ? '' : ' info');
  }

  function refresh() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    fetch('api/v1/status', { cache: 'no-store', headers: { accept: 'application/json' }, signal: abort.signal })
      .then((res) => {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then((data) => {
        render(data);
        lastOkAt = Date.now();
        lastError = '';
      })
      .catch((err) => {
        lastError = err && err.name === 'AbortError' ? 'no answer within ' + TIMEOUT_MS / 1000 + ' s' : String((err && err.message) || err);
      })
      .finally(() => {
        clearTimeout(timer);
        showFreshness();
        // Chained, not an interval: a slow answer never overlaps the next request.
        setTimeout(refresh, REFRESH_MS);
      });
  }

  startFilter(function () {
    refilter('holders');
    refilter('others');
  });
  refresh();
  setInterval(showFreshness, 1000);
`;

export const STATUS_JS = `'use strict';
(function () {${DOM_JS}${POLICY_JS}${REQUESTS_JS}${HISTORY_JS}${ROWS_JS}${FILTER_JS}${MAIN_JS}})();
`;
