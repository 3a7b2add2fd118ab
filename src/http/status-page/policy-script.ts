// The status page's policy part: banners for a pause and a rejected edit, what holds new reboots back, budgets of the
// cluster, pools and zones, windows, blockers and the health gate. Part of `/status.js` (script.ts joins the parts);
// plain browser JavaScript without backticks or `${`, using the helpers of dom-script.ts. Values reach the page as text.
export const POLICY_JS = String.raw`
  // Long lists are cut: a cluster of 5,000 nodes still reads at a glance.
  const MAX_NAMES = 5;
  const MAX_ZONES = 12;

  function policySource(p) {
    if (p.source === 'object') return 'Policy: RebootPolicy default, generation ' + p.generation + (p.rejection ? ' (last accepted)' : '');
    return 'Policy: the flags' + (p.crdMissing ? ' (the RebootPolicy resource is not installed)' : ' (no RebootPolicy default)');
  }

  function renderBanners(p, at) {
    const pause = byId('pause-banner');
    pause.hidden = !p.pause;
    pause.replaceChildren(
      ...(p.pause
        ? [
            el('strong', '', ['New reboots are paused']),
            (p.pause.by ? ' by ' + p.pause.by : '') + (p.pause.since ? ' since ' + when(p.pause.since, at) : '') + ': ',
            el('span', 'reason', [p.pause.reason]),
            el('span', 'aside', ['Nodes holding a slot finish; urgent groups go on.']),
          ]
        : []),
    );
    const rejected = byId('rejection-banner');
    const r = p.rejection;
    rejected.hidden = !r;
    rejected.replaceChildren(
      ...(r
        ? [
            el('strong', '', ['RebootPolicy edit rejected']),
            ' (generation ' + r.generation + ', ' + when(r.at, at) + '): ',
            el('code', '', [r.field]),
            ' ' + r.reason + '. ',
            el('span', 'aside', [
              (p.source === 'object' ? 'Generation ' + p.generation + ' (last accepted) stays in force' : 'The flags stay in force') +
                (r.pauseApplies ? ', with this edit’s spec.pause: new reboots are ' + (p.pause ? 'paused.' : 'not paused.') : '.'),
            ]),
          ]
        : []),
    );
  }

  function renderHolding(p, at) {
    const items = p.holding.map((h) =>
      el('li', '', [el('span', 'badge rule-' + h.rule, [h.rule]), ' ', h.message, h.until ? el('span', 'muted', [' \u00b7 until ' + when(h.until, at)]) : null]),
    );
    if (items.length === 0) items.push(el('li', 'muted', ['Nothing holds new reboots back beyond the budgets below.']));
    byId('holding').replaceChildren(...items);
  }

  function names(list, total) {
    return total === 0 ? el('span', 'muted', ['\u2013']) : el('span', 'names', [someOf(list, total, MAX_NAMES)]);
  }

  // The zones of a scope as chips, busy ones first; idle ones past MAX_ZONES are counted, not drawn.
  function zonesCell(topology) {
    if (!topology) return el('td', 'muted', ['\u2013']);
    const values = topology.values.slice().sort((a, b) => b.used - a.used || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    const chips = values.slice(0, MAX_ZONES).map((v) =>
      el('li', v.used >= v.allowed ? 'full' : v.used > 0 ? 'busy' : '', [el('span', 'group-name', [v.value === '' ? '(unset)' : v.value]), ' ' + v.used + '/' + v.allowed]),
    );
    if (values.length > MAX_ZONES) chips.push(el('li', 'more', ['and ' + (values.length - MAX_ZONES) + ' more']));
    return el('td', '', [el('div', 'muted small', [topology.key + ': at most ' + topology.maxUnavailable + ' each']), el('ul', 'groups zones', chips)]);
  }

  function scopeRow(label, s, extra, countUnavailable) {
    const percent = typeof s.maxUnavailable === 'string';
    return el('tr', s.paused ? 'paused' : '', [
      el('th', 'scope', [label, s.paused ? el('span', 'badge paused', ['paused']) : null, extra ? el('div', 'muted small', [extra]) : null]),
      el('td', 'num', [s.allowed + ' of ' + plural(s.members, 'node') + (percent ? ' (' + s.maxUnavailable + ')' : '')]),
      el('td', 'num' + (s.used >= s.allowed ? ' full' : ''), [s.used + '/' + s.allowed]),
      el('td', '', [names(s.holders, s.holderCount)]),
      el('td', '', [countUnavailable ? names(s.unavailable, s.unavailableCount) : el('span', 'muted', ['not counted'])]),
      zonesCell(s.topology),
    ]);
  }

  function renderScopes(p) {
    const rows = [scopeRow('cluster', p.cluster, '', p.countUnavailable)];
    for (const pool of p.pools) rows.push(scopeRow('pool ' + pool.name, pool, pool.nodeSelector || 'every node', p.countUnavailable));
    byId('scopes').tBodies[0].replaceChildren(...rows);
  }

  function windowNow(w) {
    if (w.windows.length === 0) return [el('span', 'badge open', ['open']), ' no windows: any time'];
    if (w.open) return [el('span', 'badge open', ['open']), w.next ? ' closes ' + w.next : ' no closing within 8 days'];
    return [el('span', 'badge closed', ['closed']), w.next ? ' opens ' + w.next : ' no opening within 8 days'];
  }

  function renderWindows(p) {
    byId('windows').tBodies[0].replaceChildren(
      ...p.windows.map((w) => el('tr', w.open ? '' : 'closed', [el('th', 'scope', [w.scope]), el('td', '', windowNow(w)), el('td', '', [w.windows.length ? w.windows.join(' or ') : '\u2013'])])),
    );
    byId('drain-outside').textContent =
      'A drain still running when its window closes ' + (p.drainOutsideWindow === 'finish' ? 'finishes (drainOutsideWindow Finish).' : 'stops and gives its slot back (drainOutsideWindow Stop).');
  }

  function alertText(labels) {
    const rest = Object.keys(labels).filter((k) => k !== 'alertname').sort().map((k) => k + '=' + labels[k]);
    return (labels.alertname || '(no alertname)') + (rest.length ? '{' + rest.join(',') + '}' : '');
  }

  function blockerState(b) {
    if (b.kind === 'pods') return b.synced ? (b.blocking ? ['blocking', 'blocking'] : ['clear', 'clear']) : ['not listed yet: blocking', 'blocking'];
    const onError = b.onError === 'block' ? 'blocking (onError Block)' : 'not blocking (onError Proceed)';
    if (b.status === 'firing') return ['firing: blocking', 'blocking'];
    if (b.status === 'error') return ['query failing: ' + onError, b.blocking ? 'blocking' : 'failing'];
    if (b.status === 'unknown') return ['no answer yet: ' + onError, b.blocking ? 'blocking' : 'failing'];
    return ['clear', 'clear'];
  }

  function blockerRow(b, at) {
    const state = blockerState(b);
    const watches =
      b.kind === 'pods'
        ? 'pods ' + b.selector + ' in ' + (b.namespace ? 'namespace ' + b.namespace : 'all namespaces') + (b.scope === 'node' ? ', on the asking node' : ', on any node')
        : (b.api === 'prometheus' ? 'Prometheus' : 'Alertmanager') + ' at ' + b.url;
    const matching =
      b.kind === 'pods'
        ? b.pods.map((x) => x.namespace + '/' + x.name + (x.nodeName ? ' on ' + x.nodeName : ' (not scheduled)'))
        : b.alerts.map((a) => alertText(a.labels));
    const total = b.kind === 'pods' ? b.podCount : b.alertCount;
    const details = el('td', '', [total ? someOf(matching, total, MAX_NAMES) : el('span', 'muted', ['none'])]);
    if (b.error) details.appendChild(el('div', 'error', [b.error]));
    const checked = b.kind === 'alerts' ? b.checkedAt : b.errorAt;
    if (checked) details.appendChild(el('div', 'muted small', [(b.kind === 'alerts' ? 'checked ' : 'failed ') + when(checked, at)]));
    return el('tr', state[1] === 'blocking' ? 'blocked' : '', [el('th', 'scope', [b.name]), el('td', '', [watches]), el('td', '', [el('span', 'badge state-' + state[1], [state[0]])]), details]);
  }

  function renderBlockers(p, at) {
    byId('blockers-count').textContent = p.blockers.length ? '(' + p.blockers.filter((b) => b.blocking).length + ' of ' + p.blockers.length + ' blocking)' : '';
    byId('no-blockers').hidden = p.blockers.length > 0;
    byId('blockers').hidden = p.blockers.length === 0;
    byId('blockers').tBodies[0].replaceChildren(...p.blockers.map((b) => blockerRow(b, at)));
  }

  function renderGate(g, at) {
    byId('gate-settings').textContent = g.enabled
      ? 'On: before the next claim, what the last drain disturbed is whole again and the released node has been Ready for ' +
        age(g.nodeReadySeconds) + '; after ' + age(g.timeoutSeconds) + ' it ' + (g.onTimeout === 'proceed' ? 'gives up and lets claims proceed' : 'keeps blocking') + '.' +
        (g.watching ? '' : ' Its workload watches have not listed yet.')
      : 'Off: the next claim does not wait for the workloads a drain disturbed.';
    byId('releases').hidden = g.releases.length === 0;
    byId('releases').tBodies[0].replaceChildren(
      ...g.releases.map((r) => {
        const missing = el('td', '', [r.missing.length ? someOf(r.missing, r.missing.length, MAX_NAMES) : el('span', 'ok', ['whole'])]);
        if (r.notRecorded) missing.appendChild(el('div', 'muted small', [plural(r.notRecorded, 'more workload') + ' not recorded']));
        return el('tr', r.timedOut ? 'blocked' : '', [
          el('th', 'node', [r.node]),
          el('td', '', [when(r.releasedAt, at)]),
          missing,
          el('td', '', [r.timedOut ? el('span', 'badge timedout', ['timed out']) : null, ' ' + when(r.timesOutAt, at)]),
        ]);
      }),
    );
  }

  function renderPolicy(data) {
    const p = data.policy;
    const at = data.generatedAt;
    byId('policy-source').textContent = policySource(p);
    renderBanners(p, at);
    renderHolding(p, at);
    renderScopes(p);
    renderWindows(p);
    renderBlockers(p, at);
    renderGate(p.healthGate, at);
  }
`;
