// The status page's markup: a skeleton the script fills from `/api/v1/status`. URLs are relative so the
// page also works behind a proxy that serves it under a path prefix.
export const STATUS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reboot-manager status</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="status.css">
<script src="status.js" defer></script>
</head>
<body>
<header class="top">
  <div class="brand">
    <h1>reboot-manager</h1>
    <p id="replica" class="muted">Loading…</p>
    <p id="policy-source" class="muted"></p>
  </div>
  <div class="budget" aria-live="polite">
    <p class="label">Cluster reboot budget</p>
    <p id="budget-text" class="budget-text">–</p>
    <div id="budget-meter" class="meter" aria-hidden="true"></div>
    <ul id="groups" class="groups" aria-label="Slots per group"></ul>
  </div>
  <p id="freshness" class="freshness" role="status">Waiting for the first update…</p>
</header>
<main>
  <div id="banner" class="banner" role="alert" hidden></div>
  <div id="pause-banner" class="banner pause" role="status" hidden></div>
  <div id="rejection-banner" class="banner" role="status" hidden></div>
  <section aria-labelledby="holding-title">
    <h2 id="holding-title">New reboots</h2>
    <ul id="holding" class="holding"></ul>
  </section>
  <div class="filter-bar" role="search">
    <label for="filter">Filter nodes</label>
    <input id="filter" type="search" placeholder="node name, group, phase, ready, notready, cordoned" autocomplete="off" spellcheck="false" aria-describedby="filter-help">
    <span id="filter-help" class="muted small">Every word must match: within a node's name, or the start of its group, phase or state. Kept in the link.</span>
    <p id="no-match" class="empty" hidden>No node matches the filter.</p>
  </div>
  <section aria-labelledby="holders-title">
    <h2 id="holders-title">Rebooting <span id="holders-count" class="count"></span></h2>
    <p id="no-holders" class="empty" hidden>No node holds a reboot slot.</p>
    <table id="holders" class="nodes" hidden>
      <caption class="sr-only">Nodes holding a reboot slot</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Held by</th><th scope="col">Group</th><th scope="col">Phase</th><th scope="col">Held for</th><th scope="col">Ready</th><th scope="col">Cordoned</th><th scope="col">Drain</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="waiting-title">
    <h2 id="waiting-title">Waiting for a slot <span id="waiting-count" class="count"></span></h2>
    <p id="no-waiting" class="empty" hidden>No node is waiting: every node that asked was let in.</p>
    <table id="waiting" class="nodes" hidden>
      <caption class="sr-only">Nodes refused a reboot slot that still ask, and pending MaintenanceRequests, longest wait first</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Asks through</th><th scope="col">Waiting for</th><th scope="col">Asks</th><th scope="col">Last refusal recorded</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="requests-title">
    <h2 id="requests-title">Maintenance requests <span id="requests-count" class="count"></span></h2>
    <p id="no-requests" class="empty" hidden>No MaintenanceRequest is live or ended in the last 24 hours.</p>
    <table id="requests" class="nodes" hidden>
      <caption class="sr-only">MaintenanceRequests: live ones first come first, then the latest ended</caption>
      <thead><tr><th scope="col">Request</th><th scope="col">Node</th><th scope="col">Phase</th><th scope="col">Requester: reason</th><th scope="col">Since</th><th scope="col">Status</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="history-title">
    <h2 id="history-title">Recent reboots <span id="history-count" class="count"></span></h2>
    <p id="no-history" class="empty" hidden>No reboot recorded yet.</p>
    <div id="node-history" class="panel" hidden>
      <h3 id="node-history-title"></h3>
      <button id="node-history-close" type="button">Close</button>
      <p id="node-history-note" class="note muted"></p>
      <table id="node-history-table" class="nodes" hidden>
        <caption class="sr-only">This node's last reboots, newest first</caption>
        <thead><tr><th scope="col">Node</th><th scope="col">Held by</th><th scope="col">Waited</th><th scope="col">Drain</th><th scope="col">Granted</th><th scope="col">Down</th><th scope="col">Held</th><th scope="col">Released</th><th scope="col">Ended</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <table id="history" class="nodes" hidden>
      <caption class="sr-only">The cluster's latest reboots, newest first: click a node for its own history</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Held by</th><th scope="col">Waited</th><th scope="col">Drain</th><th scope="col">Granted</th><th scope="col">Down</th><th scope="col">Held</th><th scope="col">Released</th><th scope="col">Ended</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="scopes-title">
    <h2 id="scopes-title">Budgets <span class="count">cluster, pools and zones</span></h2>
    <table id="scopes" class="nodes">
      <caption class="sr-only">Nodes out at once each scope allows, and who uses its slots</caption>
      <thead><tr><th scope="col">Scope</th><th scope="col">Allows</th><th scope="col">In use</th><th scope="col">Rebooting</th><th scope="col">Unavailable</th><th scope="col">Zones</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="windows-title">
    <h2 id="windows-title">Maintenance windows</h2>
    <table id="windows" class="nodes">
      <caption class="sr-only">Each scope's windows: open now or closed, and when that changes</caption>
      <thead><tr><th scope="col">Scope</th><th scope="col">Now</th><th scope="col">Windows</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="drain-outside" class="note muted"></p>
  </section>
  <section aria-labelledby="blockers-title">
    <h2 id="blockers-title">Blockers <span id="blockers-count" class="count"></span></h2>
    <p id="no-blockers" class="empty" hidden>No blockers configured.</p>
    <table id="blockers" class="nodes" hidden>
      <caption class="sr-only">Pods and alerts that hold back new reboots</caption>
      <thead><tr><th scope="col">Blocker</th><th scope="col">Watches</th><th scope="col">State</th><th scope="col">Matching now</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="gate-title">
    <h2 id="gate-title">Health gate</h2>
    <p id="gate-settings" class="note"></p>
    <table id="releases" class="nodes" hidden>
      <caption class="sr-only">Released nodes whose disturbed workloads the gate waits for</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Released</th><th scope="col">Still missing</th><th scope="col">Gives up</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="others-title">
    <h2 id="others-title">Other nodes <span id="others-count" class="count"></span></h2>
    <table id="others" class="nodes">
      <caption class="sr-only">Nodes not holding a reboot slot</caption>
      <thead><tr><th scope="col">Node</th><th scope="col">Lock</th><th scope="col">Ready</th><th scope="col">Cordoned</th><th scope="col">Last released</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<footer class="muted">Data: <a href="api/v1/status">api/v1/status</a> · refreshes every 5 s</footer>
<noscript><p class="banner">This page needs JavaScript. The same data is at <a href="api/v1/status">api/v1/status</a>.</p></noscript>
</body>
</html>
`;
