// The CloudEvents half of the invoker, loaded on the first request that carries an event so a
// plain HTTP function never pays for the SDK (style.md habit 6).
export { parseCloudEvent, type ParsedCe, type CeMode } from './parse.js';
export { toBinary, toStructured, toBatch, replyEventFor, binaryReplyFor, type Wire } from './reply.js';
export { isEventLike } from './event.js';
export { ValidSources } from './valid-sources.js';
