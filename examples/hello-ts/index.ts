// A TypeScript hello: GET /?name=Ada → {"message":"Hello, Ada!"}.
import type { Handler } from 'fnkit';

const handler: Handler = (req, ctx) => {
  const name = typeof req.query.name === 'string' && req.query.name !== '' ? req.query.name : 'world';
  ctx.log.info({ name }, 'greeting');
  return { message: `${process.env.GREETING ?? 'Hello'}, ${name}!` };
};

export default handler;
