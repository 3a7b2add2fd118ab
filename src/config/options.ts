// One table per command drives flag parsing, environment variables, defaults, validation and --help.

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface OptionSpec<T> {
  /** Flag name without dashes, e.g. `max-rebooting`. */
  readonly name: string;
  /** Environment variable, e.g. `REBOOT_MANAGER_MAX_REBOOTING`. */
  readonly env: string;
  readonly help: string;
  /** Raw default, shown in --help; `undefined` means "not set". A function reads the environment given to the parse (a pod's own name). */
  readonly default: string | undefined | ((env: NodeJS.ProcessEnv) => string | undefined);
  /** Boolean flags take no value on the command line. */
  readonly boolean?: boolean;
  /** Throws an Error whose message says what is wrong with the value. */
  readonly parse: (raw: string) => T;
}

type Specs = Record<string, OptionSpec<unknown>>;
export type Parsed<S extends Specs> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

export function option<T>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

/** Parses argv, then the environment, then defaults. Every error names the flag and its variable. */
export function parseOptions<S extends Specs>(specs: S, argv: readonly string[], env: NodeJS.ProcessEnv): Parsed<S> {
  const byFlag = new Map(Object.entries(specs).map(([key, spec]) => [spec.name, { key, spec }]));
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (see --help)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const entry = byFlag.get(name);
    if (!entry) throw new ConfigError(`unknown option --${name} (see --help)`);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      if (entry.spec.boolean) value = 'true';
      else {
        value = argv[++i];
        if (value === undefined) throw new ConfigError(`--${name} needs a value`);
      }
    }
    raw.set(entry.key, value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const fromFlag = raw.get(key);
    const fromEnv = env[spec.env];
    const value = fromFlag ?? (fromEnv === undefined || fromEnv === '' ? defaultOf(spec, env) : fromEnv);
    if (value === undefined) {
      out[key] = undefined;
      continue;
    }
    try {
      out[key] = spec.parse(value);
    } catch (err) {
      const source = fromFlag !== undefined ? `--${spec.name}` : fromEnv ? `${spec.env} (--${spec.name})` : `default of --${spec.name}`;
      throw new ConfigError(`invalid ${source} "${value}": ${(err as Error).message}`);
    }
  }
  return out as Parsed<S>;
}

function defaultOf(spec: OptionSpec<unknown>, env: NodeJS.ProcessEnv): string | undefined {
  return typeof spec.default === 'function' ? spec.default(env) : spec.default;
}

/** The help text; defaults that depend on the environment are shown as they are outside a pod. */
export function helpText(usage: string, specs: Specs): string {
  const lines = [usage, '', 'Options (each also as an environment variable):'];
  for (const spec of Object.values(specs)) {
    const flag = spec.boolean ? `--${spec.name}` : `--${spec.name} <value>`;
    const shown = defaultOf(spec, {});
    lines.push(`  ${flag}`, `      ${spec.help}`, `      env ${spec.env}${shown === undefined ? '' : `, default ${shown || '""'}`}`);
  }
  lines.push('  --help', '      Print this help.');
  return lines.join('\n');
}

// Value parsers shared by the commands.

export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new Error('not a whole number');
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`must be between ${min} and ${max}`);
    return n;
  };
}

export function positiveNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error('not a positive number');
  return n;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms`, `30s`, `5m`, `1h30m`, or `0`; returns milliseconds. */
export function duration(raw: string): number {
  const text = raw.trim();
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error('not a duration like 30s, 5m or 1h30m');
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0), 0);
}

export function boolean(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new Error('not true or false');
}

export function oneOf<T extends string>(...values: T[]) {
  return (raw: string): T => {
    if (!(values as string[]).includes(raw)) throw new Error(`must be one of ${values.join(', ')}`);
    return raw as T;
  };
}

/** An http or https URL, kept as written. */
export function httpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('must be an http or https URL');
  return raw;
}

export function text(raw: string): string {
  if (raw.trim() === '') throw new Error('must not be empty');
  return raw;
}

/** `host:port`, `[::1]:port` or `:port`. */
export function listenAddress(raw: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw.trim());
  if (!m) throw new Error('not an address like 0.0.0.0:8080, [::]:8080 or :8080');
  const port = Number(m[3]);
  if (port > 65535) throw new Error('port must be at most 65535');
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
