// One entry of BOSUN_HTTP_ALLOW / BOSUN_HTTP_DENY, parsed and matched. Pure: config.ts checks
// the lists with it at startup, the http target guard matches connections against them.
import { BlockList, isIP } from 'node:net';

/**
 * `*` (any target), an IP address or CIDR (`10.0.0.0/8`, `fd00::/8`, `[::1]`), a host name
 * (`api.example.com`) or the names under one (`*.example.com`, not example.com itself); each
 * may end with `:port`
 * (IPv6 in brackets then: `[::1]:8080`).
 */
export type HttpTarget =
  | { kind: 'any'; entry: string; port?: number }
  | { kind: 'net'; entry: string; port?: number; block: BlockList }
  | { kind: 'host'; entry: string; port?: number; name: string; subdomains: boolean };

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function parsePort(entry: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`'${entry}': port ${text} is not 1 to 65535`);
  return port;
}

/** Parses one entry; throws an Error naming it when it is none of the forms above. */
export function parseHttpTarget(entry: string): HttpTarget {
  let target = entry.trim().toLowerCase();
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracketed !== null) {
    target = bracketed[1]!;
    if (bracketed[2] !== undefined) port = parsePort(entry, bracketed[2]);
  } else if ((target.match(/:/g) ?? []).length === 1 && /:\d+$/.test(target)) {
    const at = target.lastIndexOf(':');
    port = parsePort(entry, target.slice(at + 1));
    target = target.slice(0, at);
  }
  if (target === '*') return { kind: 'any', entry, port };

  const [address, prefixText, ...more] = target.split('/');
  const family = isIP(address!);
  if (family !== 0 && more.length === 0) {
    const bits = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (!/^\d+$/.test(prefixText ?? '0') || prefix > bits) throw new Error(`'${entry}': prefix /${prefixText} is not 0 to ${bits}`);
    const block = new BlockList();
    block.addSubnet(address!, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'net', entry, port, block };
  }
  const name = target.replace(/\.$/, '');
  if (prefixText === undefined && HOST_NAME.test(name)) {
    return { kind: 'host', entry, port, name: name.replace(/^\*\./, ''), subdomains: name.startsWith('*.') };
  }
  throw new Error(`'${entry}' is not *, an IP address, a CIDR or a host name (each optionally with :port)`);
}

/** A host name as the URL gives it, lower case, without brackets or a final dot. */
export function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * Whether `rule` covers a connection to `address` (an IP) on `port`, made for the URL's host
 * name `host` (normalized; an IP itself when the URL names one).
 */
export function matchesHttpTarget(rule: HttpTarget, host: string, address: string, port: number): boolean {
  if (rule.port !== undefined && rule.port !== port) return false;
  switch (rule.kind) {
    case 'any':
      return true;
    case 'net':
      return rule.block.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
    case 'host':
      return rule.subdomains ? host.endsWith(`.${rule.name}`) : host === rule.name;
  }
}
