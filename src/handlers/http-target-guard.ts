// Which addresses the `http` handler may connect to. A job's URL is someone's input, and a
// server-side request to a cloud metadata service hands out the machine's credentials, so the
// check runs where the connection is made: on the address actually dialled, after DNS, for
// every redirect hop, and a name that resolves differently between check and connect (DNS
// rebinding) cannot slip through, because the socket is opened to the address that was checked.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { matchesHttpTarget, normalizeHost, parseHttpTarget, type HttpTarget } from './http-target-rules.ts';

/** Refused unless an entry of BOSUN_HTTP_ALLOW names them: metadata services and "this host" aliases. */
const REFUSED_BY_DEFAULT: ReadonlyArray<{ rule: HttpTarget; what: string }> = [
  { rule: parseHttpTarget('169.254.0.0/16'), what: 'link-local (169.254.0.0/16: cloud metadata services live at 169.254.169.254)' },
  { rule: parseHttpTarget('fe80::/10'), what: 'link-local (fe80::/10)' },
  { rule: parseHttpTarget('fd00:ec2::254'), what: 'the AWS metadata service (fd00:ec2::254)' },
  { rule: parseHttpTarget('100.100.100.200'), what: 'the Alibaba Cloud metadata service (100.100.100.200)' },
  { rule: parseHttpTarget('0.0.0.0/8'), what: '"this network" (0.0.0.0/8, which reaches this host)' },
  { rule: parseHttpTarget('::'), what: 'the unspecified address (::, which reaches this host)' },
];

/** The run fails with this when its URL, or a redirect, leads to a target the policy refuses. */
export class HttpTargetRefusedError extends Error {
  readonly host: string;
  readonly address: string;
  readonly port: number;

  constructor(host: string, address: string, port: number, why: string) {
    const target = host === address ? `${address}:${port}` : `${host} (${address}):${port}`;
    super(`${target} ${why}`);
    this.name = 'HttpTargetRefusedError';
    this.host = host;
    this.address = address;
    this.port = port;
  }
}

export interface HttpTargetPolicy {
  allow: readonly HttpTarget[];
  deny: readonly HttpTarget[];
}

/** The policy of BOSUN_HTTP_ALLOW / BOSUN_HTTP_DENY as config.ts read them (entries already checked there). */
export function httpTargetPolicy(allow: readonly string[], deny: readonly string[]): HttpTargetPolicy {
  return { allow: allow.map(parseHttpTarget), deny: deny.map(parseHttpTarget) };
}

/**
 * Throws HttpTargetRefusedError unless a connection to `address`:`port`, made for the URL's
 * host `host`, is allowed. Deny wins; then an allow entry naming the target (not `*`) allows
 * even a target refused by default; then `*` allows anything not refused by default.
 */
export function checkHttpTarget(policy: HttpTargetPolicy, host: string, address: string, port: number): void {
  const denied = policy.deny.find((rule) => matchesHttpTarget(rule, host, address, port));
  if (denied !== undefined) throw new HttpTargetRefusedError(host, address, port, `is refused by BOSUN_HTTP_DENY entry '${denied.entry}'`);
  if (policy.allow.some((rule) => rule.kind !== 'any' && matchesHttpTarget(rule, host, address, port))) return;
  const refused = REFUSED_BY_DEFAULT.find(({ rule }) => matchesHttpTarget(rule, host, address, port));
  if (refused !== undefined) throw new HttpTargetRefusedError(host, address, port, `is ${refused.what}; allow it with BOSUN_HTTP_ALLOW`);
  if (policy.allow.some((rule) => rule.kind === 'any' && matchesHttpTarget(rule, host, address, port))) return;
  throw new HttpTargetRefusedError(host, address, port, `is not in BOSUN_HTTP_ALLOW (${policy.allow.map((r) => r.entry).join(', ')})`);
}

/** The addresses a host name leads to, each checked; the socket then opens to the first of them. */
async function checkedAddress(policy: HttpTargetPolicy, hostname: string, port: number): Promise<string> {
  const host = normalizeHost(hostname);
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true, order: 'verbatim' })).map((a) => a.address);
  // Every address, not only the first: a name that also resolves to a refused one is refused.
  for (const address of addresses) checkHttpTarget(policy, host, address, port);
  return addresses[0]!;
}

/**
 * An undici dispatcher whose every new connection (first request, redirect hop, reconnect)
 * passes checkHttpTarget before a socket is opened. TLS still verifies the URL's host name.
 */
export function guardedAgent(policy: HttpTargetPolicy): Agent {
  const connect = buildConnector({});
  return new Agent({
    connect(options, callback) {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      // Only the dialled address changes: `host` still gives TLS its server name to verify.
      checkedAddress(policy, options.hostname, port).then(
        (address) => connect({ ...options, hostname: address }, callback),
        (err: unknown) => callback(err as Error, null),
      );
    },
  });
}
