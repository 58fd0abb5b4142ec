// AWS's error types and their wire form (specs/lambda.md §3.5; RIC src/Errors.js). The `name`
// of each class is the errorType the Runtime API and the Invoke API report.
import { types } from 'node:util';
import type { LambdaErrorPayload } from '../types.js';

class LambdaError extends Error {
  constructor(name: string, reason: unknown) {
    // RIC: new ImportModuleError(e) -> message is String(e), "Error: Cannot find module 'x'…"
    super(typeof reason === 'string' ? reason : String(reason));
    this.name = name;
    if (reason instanceof Error && reason.stack) this.stack = `${this.name}: ${this.message}\n${reason.stack.split('\n').slice(1).join('\n')}`;
  }
}

export const importModuleError = (e: unknown) => new LambdaError('Runtime.ImportModuleError', e);
export const userCodeSyntaxError = (e: unknown) => new LambdaError('Runtime.UserCodeSyntaxError', e);
export const handlerNotFound = (msg: string) => new LambdaError('Runtime.HandlerNotFound', msg);
export const malformedStreamingHandler = (msg: string) => new LambdaError('Runtime.MalformedStreamingHandler', msg);
export const callbackHandlerDeprecated = (msg: string) => new LambdaError('Runtime.CallbackHandlerDeprecated', msg);
export const unhandledPromiseRejection = (reason: unknown) =>
  new LambdaError('Runtime.UnhandledPromiseRejection', (reason as any)?.errorMessage ?? reason);
export const nodeJsExit = () =>
  new LambdaError(
    'Runtime.NodeJsExit',
    'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
  );
export const invalidStreamingOperation = (msg: string) => new LambdaError('Runtime.InvalidStreamingOperation', msg);
export const jsonStringifyError = () => new LambdaError('Runtime.JSONStringifyError', 'Unable to stringify response body');
export const responseSizeTooLarge = (limit: number) =>
  new LambdaError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${limit} bytes).`);

function isErrorLike(e: any): e is Error {
  return !!e && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

const esc = (s: string) => s.replace(/\x7F/g, '%7F');

/** RIC Errors.toRapidResponse: {errorType, errorMessage, trace}. */
export function toPayload(error: unknown): LambdaErrorPayload {
  try {
    if (types.isNativeError(error) || isErrorLike(error)) {
      const e = error as Error;
      return { errorType: esc(String(e.name)), errorMessage: esc(String(e.message)), trace: esc(String(e.stack ?? '')).split('\n') };
    }
    return { errorType: typeof error, errorMessage: (error as any).toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}
