// The same handler as ../fnkit, declared `async`: every request then runs in its own async
// context (AsyncLocalStorage), which a plain function is spared until it goes async
// (docs/invoker.md "Errors"). The bench shows what that costs on the Node it runs on.
import type { Request } from 'fnkit';

export default async (req: Request) => (req.method === 'GET' ? { hello: 'world' } : req.body);
