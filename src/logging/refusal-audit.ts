// The audit trail of refusals at a bounded cost: who asked and the answer are logged when the answer is new
// or changes; the same answer repeated (Zincati asks every 5 minutes while refused) is counted and summarised.

/** Who asked, as far as the request said. */
export interface Asker {
  readonly id?: string;
  readonly group?: string;
  /** The Node the id resolved to, when the caller knows it. */
  readonly node?: string;
  /** The peer address of the request. */
  readonly source?: string;
}

export interface RefusalAnswer {
  readonly endpoint?: string;
  readonly kind: string;
  readonly value: string;
  readonly status: number;
}

/** The logger calls the audit makes; a request's logger for per-request lines (they carry its reqId). */
export interface AuditLog {
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  isLevelEnabled?(level: string): boolean;
}

export interface RefusalAuditOptions {
  /** Where summaries go (not tied to a request). */
  readonly log: AuditLog;
  readonly now: () => number;
  /** Askers remembered at most; the least recently logged is forgotten first (default 16,384). */
  readonly maxTracked?: number;
  /** A still-refused asker is logged again after this long, with its count of unlogged repeats (default 1 h). */
  readonly relogAfterMs?: number;
  /** Lines about refusals of known nodes: burst and sustained rate (default 1,000 and 50/s). */
  readonly fleetLines?: Rate;
  /** Lines about requests that name no known node (bad_request, not_found, unknown_id, ...): default 100 and 5/s. */
  readonly strangerLines?: Rate;
}

export interface Rate {
  readonly burst: number;
  readonly perSecond: number;
}

// Answers about a node the cache knows; anything else can come from anyone, in any number.
const FLEET_KINDS: ReadonlySet<string> = new Set(['slots_full', 'blocked', 'draining', 'duplicate_id', 'not_leader', 'unavailable']);

interface Tracked {
  kind: string;
  /** Same answers since the last line about this asker, and when that line was written. */
  repeats: number;
  loggedAt: number;
}

class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: Rate,
    now: number,
  ) {
    this.tokens = rate.burst;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.at) / 1000) * this.rate.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const bump = (counts: Record<string, number>, kind: string): void => {
  counts[kind] = (counts[kind] ?? 0) + 1;
};

export class RefusalAudit {
  private readonly tracked = new Map<string, Tracked>();
  private readonly maxTracked: number;
  private readonly relogAfterMs: number;
  private readonly fleet: TokenBucket;
  private readonly strangers: TokenBucket;
  // Since the last summary.
  private since: number;
  private repeated: Record<string, number> = {};
  private suppressed: Record<string, number> = {};
  private forgotten = 0;

  constructor(private readonly options: RefusalAuditOptions) {
    const now = options.now();
    this.since = now;
    this.maxTracked = options.maxTracked ?? 16_384;
    this.relogAfterMs = options.relogAfterMs ?? 3_600_000;
    this.fleet = new TokenBucket(options.fleetLines ?? { burst: 1000, perSecond: 50 }, now);
    this.strangers = new TokenBucket(options.strangerLines ?? { burst: 100, perSecond: 5 }, now);
  }

  /** Askers remembered now. */
  get size(): number {
    return this.tracked.size;
  }

  /** A refused request: logged at info if its answer is new for its asker, else counted (and logged at debug). */
  refused(asker: Asker, answer: RefusalAnswer, log: AuditLog): void {
    const now = this.options.now();
    const key = keyOf(asker, answer.endpoint);
    const seen = this.tracked.get(key);
    if (seen !== undefined && seen.kind === answer.kind && now - seen.loggedAt < this.relogAfterMs) {
      seen.repeats += 1;
      bump(this.repeated, answer.kind);
      if (isDebug(log)) log.debug({ ...fields(asker, answer), repeat: seen.repeats }, 'fleetlock refusal');
      return;
    }
    if (!this.bucketFor(answer.kind).take(now)) {
      // Not remembered: the asker's next request tries again, so a first answer is delayed, not lost.
      bump(this.suppressed, answer.kind);
      if (isDebug(log)) log.debug({ ...fields(asker, answer), suppressed: true }, 'fleetlock refusal');
      return;
    }
    const previous = seen && seen.repeats > 0 ? { previous: { kind: seen.kind, repeats: seen.repeats, since: iso(seen.loggedAt) } } : {};
    log.info({ ...fields(asker, answer), ...previous }, 'fleetlock refusal');
    this.remember(key, { kind: answer.kind, repeats: 0, loggedAt: now });
  }

  /** A request answered 200: the asker's run of refusals at that endpoint ends, with its count if any went unlogged. */
  answered(asker: Asker, endpoint: string, answer: string, log: AuditLog): void {
    if (this.tracked.size === 0) return;
    const key = keyOf(asker, endpoint);
    const seen = this.tracked.get(key);
    if (seen === undefined) return;
    this.tracked.delete(key);
    if (seen.repeats === 0 || !this.bucketFor(seen.kind).take(this.options.now())) return;
    log.info({ ...who(asker), endpoint, answer, refused: { kind: seen.kind, repeats: seen.repeats, since: iso(seen.loggedAt) } }, 'fleetlock refusals ended');
  }

  /** One line for what was counted rather than logged since the last summary; nothing when nothing was. */
  summarize(): void {
    const now = this.options.now();
    const repeated = total(this.repeated);
    const suppressed = total(this.suppressed);
    if (repeated > 0 || suppressed > 0 || this.forgotten > 0) {
      this.options.log.info(
        { since: iso(this.since), repeated, repeatedByKind: this.repeated, suppressed, suppressedByKind: this.suppressed, forgotten: this.forgotten, tracked: this.tracked.size },
        'fleetlock refusals not logged one by one',
      );
    }
    this.since = now;
    this.repeated = {};
    this.suppressed = {};
    this.forgotten = 0;
  }

  // Entries are made only at the rate lines are logged, so forgetting in order of logging is enough.
  private remember(key: string, entry: Tracked): void {
    this.tracked.delete(key);
    this.tracked.set(key, entry);
    if (this.tracked.size <= this.maxTracked) return;
    const oldest = this.tracked.keys().next();
    if (oldest.done !== true) {
      this.tracked.delete(oldest.value);
      this.forgotten += 1;
    }
  }

  private bucketFor(kind: string): TokenBucket {
    return FLEET_KINDS.has(kind) ? this.fleet : this.strangers;
  }
}

/** By id (and group) when the request named one, else by its source address. */
function keyOf(asker: Asker, endpoint: string | undefined): string {
  return asker.id === undefined ? `${endpoint ?? ''}\n\n${asker.source ?? ''}` : `${endpoint ?? ''}\n${asker.id}\n${asker.group ?? ''}`;
}

function who(asker: Asker): object {
  return { id: asker.id, group: asker.group, node: asker.node, source: asker.source };
}

function fields(asker: Asker, answer: RefusalAnswer): object {
  return { kind: answer.kind, value: answer.value, status: answer.status, endpoint: answer.endpoint, ...who(asker) };
}

function isDebug(log: AuditLog): boolean {
  return log.isLevelEnabled?.('debug') ?? false;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
