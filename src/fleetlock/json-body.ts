// Turns the raw request bytes into a JSON value, whatever Content-Type the client sent.
import { Refusal } from './refusal.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes UTF-8 (a leading byte order mark is tolerated and dropped, as RFC 8259 allows)
 * and parses JSON; a `Refusal('bad_request')` saying what is wrong.
 */
export function decodeJsonBody(rawBody: Uint8Array | string | undefined): { readonly json: unknown } | Refusal {
  let text: string;
  if (rawBody === undefined) {
    text = '';
  } else if (typeof rawBody === 'string') {
    text = rawBody.charCodeAt(0) === 0xfeff ? rawBody.slice(1) : rawBody;
  } else {
    try {
      // With ignoreBOM false the decoder strips one leading BOM.
      text = utf8.decode(rawBody);
    } catch {
      return new Refusal('bad_request', 'request body is not valid UTF-8');
    }
  }
  if (text.trim() === '') {
    return new Refusal('bad_request', 'request body is empty; expected JSON {"client_params":{"id":"...","group":"..."}}');
  }
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (err) {
    const detail = err instanceof SyntaxError ? `: ${err.message}` : '';
    return new Refusal('bad_request', `request body is not valid JSON${detail}`);
  }
}
