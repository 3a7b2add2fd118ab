// The order in which node names are listed everywhere (status page, `/api/v1/status`, `reboot-manager status`,
// scope lists): digit runs by value, so node-2 comes before node-10 and a9 before a10.

const ZERO = 48;
const NINE = 57;
const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;
// ASCII only: Kubernetes names are lower-case ASCII; other text keeps its code-unit order.
const lower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/** The end of the digit run starting at `i`. */
function digitsEnd(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** The first index at or after `i` (within the run ending at `end`) that is not a leading zero. */
function zerosEnd(s: string, i: number, end: number): number {
  while (i < end - 1 && s.charCodeAt(i) === ZERO) i++;
  return i;
}

/**
 * Natural order: digit runs compare by value (of any length), letters ignoring case. Names equal but for case or
 * leading zeros are still ordered (upper case first, then fewer zeros first), so the order is total and stable.
 * Returns -1, 0 or 1; 0 only for equal strings.
 */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  // The first difference that only case or leading zeros make: decides when nothing else does.
  let tie = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const ea = digitsEnd(a, i);
      const eb = digitsEnd(b, j);
      const sa = zerosEnd(a, i, ea);
      const sb = zerosEnd(b, j, eb);
      // More significant digits: a larger number.
      if (ea - sa !== eb - sb) return Math.sign(ea - sa - (eb - sb));
      for (let k = 0; k < ea - sa; k++) {
        const d = a.charCodeAt(sa + k) - b.charCodeAt(sb + k);
        if (d !== 0) return Math.sign(d);
      }
      if (tie === 0) tie = Math.sign(sa - i - (sb - j));
      i = ea;
      j = eb;
      continue;
    }
    const d = lower(ca) - lower(cb);
    if (d !== 0) return Math.sign(d);
    if (tie === 0) tie = Math.sign(ca - cb);
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  return rest !== 0 ? Math.sign(rest) : tie;
}

/** `names` sorted in natural order, as a new array. */
export const naturally = (names: Iterable<string>): string[] => [...names].sort(compareNatural);
