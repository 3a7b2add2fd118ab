import t from 'tap';
import { MAX_ID_LENGTH, parseClientParams } from '../../src/fleetlock/client-params.js';
import { MAX_GROUP_LENGTH } from '../../src/fleetlock/group.js';
import { Refusal } from '../../src/fleetlock/refusal.js';

const HEADERS = { 'fleet-lock-protocol': 'true' };
const ZINCATI_BODY = '{\n  "client_params": {\n    "group": "default",\n    "id": "978a225b3d7b40e9acd7ce9b62f68444"\n  }\n}';

function body(params: unknown): string {
  return JSON.stringify({ client_params: params });
}

function refusalOf(fn: () => unknown): Refusal {
  const answer = fn();
  if (answer instanceof Refusal) return answer;
  throw new Error('expected a Refusal');
}

void t.test('accepts what Zincati sends', (t) => {
  const expected = { id: '978a225b3d7b40e9acd7ce9b62f68444', group: 'default' };
  t.same(parseClientParams(HEADERS, Buffer.from(ZINCATI_BODY)), expected);
  t.same(parseClientParams(HEADERS, Buffer.from(ZINCATI_BODY + '\n')), expected, 'trailing newline');
  t.same(parseClientParams(HEADERS, ZINCATI_BODY), expected, 'string body');
  t.same(parseClientParams(HEADERS, Buffer.from('\uFEFF' + ZINCATI_BODY)), expected, 'UTF-8 BOM tolerated');
  t.same(parseClientParams({ 'Fleet-Lock-Protocol': 'true' }, ZINCATI_BODY), expected, 'header name in any case');
  t.end();
});

void t.test('keeps id as given and ignores unknown fields', (t) => {
  const parsed = parseClientParams(HEADERS, JSON.stringify({ client_params: { id: 'Node-A é', group: 'Workers.eu-1', extra: [1] }, v: 2 }));
  t.same(parsed, { id: 'Node-A é', group: 'Workers.eu-1' });
  t.same(Object.keys(parsed).sort(), ['group', 'id'], 'extra fields are not carried along');
  t.end();
});

void t.test('accepts limits exactly', (t) => {
  const id = 'x'.repeat(MAX_ID_LENGTH);
  const group = 'g'.repeat(MAX_GROUP_LENGTH);
  t.same(parseClientParams(HEADERS, body({ id, group })), { id, group });
  const emoji = '😀'.repeat(MAX_ID_LENGTH);
  t.equal((parseClientParams(HEADERS, body({ id: emoji, group: 'g' })) as { id: string }).id, emoji, 'id length counts characters');
  t.end();
});

void t.test('the protocol header must be present and "true"', (t) => {
  for (const headers of [{}, { 'fleet-lock-protocol': 'false' }, { 'fleet-lock-protocol': 'TRUE' }, { 'fleet-lock-protocol': '' }, { 'fleet-lock-protocol': ['true', 'true'] }]) {
    const refusal = refusalOf(() => parseClientParams(headers, ZINCATI_BODY));
    t.equal(refusal.kind, 'bad_request', JSON.stringify(headers));
    t.equal(refusal.status, 400);
    t.match(refusal.value, /fleet-lock-protocol/);
  }
  t.end();
});

void t.test('malformed bodies are refused with a message naming the problem', (t) => {
  const cases: [string, Uint8Array | string | undefined, RegExp][] = [
    ['no body', undefined, /empty/],
    ['empty body', '', /empty/],
    ['whitespace body', ' \n', /empty/],
    ['not JSON', '{"client_params": ', /not valid JSON/],
    ['form encoded', 'id=a&group=b', /not valid JSON/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /UTF-8/],
    ['null', 'null', /null/],
    ['array', '[{"client_params":{"id":"a","group":"b"}}]', /array/],
    ['string', '"x"', /string/],
    ['no client_params', '{"id":"a","group":"b"}', /no "client_params"/],
    ['client_params null', '{"client_params":null}', /"client_params" must be an object, got null/],
    ['client_params array', '{"client_params":[]}', /must be an object, got an array/],
    ['client_params string', '{"client_params":"a"}', /must be an object/],
    ['doubly nested', body({ client_params: { id: 'a', group: 'b' } }), /id must be a string, got nothing/],
    ['missing id', body({ group: 'b' }), /id must be a string/],
    ['missing group', body({ id: 'a' }), /group must be a string/],
    ['numeric id', body({ id: 42, group: 'b' }), /id must be a string, got a number/],
    ['null id', body({ id: null, group: 'b' }), /id must be a string, got null/],
    ['array group', body({ id: 'a', group: ['b'] }), /group must be a string, got an array/],
    ['empty id', body({ id: '', group: 'b' }), /id must not be empty/],
    ['empty group', body({ id: 'a', group: '' }), /group must not be empty/],
    ['oversized id', body({ id: 'x'.repeat(MAX_ID_LENGTH + 1), group: 'b' }), /at most 256/],
    ['oversized group', body({ id: 'a', group: 'g'.repeat(MAX_GROUP_LENGTH + 1) }), /at most 253/],
    ['newline in id', body({ id: 'a\nb', group: 'b' }), /control characters/],
    ['NUL in id', body({ id: 'a\u0000', group: 'b' }), /control characters/],
    ['C1 control in id', body({ id: 'a\u0085', group: 'b' }), /control characters/],
    ['lone surrogate in id', '{"client_params":{"id":"a\\ud800","group":"b"}}', /control characters/],
    ['underscore in group', body({ id: 'a', group: 'my_group' }), /letters, digits/],
    ['slash in group', body({ id: 'a', group: 'a/b' }), /letters, digits/],
    ['space in group', body({ id: 'a', group: 'default ' }), /letters, digits/],
    ['unicode in group', body({ id: 'a', group: 'défaut' }), /letters, digits/],
  ];
  for (const [name, raw, message] of cases) {
    const refusal = refusalOf(() => parseClientParams(HEADERS, raw));
    t.equal(refusal.kind, 'bad_request', name);
    t.match(refusal.value, message, name);
  }
  t.end();
});
