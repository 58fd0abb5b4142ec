// isolation.test.ts again with the one execution environment on the server's own thread
// (lambda.isolation: inline, opt-in); the plain file runs the default, a worker thread
// (helpers.ts ISOLATION).
process.env.FN_LAMBDA_ISOLATION = 'inline';
await import('./isolation.test.js');
