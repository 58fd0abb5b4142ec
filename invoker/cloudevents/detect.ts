// The one CloudEvents check on the hot path, kept apart so a plain HTTP request loads nothing
// else from this folder (the rest is imported on the first event).

type Headers = Record<string, string | string[] | undefined>;

/** Does this request claim to carry an event? (HTTP binding §3: content-type prefix or ce- headers.) */
export function looksLikeCloudEvent(headers: Headers): boolean {
  const ct = headers['content-type'];
  if (typeof ct === 'string' && ct.length >= 23 && ct.slice(0, 23).toLowerCase() === 'application/cloudevents') return true;
  return headers['ce-specversion'] !== undefined || headers['ce-id'] !== undefined || headers['ce-type'] !== undefined || headers['ce-source'] !== undefined;
}
