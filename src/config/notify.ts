// `--notify-config FILE`: the webhook receivers, validated at start-up; a receiver's URL may come from a Secret file or variable.
import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { HAPPENING_KINDS, type HappeningKind } from '../notify/notifier.js';
import type { ReceiverSettings } from '../notify/receiver.js';
import type { NotifyConfig } from '../notify/start.js';
import { compileTemplate } from '../notify/template.js';
import { ConfigError, duration, wholeNumber } from './options.js';

export const NOTIFY_DEFAULTS = { drainBlockedAfter: '15m', rebootsBlockedAfter: '1h', timeout: '10s', retries: 5, queue: 100 } as const;

const TOP_FIELDS = ['receivers', 'drainBlockedAfter', 'rebootsBlockedAfter'];
const RECEIVER_FIELDS = ['name', 'format', 'url', 'urlFile', 'urlEnv', 'on', 'template', 'timeout', 'retries', 'queue'];
const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type Fields = Record<string, unknown>;

/** Reads and validates the file; every error names the file, the receiver and the field, never a URL. */
export function loadNotifyConfig(path: string, env: NodeJS.ProcessEnv): NotifyConfig {
  const fail = (what: string): never => {
    throw new ConfigError(`invalid --notify-config ${path}: ${what}`);
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(`cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const doc = parseDocument(text);
  // The parser's own message quotes the line, which may hold a URL.
  const bad = doc.errors[0];
  if (bad) fail(`not YAML (${bad.code} at line ${bad.linePos?.[0].line ?? '?'})`);
  if (!isMap(doc.contents)) fail('expected a mapping with "receivers:"');
  const top = doc.toJS() as Fields;
  unknownFields(top, TOP_FIELDS, '', fail);
  if (!Array.isArray(top.receivers) || top.receivers.length === 0) fail('"receivers" must be a list of at least one receiver');
  const receivers = (top.receivers as unknown[]).map((raw, i) => receiver(raw, `receivers[${i}]`, env, fail));
  const names = receivers.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) fail(`two receivers are named "${twice}": names label the metrics and logs`);
  return {
    receivers,
    drainBlockedAfterMs: positiveDuration(top.drainBlockedAfter ?? NOTIFY_DEFAULTS.drainBlockedAfter, 'drainBlockedAfter', fail),
    rebootsBlockedAfterMs: positiveDuration(top.rebootsBlockedAfter ?? NOTIFY_DEFAULTS.rebootsBlockedAfter, 'rebootsBlockedAfter', fail),
  };
}

function receiver(raw: unknown, at: string, env: NodeJS.ProcessEnv, fail: (what: string) => never): ReceiverSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`${at} must be a mapping`);
  const r = raw as Fields;
  const name = typeof r.name === 'string' && NAME.test(r.name) ? r.name : fail(`${at}.name must be lower-case letters, digits and dashes (at most 63), e.g. ops-slack`);
  const where = `receiver ${name}`;
  const err = (what: string): never => fail(`${where}: ${what}`);
  unknownFields(r, RECEIVER_FIELDS, `${where}: `, fail);
  const format = r.format === 'slack' || r.format === 'json' ? r.format : err('format must be slack or json');
  const template = r.template === undefined ? undefined : typeof r.template === 'string' ? compiled(r.template, err) : err('template must be a string');
  return {
    name,
    format,
    url: urlOf(r, env, err),
    kinds: kindsOf(r.on, err),
    template,
    timeoutMs: positiveDuration(r.timeout ?? NOTIFY_DEFAULTS.timeout, `${where}: timeout`, fail),
    retries: whole(r.retries ?? NOTIFY_DEFAULTS.retries, 0, 20, 'retries', err),
    queueSize: whole(r.queue ?? NOTIFY_DEFAULTS.queue, 1, 10_000, 'queue', err),
  };
}

/** Exactly one of url, urlFile (a mounted Secret) and urlEnv; the URL itself is never echoed. */
function urlOf(r: Fields, env: NodeJS.ProcessEnv, err: (what: string) => never): string {
  const given = (['url', 'urlFile', 'urlEnv'] as const).filter((k) => r[k] !== undefined);
  if (given.length !== 1) return err('give exactly one of url, urlFile (a file, e.g. a mounted Secret) and urlEnv (an environment variable)');
  const [from] = given;
  const value = from === undefined ? undefined : r[from];
  if (from === undefined || typeof value !== 'string' || value === '') return err(`${from ?? 'url'} must be a non-empty string`);
  let url = value;
  if (from === 'urlFile') {
    try {
      url = readFileSync(value, 'utf8').trim();
    } catch (e) {
      return err(`urlFile ${value}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else if (from === 'urlEnv') {
    url = (env[value] ?? '').trim();
    if (url === '') return err(`urlEnv ${value}: the variable is not set`);
  }
  const origin = from === 'url' ? 'url' : `the URL in ${from} ${value}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return err(`${origin} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return err(`${origin} must be http or https`);
  return url;
}

function kindsOf(raw: unknown, err: (what: string) => never): ReadonlySet<HappeningKind> {
  if (raw === undefined) return new Set(HAPPENING_KINDS);
  const list: unknown[] = Array.isArray(raw) ? (raw as unknown[]) : [];
  const wrong = list.find((k) => !(HAPPENING_KINDS as readonly unknown[]).includes(k));
  if (!Array.isArray(raw) || list.length === 0 || wrong !== undefined) return err(`on must be a list of ${HAPPENING_KINDS.join(', ')}${wrong === undefined ? '' : ` (not ${JSON.stringify(wrong).slice(0, 40)})`}`);
  return new Set(list as HappeningKind[]);
}

function compiled(source: string, err: (what: string) => never) {
  try {
    return compileTemplate(source);
  } catch (e) {
    return err(`template: ${(e as Error).message}`);
  }
}

function positiveDuration(raw: unknown, field: string, fail: (what: string) => never): number {
  try {
    if (typeof raw !== 'string') throw new Error('not a duration like 30s, 5m or 1h30m');
    const ms = duration(raw);
    if (ms < 1000) throw new Error('must be at least 1s');
    return ms;
  } catch (e) {
    return fail(`${field}: ${(e as Error).message}`);
  }
}

function whole(raw: unknown, min: number, max: number, field: string, err: (what: string) => never): number {
  try {
    return wholeNumber(min, max)(String(raw));
  } catch (e) {
    return err(`${field}: ${(e as Error).message}`);
  }
}

function unknownFields(fields: Fields, known: readonly string[], prefix: string, fail: (what: string) => never): void {
  const unknown = Object.keys(fields).find((k) => !known.includes(k));
  if (unknown !== undefined) fail(`${prefix}unknown field "${unknown.slice(0, 40)}" (known: ${known.join(', ')})`);
}
