import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { BosunError } from '../../errors.ts';

/**
 * DNS rebinding defence: a page on evil.example whose name is made to resolve to 127.0.0.1
 * reaches bosun with `Host: evil.example`. bosun answers only Hosts it serves: loopback names,
 * IP literals (rebinding needs a name an attacker controls) and the names an operator lists.
 */

/** `host` or `host:port` → lower-case host name, brackets of an IPv6 literal removed; undefined when not a Host value. */
export function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9_.-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1]!.replace(/\.$/, '') : undefined;
}

/** Whether `pattern` (`jobs.example.com`, `*.example.com`) names `host`. */
function matches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

/** Whether a request with this Host header may be served: loopback names, IP literals, or a listed name. */
export function isServedHost(header: string, allowed: readonly string[]): boolean {
  const host = hostName(header);
  if (host === undefined) return false;
  if (host === 'localhost' || host.endsWith('.localhost') || isIP(host) !== 0) return true;
  return allowed.some((pattern) => matches(pattern, host));
}

/**
 * Answers 421 for a Host bosun does not serve. `open` paths (the health probes, which tell
 * nothing and are often probed by a name nobody lists) are served under any Host.
 */
export function servedHosts(allowed: readonly string[], open: (path: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    // app.request() in tests builds requests without a Host header: the URL's authority stands for it.
    const header = c.req.header('host') ?? new URL(c.req.url).host;
    if (!isServedHost(header, allowed) && !open(c.req.path)) {
      throw new BosunError('misdirected-request', `Host '${header.slice(0, 100)}' is not one bosun serves: list it in BOSUN_ALLOWED_HOSTS or set BOSUN_PUBLIC_URL`, { field: 'Host' });
    }
    await next();
  };
}
