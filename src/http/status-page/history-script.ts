// The status page's "who waits" and "what happened" parts: nodes refused a slot (since when, how often, why),
// the latest reboots with their timelines, and one node's own history a click away (`#history=NODE`, fetched
// from `api/v1/history`). Part of `/status.js` (script.ts joins the parts); plain browser JavaScript without
// backticks or `${`, using the helpers of dom-script.ts.
export const HISTORY_JS = String.raw`
  function nodeButton(name) {
    const b = el('button', 'linkish', [name]);
    b.type = 'button';
    b.title = 'Show the reboot history of ' + name;
    b.addEventListener('click', () => {
      location.hash = 'history=' + encodeURIComponent(name);
    });
    return b;
  }

  function waitingRow(w, at) {
    const via = w.source === 'maintenance-request'
      ? [el('span', 'badge source-request', ['MaintenanceRequest']), ' ', w.request]
      : [el('span', 'badge source-fleetlock', ['FleetLock']), ' group ', w.group];
    return el('tr', '', [
      el('th', 'node', [nodeButton(w.node)]),
      el('td', 'held-by', via),
      el('td', 'num', [age(Math.max(0, Math.round((Date.parse(at) - Date.parse(w.since)) / 1000)))]),
      el('td', 'num', [w.asks === null ? '\u2013' : String(w.asks)]),
      el('td', 'why', [el('span', 'badge wait-' + w.kind, [w.kind]), ' ', w.reason]),
    ]);
  }

  function renderWaiting(data) {
    const list = data.waiting || [];
    byId('waiting-count').textContent = '(' + list.length + ')';
    byId('no-waiting').hidden = list.length > 0;
    byId('waiting').hidden = list.length === 0;
    byId('waiting').tBodies[0].replaceChildren(...list.map((w) => waitingRow(w, data.generatedAt)));
  }

  const dur = (s) => (s === null || s === undefined ? '\u2013' : age(s));

  // "PodDisruptionBudget shop/web 2m": each blocker of the drain and how long it held it up.
  function blockedText(spans, endIso) {
    return spans.map((b) => b.what + ' ' + age(Math.max(0, Math.round((Date.parse(b.to || endIso) - Date.parse(b.from)) / 1000)))).join(', ');
  }

  function historyRow(r, at) {
    const drain = [dur(r.drainSeconds), ' \u00b7 ' + plural(r.evicted, 'pod') + ' evicted'];
    if (r.blocked.length) drain.push(el('div', 'muted small', ['blocked by ' + blockedText(r.blocked, r.released)]));
    return el('tr', r.reason === 'rebooted' || r.reason === 'steady_state' || r.reason === 'request_completed' ? '' : 'ended', [
      el('th', 'node', [nodeButton(r.node)]),
      el('td', 'held-by', [el('span', 'badge ' + (r.source === 'maintenance-request' ? 'source-request' : 'source-fleetlock'), [r.source === 'maintenance-request' ? 'MaintenanceRequest' : 'FleetLock']), ' ', r.holder]),
      el('td', 'num', [dur(r.waitedSeconds)]),
      el('td', 'drain', drain),
      el('td', 'num', [r.granted ? since(r.granted, at) : '\u2013']),
      el('td', 'num', [dur(r.downSeconds)]),
      el('td', 'num', [dur(r.heldSeconds)]),
      el('td', 'num', [since(r.released, at)]),
      el('td', '', [el('span', 'badge reason-' + r.reason, [r.reason]), r.rebooted ? '' : el('span', 'muted small', [' no reboot seen'])]),
    ]);
  }

  function fillHistory(table, rows, at) {
    table.hidden = rows.length === 0;
    table.tBodies[0].replaceChildren(...rows.map((r) => historyRow(r, at)));
  }

  function renderHistory(data) {
    const list = data.history || [];
    byId('history-count').textContent = list.length ? '(latest ' + list.length + ')' : '';
    byId('no-history').hidden = list.length > 0;
    fillHistory(byId('history'), list, data.generatedAt);
  }

  // One node's history, when the address says #history=NODE: fetched on each change of the address.
  function showNodeHistory() {
    const m = /^#history=(.+)$/.exec(location.hash);
    const panel = byId('node-history');
    if (!m) {
      panel.hidden = true;
      return;
    }
    const name = decodeURIComponent(m[1]);
    panel.hidden = false;
    byId('node-history-title').textContent = 'Reboot history of ' + name;
    byId('node-history-note').textContent = 'Loading\u2026';
    fetch('api/v1/history?node=' + encodeURIComponent(name), { cache: 'no-store', headers: { accept: 'application/json' } })
      .then((res) => res.json().then((body) => ({ ok: res.ok, body })))
      .then(({ ok, body }) => {
        if (!ok) throw new Error(body.message || 'failed');
        const rows = body.reboots || [];
        byId('node-history-note').textContent = rows.length ? '' : 'No reboot recorded for this node (a Node keeps its last 5).';
        fillHistory(byId('node-history-table'), rows, new Date().toISOString());
      })
      .catch((err) => {
        byId('node-history-note').textContent = 'Cannot read the history: ' + String((err && err.message) || err);
        byId('node-history-table').hidden = true;
      });
  }
  window.addEventListener('hashchange', showNodeHistory);
  byId('node-history-close').addEventListener('click', () => {
    history.replaceState(null, '', location.pathname + location.search);
    showNodeHistory();
  });
  showNodeHistory();
`;
