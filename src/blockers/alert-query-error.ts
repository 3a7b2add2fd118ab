// Why asking Prometheus or Alertmanager for alerts failed, as a typed value.

export type AlertQueryFailure = 'timeout' | 'unreachable' | 'http' | 'too-large' | 'malformed';

const CODES: Record<AlertQueryFailure, string> = {
  timeout: 'ERR_ALERTS_TIMEOUT',
  unreachable: 'ERR_ALERTS_UNREACHABLE',
  http: 'ERR_ALERTS_HTTP',
  'too-large': 'ERR_ALERTS_TOO_LARGE',
  malformed: 'ERR_ALERTS_MALFORMED',
};

/** `message` names the server (its URL without credentials) and is safe to log and show. */
export class AlertQueryError extends Error {
  readonly code: string;

  constructor(
    readonly failure: AlertQueryFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AlertQueryError';
    this.code = CODES[failure];
  }
}
