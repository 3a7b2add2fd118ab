// What Prometheus and Alertmanager answer about alerts, reduced to the labels of those firing.
import type { Labels } from '../slot/label-selector.js';
import { AlertQueryError } from './alert-query-error.js';

export type AlertApi = 'prometheus' | 'alertmanager';

/** One firing alert, as a blocker sees it: its labels (alertname among them). */
export interface FiringAlert {
  readonly labels: Labels;
}

/** `unknown`: not answered yet; `error`: the last question failed (the previous answer no longer counts). */
export type AlertStatus = 'firing' | 'clear' | 'error' | 'unknown';

export interface AlertState {
  readonly status: AlertStatus;
  /** Firing alerts the blocker's selector matches (status `firing` only). */
  readonly matching: readonly FiringAlert[];
  /** Why the last question failed (status `error`); names the server without credentials. */
  readonly error?: string;
  readonly errorCode?: string;
  /** When the last question was answered or failed (ms since the epoch). */
  readonly checkedAt?: number;
  /** Matching alerts fire, or nothing is known and the blocker says to block then. */
  readonly blocks: boolean;
}

/** The path and query asked for, under the blocker's base URL. */
export const ALERTS_PATH: Record<AlertApi, string> = {
  prometheus: '/api/v1/alerts',
  // Silenced and inhibited alerts are ones people already decided to ignore.
  alertmanager: '/api/v2/alerts?active=true&silenced=false&inhibited=false',
};

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function labelsOf(alert: Raw, where: string): Labels {
  const labels = alert.labels;
  if (!isRaw(labels) || !Object.values(labels).every((v) => typeof v === 'string')) throw new AlertQueryError('malformed', `${where}: an alert without string labels`);
  return labels as Labels;
}

/** `GET /api/v1/alerts`: `{status: "success", data: {alerts: [{labels, state}]}}`; only `state: "firing"` counts (not pending). */
function prometheusFiring(doc: unknown, where: string): FiringAlert[] {
  if (!isRaw(doc) || doc.status !== 'success' || !isRaw(doc.data) || !Array.isArray(doc.data.alerts)) {
    throw new AlertQueryError('malformed', `${where}: not a Prometheus alerts answer`);
  }
  return doc.data.alerts.filter((a): a is Raw => isRaw(a) && a.state === 'firing').map((a) => ({ labels: labelsOf(a, where) }));
}

/** `GET /api/v2/alerts`: `[{labels, status: {state}}]`; a suppressed one is left out should the server not filter. */
function alertmanagerFiring(doc: unknown, where: string): FiringAlert[] {
  if (!Array.isArray(doc)) throw new AlertQueryError('malformed', `${where}: not an Alertmanager alerts answer`);
  return doc
    .filter((a): a is Raw => isRaw(a) && !(isRaw(a.status) && a.status.state === 'suppressed'))
    .map((a) => ({ labels: labelsOf(a, where) }));
}

/** The firing alerts in a 2xx answer's JSON; throws `AlertQueryError('malformed')`. */
export function firingAlerts(api: AlertApi, doc: unknown, where: string): FiringAlert[] {
  return api === 'prometheus' ? prometheusFiring(doc, where) : alertmanagerFiring(doc, where);
}

/** The `error` text of a Prometheus error answer, if the body is one. */
export function errorText(body: string): string {
  try {
    const doc = JSON.parse(body) as unknown;
    if (isRaw(doc) && typeof doc.error === 'string') return doc.error.slice(0, 200);
  } catch {
    // not JSON: quote the start of the body
  }
  return body.slice(0, 200).trim();
}
