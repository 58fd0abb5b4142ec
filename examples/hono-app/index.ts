// A Hono app served through its web-standard fetch: `export default app` is all it takes.
import { Hono } from 'hono';

const app = new Hono();

app.get('/', (c) => c.text('hono on fnkit'));
app.get('/hello/:name', (c) => c.json({ message: `Hello, ${c.req.param('name')}!` }));
app.post('/echo', async (c) => c.json({ echo: await c.req.json(), method: c.req.method }, 201));
app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

export default app;
