// What a receiver gets for a happening: the template's fields, the default sentence, and the body in either format.
import { formatDuration } from '../slot/progress-text.js';
import { sourceLabel, type Happening } from './notifier.js';
import type { Template, TemplateValues } from './template.js';

/** `slack`: `{"text": ...}` (Slack, Mattermost, Rocket.Chat, Teams workflows); `json`: the happening as data, plus `text`. */
export type Format = 'slack' | 'json';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The one-line sentence a receiver gets when it has no template. */
export function defaultText(h: Happening): string {
  switch (h.kind) {
    case 'claim':
      return `${h.node} claimed a reboot slot in group ${h.group} (${sourceLabel(h.source)})`;
    case 'grant':
      return `${h.node} is drained and may reboot now (${sourceLabel(h.source)})`;
    case 'release':
      return `${h.node} gave its reboot slot back: ${h.reason}`;
    case 'drain-blocked':
      return `${h.node}'s drain has been blocked for ${formatDuration(h.at - h.since)} by: ${h.blockers.join('; ')}`;
    case 'reboots-blocked':
      return `${h.node} has been refused a reboot slot for ${formatDuration(h.at - h.since)} (${h.refusals} refusals): ${h.reason}`;
  }
}

/** The template's fields; a field a kind has no value for is empty. */
export function valuesOf(h: Happening): TemplateValues {
  const since = h.kind === 'drain-blocked' || h.kind === 'reboots-blocked' ? h.since : undefined;
  return {
    kind: h.kind,
    node: h.node,
    group: h.group,
    source: 'source' in h ? h.source.kind : 'fleetlock',
    by: 'source' in h ? sourceLabel(h.source) : '',
    reason: h.kind === 'drain-blocked' ? h.blockers.join('; ') : h.kind === 'release' || h.kind === 'reboots-blocked' ? h.reason : '',
    code: h.kind === 'release' || h.kind === 'reboots-blocked' ? h.code : '',
    blockers: h.kind === 'drain-blocked' ? h.blockers.join('; ') : '',
    at: iso(h.at),
    since: since === undefined ? '' : iso(since),
    for: since === undefined ? '' : formatDuration(h.at - since),
    refusals: h.kind === 'reboots-blocked' ? String(h.refusals) : '',
    text: defaultText(h),
  };
}

/** Slack reads `&`, `<` and `>` as markup (`<!channel>`): a pause reason or a pod name must not ping anyone. */
export function slackEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The request body for `h`: the template (or the default sentence) as `text`, and in `json` every field as data. */
export function bodyOf(h: Happening, format: Format, template?: Template): string {
  const values = valuesOf(h);
  if (format === 'slack') return JSON.stringify({ text: template ? template.render(values, slackEscape) : slackEscape(values.text) });
  const times = 'since' in h ? { at: iso(h.at), since: iso(h.since) } : { at: iso(h.at) };
  return JSON.stringify({ ...h, ...times, text: template ? template.render(values) : values.text });
}
