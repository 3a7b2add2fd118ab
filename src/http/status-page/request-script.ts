// The status page's MaintenanceRequest part: who holds each slot, and the requests (pending with their reason,
// approved or in progress since when, recently ended with the outcome). Part of `/status.js` (script.ts joins the
// parts); plain browser JavaScript without backticks or `${`, using the helpers of dom-script.ts. Requester and
// reason come from anyone who may create a request: like every value, they reach the page as text.
export const REQUESTS_JS = String.raw`
  // "MaintenanceRequest disk \u2014 alice: replace disk sdb", or "FleetLock" with the id the node asked with.
  function heldByCell(row) {
    if (row.source === 'maintenance-request') {
      const who = row.requester || row.reason ? [' \u2014 ', el('span', 'requester', [row.requester]), row.reason ? ': ' : '', row.reason] : [];
      return el('td', 'held-by', [el('span', 'badge source-request', ['MaintenanceRequest']), ' ', el('strong', '', [row.request]), ...who]);
    }
    if (row.source === 'fleetlock') return el('td', 'held-by', [el('span', 'badge source-fleetlock', ['FleetLock']), row.fleetlockId ? el('div', 'muted small id', [row.fleetlockId]) : null]);
    return el('td', 'muted', ['\u2013']);
  }

  const ENDED = ['Completed', 'Expired', 'Rejected'];

  // What the request waits for, may do now, or how it ended, with its node's drain bar while it drains.
  function requestStatusCell(r) {
    const cell = el('td', 'drain request-status', []);
    if (r.holding && r.drainTotal !== null) cell.appendChild(drainBar(r));
    if (r.message) cell.appendChild(el('div', 'message', [r.message]));
    if (r.overrunAt) cell.appendChild(el('span', 'badge timedout', ['overran']));
    if (!cell.firstChild) cell.appendChild(el('span', 'muted', ['not looked at yet']));
    return cell;
  }

  function requestRow(r, at) {
    const ended = ENDED.indexOf(r.phase) !== -1;
    return el('tr', ended ? 'ended' : r.phase === 'Pending' ? 'pending' : '', [
      el('th', 'node', [r.name]),
      el('td', '', [r.node]),
      el('td', '', [el('span', 'badge request-' + r.phase.toLowerCase(), [r.phase])]),
      el('td', 'who', [el('span', 'requester', [r.requester]), r.reason ? ': ' : '', r.reason]),
      el('td', 'num', [since(r.since, at)]),
      requestStatusCell(r),
    ]);
  }

  function renderRequests(data) {
    const list = data.requests || [];
    const live = list.filter((r) => ENDED.indexOf(r.phase) === -1).length;
    byId('requests-count').textContent = list.length ? '(' + live + ' live, ' + (list.length - live) + ' ended lately)' : '';
    byId('no-requests').hidden = list.length > 0;
    byId('requests').hidden = list.length === 0;
    byId('requests').tBodies[0].replaceChildren(...list.map((r) => requestRow(r, data.generatedAt)));
  }
`;
