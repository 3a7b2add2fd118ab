import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import t, { type Test } from 'tap';
import { FleetLockClient, InvalidBaseUrlError } from '../../src/fleetlock/client.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: string[];
  readonly body: string;
}

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** A tiny server recording what the client sent; `respond` decides the answer. */
async function tinyServer(t: Test, respond: Responder = (_req, res) => res.end()) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString('utf8') });
      state.respond(req, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const state = { respond };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { seen, port, host: `127.0.0.1:${port}`, state };
}

function newClient(t: Test, baseUrl: string, extra: { timeoutMs?: number } = {}) {
  const client = new FleetLockClient({ baseUrl, id: '978a225b3d7b40e9acd7ce9b62f68444', group: 'default', ...extra });
  t.teardown(() => client.close());
  return client;
}

void t.test('URLs are joined by RFC 3986 rules, as Zincati joins them', async (t) => {
  const s = await tinyServer(t);
  const table: [string, string, string][] = [
    [`http://${s.host}/`, '/v1/pre-reboot', '/v1/steady-state'],
    [`http://${s.host}`, '/v1/pre-reboot', '/v1/steady-state'],
    [`http://${s.host}/fleet/`, '/fleet/v1/pre-reboot', '/fleet/v1/steady-state'],
    [`http://${s.host}/fleet`, '/v1/pre-reboot', '/v1/steady-state'],
    [`http://${s.host}/a/b/`, '/a/b/v1/pre-reboot', '/a/b/v1/steady-state'],
  ];
  for (const [base, pre, steady] of table) {
    const client = newClient(t, base);
    t.equal((await client.preReboot()).ok, true, base);
    t.equal(s.seen.at(-1)?.url, pre, `${base} pre-reboot`);
    t.equal((await client.steadyState()).ok, true, base);
    t.equal(s.seen.at(-1)?.url, steady, `${base} steady-state`);
  }
});

void t.test('headers and body are what Zincati sends', async (t) => {
  const s = await tinyServer(t);
  const client = newClient(t, `http://${s.host}/`);
  await client.preReboot();
  const req = s.seen[0];
  t.equal(req?.method, 'POST');
  t.equal(req?.body, '{\n  "client_params": {\n    "group": "default",\n    "id": "978a225b3d7b40e9acd7ce9b62f68444"\n  }\n}');
  const headers = new Map<string, string>();
  const raw = req?.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers.set(raw[i]!.toLowerCase(), raw[i + 1]!);
  t.equal(headers.get('fleet-lock-protocol'), 'true');
  t.equal(headers.get('accept'), '*/*');
  t.equal(headers.get('content-length'), String(Buffer.byteLength(req?.body ?? '')));
  t.equal(headers.has('content-type'), false, 'no Content-Type');
  t.same([...headers.keys()].filter((k) => !['host', 'fleet-lock-protocol', 'accept', 'content-length', 'connection'].includes(k)), []);
});

void t.test('any 2xx is granted', async (t) => {
  const s = await tinyServer(t);
  const client = newClient(t, `http://${s.host}/`);
  for (const status of [200, 201, 202, 204, 299]) {
    s.state.respond = (_req, res) => {
      res.statusCode = status;
      res.end(status === 204 ? undefined : '{"kind":"waiting","value":"not really"}');
    };
    t.same(await client.preReboot(), { ok: true, status }, String(status));
  }
});

void t.test('a refusal body is parsed into kind and value', async (t) => {
  const s = await tinyServer(t);
  const client = newClient(t, `http://${s.host}/`);
  s.state.respond = (_req, res) => {
    res.statusCode = 423;
    res.setHeader('content-type', 'application/json');
    res.end('{\n  "kind": "slots_full",\n  "value": "1 of 1 slots held by node-b"\n}');
  };
  t.same(await client.preReboot(), { ok: false, status: 423, kind: 'slots_full', value: '1 of 1 slots held by node-b' });
});

void t.test('a non-JSON or incomplete error body becomes generic_http_<status>', async (t) => {
  const s = await tinyServer(t);
  const client = newClient(t, `http://${s.host}/`);
  for (const [status, body] of [[502, '<html>Bad Gateway</html>'], [500, ''], [404, '{"kind":"x"}'], [409, 'null'], [400, 'x'.repeat(200_000)]] as const) {
    s.state.respond = (_req, res) => {
      res.statusCode = status;
      res.end(body);
    };
    t.same(await client.steadyState(), { ok: false, status, kind: `generic_http_${status}`, value: '(unknown server error)' }, `${status}`);
  }
});

void t.test('a 3xx is not granted and not followed', async (t) => {
  const s = await tinyServer(t);
  const client = newClient(t, `http://${s.host}/`);
  s.state.respond = (_req, res) => {
    res.statusCode = 302;
    res.setHeader('location', '/elsewhere');
    res.end();
  };
  t.match(await client.preReboot(), { ok: false, status: 302 });
  t.equal(s.seen.length, 1);
});

void t.test('no HTTP answer is reported as kind "network" with status 0', async (t) => {
  const s = await tinyServer(t, () => undefined);
  const silent = newClient(t, `http://${s.host}/`, { timeoutMs: 50 });
  t.match(await silent.preReboot(), { ok: false, status: 0, kind: 'network', value: /no answer within 50 ms/ });

  const refusedHost = await new Promise<string>((resolve) => {
    // A port that was just released: nothing listens there.
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const p = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(`127.0.0.1:${p}`));
    });
  });
  const refused = newClient(t, `http://${refusedHost}/`);
  t.match(await refused.preReboot(), { ok: false, status: 0, kind: 'network', value: /ECONNREFUSED/ });
});

void t.test('a proxy configured in the environment is not used', async (t) => {
  const s = await tinyServer(t);
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
  // Nothing listens on port 9 of loopback: a client using this proxy would fail.
  process.env.HTTP_PROXY = 'http://127.0.0.1:9';
  process.env.http_proxy = 'http://127.0.0.1:9';
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const client = newClient(t, `http://${s.host}/`);
  t.same(await client.preReboot(), { ok: true, status: 200 });
  t.equal(s.seen.length, 1);
});

void t.test('an unusable base URL is refused at construction with a typed error', (t) => {
  for (const baseUrl of ['not a url', 'ftp://127.0.0.1/', 'file:///etc/']) {
    t.throws(() => new FleetLockClient({ baseUrl, id: 'a', group: 'default' }), InvalidBaseUrlError, baseUrl);
  }
  t.throws(() => new FleetLockClient({ baseUrl: '', id: 'a', group: 'default' }), { code: 'ERR_FLEETLOCK_BASE_URL' });
  t.end();
});
