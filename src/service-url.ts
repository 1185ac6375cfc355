// Where this machine reaches bosun's API, from the settings the service itself reads (HOST,
// PORT): the CLI's default and the URL a default job can call bosun back on. One rule, so
// changing PORT moves them all.

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 34000;

/** `http://host:port` to reach an API bound on `host`: a wildcard address is reached on loopback. */
export function serviceUrl(host: string, port: number): string {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  const reach = h === '' || h === '0.0.0.0' ? DEFAULT_HOST : h === '::' ? '::1' : h;
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
}

/**
 * The service's URL from HOST and PORT as the service reads them; a PORT that is not a port of
 * its own (unset, 0 for "any free one", not a number) leaves the default.
 */
export function serviceUrlFromEnv(env: Record<string, string | undefined>): string {
  const raw = env.PORT?.trim() ?? '';
  const port = /^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 65535 ? Number(raw) : DEFAULT_PORT;
  return serviceUrl(env.HOST?.trim() || DEFAULT_HOST, port);
}
