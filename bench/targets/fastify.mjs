// Bare fastify doing the same three workloads (its default JSON parser and serializer).
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.post('/', async (req, reply) => {
  if (req.headers['ce-id'] !== undefined) reply.headers({ 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-type': 'bench.reply', 'ce-source': '/bench' });
  return req.body;
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
