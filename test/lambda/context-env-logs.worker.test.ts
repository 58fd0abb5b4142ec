// context-env-logs.test.ts again with every execution environment a worker thread (lambda.isolation: worker);
// the plain file runs the default, inline (helpers.ts ISOLATION).
process.env.FN_LAMBDA_ISOLATION = 'worker';
await import('./context-env-logs.test.js');
