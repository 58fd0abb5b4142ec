// The floor: bare node:http doing the three workloads with no framework and no validation.
// GET → {"hello":"world"}; POST JSON → echo; POST with ce- headers → a binary-mode reply event.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const HELLO = JSON.stringify({ hello: 'world' });
createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(HELLO) });
    res.end(HELLO);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const out = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(out) };
    if (req.headers['ce-id'] !== undefined) Object.assign(headers, { 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-type': 'bench.reply', 'ce-source': '/bench' });
    res.writeHead(200, headers);
    res.end(out);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
