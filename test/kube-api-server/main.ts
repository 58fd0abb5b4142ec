// The test API server as its own process: `node --import tsx test/kube-api-server/main.ts
// [--auth auth.json] [--knative-delay-ms 30] [--missing-group serving.knative.dev ...]`. Listens on a free loopback port and prints one JSON
// line {"url": ...} on stdout when ready.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createServer } from './server.js';

const { values } = parseArgs({ options: { auth: { type: 'string' }, 'knative-delay-ms': { type: 'string' }, port: { type: 'string' }, 'missing-group': { type: 'string', multiple: true }, 'exit-with-stdin': { type: 'boolean' } } });
const { server } = createServer({
  auth: values.auth ? JSON.parse(readFileSync(values.auth, 'utf8')) : undefined,
  knativeDelayMs: values['knative-delay-ms'] ? Number(values['knative-delay-ms']) : undefined,
  missingGroups: values['missing-group'],
});
server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${addr.port}` }) + '\n');
});
const stop = () => { server.closeAllConnections(); server.close(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// the harness keeps our stdin open; when the test process dies, even by SIGKILL, it closes
if (values['exit-with-stdin']) {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
