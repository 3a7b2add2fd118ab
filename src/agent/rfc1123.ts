// Strict RFC 1123 dates as IMDS writes `NotBefore`: `Mon, 19 Sep 2016 18:29:47 GMT`.

const SHAPE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Returns the instant, or `undefined` unless the text is exactly a real date in that form (weekday included). */
export function parseRfc1123(text: string): Date | undefined {
  if (!SHAPE.test(text)) return undefined;
  const date = new Date(text);
  // Round-tripping rejects impossible dates (31 Feb, 25:00) and a weekday that does not match the day.
  if (Number.isNaN(date.getTime()) || date.toUTCString() !== text) return undefined;
  return date;
}

/** The form IMDS uses; Node's `toUTCString` writes exactly it. */
export function formatRfc1123(date: Date): string {
  return date.toUTCString();
}
