// What blocked one drain and for how long: a span per blocker, opened when first seen, closed when it clears.
import type { BlockedSpan } from '../slot/slot.js';

/** Spans kept per drain; the oldest closed ones go first. */
const MAX_SPANS = 8;

export class BlockedSpans {
  private spans: BlockedSpan[];

  /** `resumed`: the spans a previous leader recorded for this drain. */
  constructor(resumed: readonly BlockedSpan[] = []) {
    this.spans = [...resumed];
  }

  /** The spans once `blockers` are what blocks now. */
  observe(blockers: readonly string[], at: number): readonly BlockedSpan[] {
    const iso = new Date(at).toISOString();
    const now = new Set(blockers);
    let changed = false;
    const spans = this.spans.map((s) => {
      if (s.to !== null || now.has(s.what)) return s;
      changed = true;
      return { ...s, to: iso };
    });
    for (const what of now) {
      if (spans.some((s) => s.what === what && s.to === null)) continue;
      spans.push({ what, from: iso, to: null });
      changed = true;
    }
    if (changed) this.spans = trim(spans);
    return this.spans;
  }
}

function trim(spans: BlockedSpan[]): BlockedSpan[] {
  while (spans.length > MAX_SPANS) {
    const i = spans.findIndex((s) => s.to !== null);
    spans.splice(i === -1 ? 0 : i, 1);
  }
  return spans;
}
