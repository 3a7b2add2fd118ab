// The status page's filter: a text box that hides node rows not matching what is typed. It lives in the page's
// skeleton (never re-rendered), so its text and focus survive refreshes; the text is kept in the URL fragment
// (#filter=...) so a link shares it. Part of `/status.js`; plain browser JavaScript without backticks or `${`.
export const FILTER_JS = String.raw`
  // What a row is found by: its node name (anywhere in it) and words (from their start) such as its state.
  const searchable = new WeakMap();

  function findable(tr, node, words) {
    searchable.set(tr, { node: node.toLowerCase(), words: words.filter(Boolean).map((w) => String(w).toLowerCase()) });
    return tr;
  }

  let terms = [];

  function matches(tr) {
    const s = searchable.get(tr);
    if (!s) return true;
    return terms.every((t) => s.node.indexOf(t) !== -1 || s.words.some((w) => w.lastIndexOf(t, 0) === 0));
  }

  // Rows shown again per task: laying out thousands of rows at once would freeze the page for a second.
  const SHOW_PER_TASK = 500;
  const showing = new Map();

  // Hides the rows of tbody the filter does not match at once, shows the others again a chunk per task; touches
  // only rows that change. report(n), after each pass, gets how many rows match.
  function filterBody(tbody, report) {
    clearTimeout(showing.get(tbody));
    let matching = 0;
    let budget = SHOW_PER_TASK;
    let more = false;
    for (const tr of tbody.rows) {
      if (!matches(tr)) {
        if (!tr.hidden) tr.hidden = true;
        continue;
      }
      matching++;
      if (!tr.hidden) continue;
      if (budget > 0) {
        tr.hidden = false;
        budget--;
      } else {
        more = true;
      }
    }
    showing.set(tbody, more ? setTimeout(function () { filterBody(tbody, report); }, 0) : 0);
    report(matching);
  }

  function filterFromUrl() {
    const value = new URLSearchParams(location.hash.slice(1)).get('filter');
    return value === null ? '' : value;
  }

  // Called whenever the filter or a table changes: counts and "no match" say what the filter leaves.
  let onFilter = function () {};

  function setFilter(value, fromUser) {
    terms = value.toLowerCase().split(/\s+/).filter(Boolean);
    if (fromUser) {
      const params = new URLSearchParams(location.hash.slice(1));
      if (value) params.set('filter', value);
      else params.delete('filter');
      const hash = params.toString();
      history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
    }
    onFilter();
  }

  function startFilter(onChange) {
    onFilter = onChange;
    const box = byId('filter');
    box.value = filterFromUrl();
    setFilter(box.value, false);
    box.addEventListener('input', function () { setFilter(box.value, true); });
    // A link with another filter pasted into this tab.
    window.addEventListener('hashchange', function () {
      const value = filterFromUrl();
      if (value === box.value) return;
      box.value = value;
      setFilter(value, false);
    });
  }
`;
