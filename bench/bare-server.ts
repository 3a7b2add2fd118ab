// The ceiling: a bare Fastify POST route answering 200, in its own process like the real server.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
// Bodies arrive without a Content-Type, as Zincati sends them; take them as bytes, as the real server does.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/v1/steady-state', (_request, reply) => reply.code(200).send({}));

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url: `${address}/` })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
