// WWW-Authenticate parsing (RFC 9110 section 11.6.1, challenge grammar) for what registries send:
// `Basic realm="Registry Realm"` or, per the distribution token spec (docs/spec/auth/token.md),
// `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:x:pull"`.
// One header may carry several challenges separated by commas, as Node joins repeated headers.

export interface Challenge {
  /** Lowercased: `basic`, `bearer`. */
  scheme: string;
  /** Parameter names lowercased, values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

export function parseChallenges(header: string | undefined): Challenge[] {
  const out: Challenge[] = [];
  if (!header) return out;
  let s = header;
  let current: Challenge | undefined;
  const skip = () => { s = s.replace(/^[\s,]+/, ''); };
  skip();
  while (s.length > 0) {
    const tok = TOKEN.exec(s);
    if (!tok) break; // garbage: keep what was understood so far
    const word = tok[0];
    const after = s.slice(word.length);
    const param = /^\s*=\s*/.exec(after);
    if (param && current) {
      // name=value: a parameter of the current challenge (a token68 value would end with '=' too,
      // but registries do not send token68 challenges).
      s = after.slice(param[0].length);
      let value: string;
      if (s.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        s = s.slice(i + 1);
      } else {
        const m = /^[^,\s]*/.exec(s)!;
        value = m[0];
        s = s.slice(value.length);
      }
      current.params[word.toLowerCase()] = value;
    } else {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      s = after;
    }
    skip();
  }
  return out;
}

/** The challenge to answer: Bearer when offered (it carries the scope), else Basic, else the first. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? challenges[0];
}
