// Injected by the bench into the status page before its own script runs (DevTools scripts are not bound by
// the page's CSP): records main-thread long tasks and, for every `api/v1/status` answer, when it arrived, when
// its JSON was parsed and when the frame after the page's render was painted. Plain browser JavaScript.
export const PROBE_JS = String.raw`
(function () {
  const probe = { longTasks: [], renders: [], waiters: [] };
  window.__pageBench = probe;
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });

  function settle() {
    probe.waiters = probe.waiters.filter(function (w) {
      if (probe.renders.length < w.count) return true;
      w.resolve(probe.renders.slice());
      return false;
    });
  }
  // Resolves with the renders so far once there are count of them.
  probe.rendered = function (count) {
    return new Promise(function (resolve) {
      probe.waiters.push({ count: count, resolve: resolve });
      settle();
    });
  };

  const fetch = window.fetch;
  window.fetch = function (input, init) {
    const started = performance.now();
    return fetch.call(this, input, init).then(function (res) {
      if (String(input).indexOf('api/v1/status') === -1) return res;
      const arrived = performance.now();
      const json = res.json.bind(res);
      res.json = function () {
        return json().then(function (data) {
          const parsed = performance.now();
          // The page renders in this promise's reaction; the task after the next frame sees it laid out and painted.
          requestAnimationFrame(function () {
            setTimeout(function () {
              probe.renders.push({ started: started, arrived: arrived, parsed: parsed, painted: performance.now(), nodes: data.nodes.length });
              settle();
            }, 0);
          });
          return data;
        });
      };
      return res;
    });
  };
})();
`;
