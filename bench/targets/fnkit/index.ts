// The fnkit handler for the three workloads: a value for GET, the decoded body echoed for POST.
// For a CloudEvent the body is the event's data and the returned value becomes the reply event.
import type { Request } from 'fnkit';

export default (req: Request) => (req.method === 'GET' ? { hello: 'world' } : req.body);
