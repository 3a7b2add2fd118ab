// The status page's style, served at `/status.css` (the page's CSP allows no inline style).
// Colours keep text at WCAG AA contrast or better on their backgrounds.
export const STATUS_CSS = `:root {
  --fg: #1f2328; --muted: #57606a; --bg: #f6f8fa; --card: #ffffff; --line: #d0d7de; --soft: #eaeef2;
  --accent: #0969da; --ok: #1a7f37; --bad: #b42318; --warn-bg: #fff1b8; --warn-fg: #5c3d00;
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 40px; padding: 16px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
.brand h1 { margin: 0; font-size: 20px; letter-spacing: -0.01em; }
.brand p { margin: 2px 0 0; }
.budget .label { margin: 0; color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
.budget-text { margin: 0; font-size: 22px; font-weight: 650; }
.budget-text.full { color: #7d4e00; }
.budget-text.over { color: var(--bad); }
.meter { display: flex; gap: 4px; margin: 6px 0; }
.meter span { width: 28px; height: 10px; border-radius: 3px; background: var(--soft); border: 1px solid var(--line); }
.meter span.on { background: var(--accent); border-color: var(--accent); }
.meter span.over { background: var(--bad); border-color: var(--bad); }
.groups { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.groups li { padding: 1px 10px; border: 1px solid var(--line); border-radius: 999px; background: var(--card); font-size: 12px; color: var(--muted); }
.groups li.busy { border-color: var(--accent); color: var(--fg); }
.group-name { font-weight: 600; color: var(--fg); }
.freshness { margin: 0 0 0 auto; padding: 4px 10px; border-radius: 6px; background: #dafbe1; color: #0f5323; font-size: 13px; }
.freshness.stale { background: #ffebe9; color: #82071e; font-weight: 650; }

main { padding: 4px 24px 16px; }
h2 { margin: 20px 0 8px; font-size: 16px; }
.count { color: var(--muted); font-weight: 400; }
.empty { margin: 0; padding: 12px 16px; border: 1px dashed var(--line); border-radius: 6px; background: var(--card); color: var(--muted); }
.banner { margin: 16px 0 0; padding: 10px 14px; border: 1px solid #ff8182; border-radius: 6px; background: #ffebe9; color: #82071e; font-weight: 600; }
.banner.info { border-color: #d4a72c; background: #fff8c5; color: #4d2d00; }

table.nodes { width: 100%; border-collapse: separate; border-spacing: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
table.nodes th, table.nodes td { padding: 8px 12px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--soft); }
table.nodes tr:last-child > * { border-bottom: 0; }
table.nodes thead th { background: #f0f3f6; color: #424a53; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
table.nodes tbody th { font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 14px; line-height: 20px; }
#holders tbody tr { background: #f3f8ff; }
#holders tbody tr.blocked { box-shadow: inset 4px 0 0 #d4a72c; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.ok { color: var(--ok); }
td.bad { color: var(--bad); font-weight: 650; }
td.admin { color: #7d4e00; }

.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 600; background: var(--soft); color: var(--fg); }
.phase-draining { background: #ddf4ff; color: #0a3069; }
.phase-drained { background: #dafbe1; color: #0f5323; }
.badge.timedout { margin-left: 6px; background: #ffebe9; color: #82071e; }
.drain { min-width: 320px; }
.drain progress { width: 180px; height: 10px; vertical-align: middle; appearance: none; border: 0; border-radius: 5px; background: var(--soft); }
.drain progress::-webkit-progress-bar { background: var(--soft); border-radius: 5px; }
.drain progress::-webkit-progress-value { background: var(--accent); border-radius: 5px; }
.drain progress::-moz-progress-bar { background: var(--accent); border-radius: 5px; }
.drain-text { margin-top: 4px; }
mark.blocker { padding: 1px 5px; border-radius: 4px; background: var(--warn-bg); color: var(--warn-fg); font-weight: 650; }

/* The rollout policy: banners, what holds reboots back, budgets, windows, blockers, health gate. */
.banner.pause { border-color: #d4a72c; background: #fff8c5; color: #4d2d00; }
.banner .reason { font-weight: 400; }
.banner .aside { display: block; margin-top: 2px; font-weight: 400; }
.banner code, td code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.holding { margin: 0; padding: 10px 16px; list-style: none; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.holding li { padding: 3px 0; overflow-wrap: anywhere; }
.badge.rule-pause, .badge.paused, .badge.closed, .badge.state-failing { background: var(--warn-bg); color: var(--warn-fg); }
.badge.rule-window, .badge.rule-health { background: #ddf4ff; color: #0a3069; }
.badge.rule-blocker, .badge.state-blocking { background: #ffebe9; color: #82071e; }
.badge.open, .badge.state-clear { background: #dafbe1; color: #0f5323; }
.badge.paused { margin-left: 6px; }
table.nodes tbody th.scope { font-family: inherit; }
td.full { color: #7d4e00; font-weight: 650; }
.small { font-size: 12px; font-weight: 400; }
.names { overflow-wrap: anywhere; }
.zones { margin-top: 4px; }
.zones li.busy { border-color: var(--accent); color: var(--fg); }
.zones li.full { border-color: #d4a72c; background: #fff8c5; color: var(--warn-fg); }
.zones li.more { border-style: dashed; }
tr.closed td:nth-child(2), tr.paused th { color: #7d4e00; }
#blockers tbody tr.blocked, #releases tbody tr.blocked, #scopes tbody tr.paused { box-shadow: inset 4px 0 0 #d4a72c; }
.error { margin-top: 4px; color: var(--bad); overflow-wrap: anywhere; }
.note { margin: 6px 0 0; }

/* MaintenanceRequests: who holds a slot, and the requests. */
.badge.source-request, .badge.request-approved, .badge.request-inprogress { background: #ddf4ff; color: #0a3069; }
.badge.request-pending { background: var(--warn-bg); color: var(--warn-fg); }
.badge.request-completed { background: #dafbe1; color: #0f5323; }
.badge.request-expired, .badge.request-rejected { background: #ffebe9; color: #82071e; }
.held-by, .who, .request-status .message { overflow-wrap: anywhere; }
.held-by .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
.requester { font-weight: 600; }
#requests tbody tr.pending { box-shadow: inset 4px 0 0 #d4a72c; }
#requests tbody tr.ended { color: var(--muted); }
#holders tbody th.node, #requests tbody th.node { white-space: nowrap; }
button.linkish { border: 0; background: none; padding: 0; font: inherit; font-weight: 600; color: #0969da; cursor: pointer; text-align: left; }
button.linkish:hover { text-decoration: underline; }
#waiting th.node, #history th.node, #node-history-table th.node { white-space: nowrap; }
.badge.wait-slots_full { background: #fff8c5; color: #7d4e00; }
.badge.wait-blocked, .badge.wait-pending { background: #ffebe9; color: #82071e; }
#history tbody tr.ended, #node-history-table tbody tr.ended { color: var(--muted); }
.panel { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; }
.panel h3 { display: inline-block; margin: 0 12px 0 0; font-size: 15px; }
.why { overflow-wrap: anywhere; }

/* Thousands of rows: a fixed layout sizes the columns from the header alone, not from every cell. */
#others { table-layout: fixed; }
#others thead th:nth-child(1) { width: 36%; }
#others tbody th { overflow-wrap: anywhere; }

/* The node filter stays in view while scrolling through thousands of rows. */
.filter-bar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; margin: 16px -24px 0; padding: 8px 24px; background: var(--bg); border-bottom: 1px solid var(--line); }
.filter-bar label { font-weight: 600; }
.filter-bar input { width: 26em; max-width: 100%; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; background: var(--card); color: var(--fg); }
.filter-bar input:focus { outline: 2px solid var(--accent); outline-offset: -1px; border-color: var(--accent); }
.filter-bar .empty { flex-basis: 100%; }

body.stale main table, body.stale .top .budget { opacity: 0.55; }
footer { padding: 0 24px 24px; font-size: 12px; }
`;
