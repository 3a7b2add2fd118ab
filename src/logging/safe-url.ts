// URLs as they may be logged: a kubeconfig's server URL can carry credentials (user:password@, a token in the path or query).

/** Scheme, host and port only. */
export function originForLogs(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(unparseable URL)';
  }
}

/** The URL without user info, query or fragment (its path is kept: a FleetLock base URL's prefix matters). */
export function urlForLogs(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s'"<>]+/g;

/** Every URL in `text` cut down to its origin: library errors quote the request URL, which may carry credentials. */
export function urlsToOrigins(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => originForLogs(url.replace(/[.,;:)]+$/, '')));
}
