import { isIP } from 'node:net';
import type { Config } from '../../config.ts';

/** Which Hosts and browser origins the HTTP edge serves beyond its defaults (loopback, IP literals, its own origin). */
export interface EdgePolicy {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

/** The policy of a running service: the listed hosts and origins, the public URL's, and HOST when it is a name. */
export function edgePolicy(config: Pick<Config, 'host' | 'allowedHosts' | 'allowedOrigins' | 'publicUrl'>): EdgePolicy {
  const hosts = [...config.allowedHosts];
  const origins = [...config.allowedOrigins];
  if (config.publicUrl) {
    const url = new URL(config.publicUrl);
    hosts.push(url.hostname.replace(/^\[|\]$/g, ''));
    origins.push(url.origin);
  }
  // Listening on a name (HOST=bosun.internal) is serving it.
  if (isIP(config.host) === 0) hosts.push(config.host.toLowerCase());
  return { allowedHosts: hosts, allowedOrigins: origins };
}
