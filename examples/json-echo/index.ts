// Echoes a JSON body back with what the request looked like; anything but JSON gets 415.
import { HttpError, response, type Handler } from 'fnkit';

const handler: Handler = (req) => {
  if (req.method === 'GET') return { hint: 'POST a JSON body and it comes back' };
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/([a-z0-9.+-]*\+)?json/i.test(type)) {
    throw new HttpError(415, `expected a JSON body (content-type application/json), got "${type || 'none'}"`);
  }
  return response({ method: req.method, path: req.path, query: req.query, echo: req.body }, { headers: { 'x-echo': 'json-echo' } });
};

export default handler;
