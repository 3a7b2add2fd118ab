// The status page's node tables at scale: a table body kept in step with its rows by node name, so a refresh of
// 5,000 nodes rebuilds only the rows whose text changed, and many new rows are built a chunk per task so the
// page never freezes. Part of `/status.js` (script.ts joins the parts); plain browser JavaScript without
// backticks or `${`.
export const ROWS_JS = String.raw`
  // Rows built per task: a chunk takes a few tens of milliseconds on a slow machine.
  const ROWS_PER_TASK = 250;

  // tbody: the table body; keyOf, textOf: a row's key and the text it shows (a changed text rebuilds the row);
  // build: the row's element; afterEach: called after every pass (the filter re-applies itself).
  function keyedBody(tbody, keyOf, textOf, build, afterEach) {
    let rows = new Map();
    let pending = 0;

    // Moves elements only where the order differs; removes what is no longer wanted.
    function place(order) {
      let at = tbody.firstChild;
      for (const tr of order) {
        if (tr === at) at = at.nextSibling;
        else tbody.insertBefore(tr, at);
      }
      while (at) {
        const next = at.nextSibling;
        tbody.removeChild(at);
        at = next;
      }
    }

    function pass(items) {
      let budget = ROWS_PER_TASK;
      let more = false;
      const next = new Map();
      const order = [];
      for (const item of items) {
        const key = keyOf(item);
        const text = textOf(item);
        let row = rows.get(key);
        if (!row || row.text !== text) {
          // Past the chunk: a changed row shows its last text a moment longer, a new one appears a moment later.
          if (budget > 0) {
            row = { tr: build(item), text: text };
            budget--;
          } else {
            more = true;
          }
        }
        if (row) {
          next.set(key, row);
          order.push(row.tr);
        }
      }
      rows = next;
      place(order);
      afterEach();
      pending = more ? setTimeout(function () { pass(items); }, 0) : 0;
    }

    return function update(items) {
      clearTimeout(pending);
      pass(items);
    };
  }
`;
