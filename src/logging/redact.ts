// What never reaches a log line: credentials by their usual field names, at the top level and one or two levels down.
const SECRET_FIELDS = ['authorization', 'Authorization', 'cookie', 'set-cookie', 'token', 'bearer', 'password', 'accessToken', 'access_token', 'refreshToken', 'keyData', 'certData', 'clientKeyData', 'secret'];

/** pino `redact` paths: each secret field alone, under any one key, and under `headers` / `user` two levels down. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.map((f) => `["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*.headers["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*.user["${f}"]`),
  ...SECRET_FIELDS.map((f) => `*.users[*].user["${f}"]`),
];

export const REDACTED = '[redacted]';
