// A real invoker process serving one Lambda function: argv[2] is JSON
// { runtime: LambdaRuntimeOptions, defaults: Partial<InvokerSettings> }. Started by helpers.ts.
import { main } from '../../invoker/main.js';
import { lambdaRuntime } from '../../runtimes/lambda/index.js';

const opts = JSON.parse(process.argv[2]!);
await main({ runtime: () => lambdaRuntime(opts.runtime), defaults: opts.defaults ?? {} });
