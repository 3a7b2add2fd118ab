// The status page's helpers: elements built from text, ages and instants as an operator reads them. Part of
// `/status.js` (script.ts joins the parts); plain browser JavaScript without backticks or `${`.
export const DOM_JS = String.raw`
  const byId = (id) => document.getElementById(id);

  // Elements built from text only: strings become text nodes, so markup in a value stays text.
  function el(tag, className, children) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    for (const c of children || []) {
      if (c === null || c === undefined || c === '') continue;
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return e;
  }

  // Same buckets as the CLI's HELD FOR column.
  function age(seconds) {
    if (seconds === null || seconds === undefined) return '\u2013';
    if (seconds < 120) return seconds + 's';
    if (seconds < 7200) return Math.floor(seconds / 60) + 'm';
    if (seconds < 172800) return Math.floor(seconds / 3600) + 'h' + Math.floor((seconds % 3600) / 60) + 'm';
    return Math.floor(seconds / 86400) + 'd';
  }

  // Relative to the snapshot's own time, so a browser with a wrong clock still reads right.
  function since(iso, generatedAt) {
    if (!iso) return '\u2013';
    const seconds = Math.max(0, Math.round((Date.parse(generatedAt) - Date.parse(iso)) / 1000));
    return age(seconds) + ' ago';
  }

  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  // An instant in UTC with how far it is from the snapshot's own time: "2026-01-05 10:00 UTC (3m ago)".
  function when(iso, generatedAt) {
    const ms = Date.parse(iso);
    if (!iso || !Number.isFinite(ms)) return iso || '\u2013';
    const d = new Date(ms).toISOString();
    const seconds = Math.round((ms - Date.parse(generatedAt)) / 1000);
    return d.slice(0, 10) + ' ' + d.slice(11, 16) + ' UTC (' + (seconds > 0 ? 'in ' + age(seconds) : age(-seconds) + ' ago') + ')';
  }

  // "a, b, c and 7 more": the first max of the names listed, counting every one of total.
  function someOf(names, total, max) {
    const shown = names.slice(0, max);
    const more = total - shown.length;
    return shown.join(', ') + (more > 0 ? (shown.length ? ' and ' : '') + more + ' more' : '');
  }
`;
