/**
 * The methods each path has, read from the served spec, for the answers a router alone cannot
 * give: 405 with `Allow` for a method a known path lacks, and the name of the path parameter a
 * segment fills (`job_id` for `/jobs/a%00b`).
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Template {
  segments: string[];
  methods: Set<string>;
}

/** Paths by their templates, matched against raw request paths. */
export interface PathMethods {
  /** The methods (HEAD with GET, and OPTIONS) every template matching `path` has, sorted; undefined for an unknown path. */
  allowed(path: string): string[] | undefined;
  /** The parameter name (`job_id`) that segment `index` of `path` fills in a matching template, if any. */
  parameterAt(path: string, index: number): string | undefined;
}

/**
 * Builds the table from a spec's `paths` mounted at `base` (`/api/v1`), plus `extra` paths
 * outside the spec (`/metrics` at the root), each with its methods.
 */
export function pathMethods(spec: { paths?: unknown }, base: string, extra: Record<string, readonly string[]> = {}): PathMethods {
  const templates: Template[] = [];
  for (const [path, item] of Object.entries((spec.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    const methods = new Set(METHODS.filter((m) => item[m] !== undefined).map((m) => m.toUpperCase()));
    if (methods.size > 0) templates.push({ segments: (base + path).split('/'), methods });
  }
  for (const [path, methods] of Object.entries(extra)) templates.push({ segments: path.split('/'), methods: new Set(methods) });

  const matching = (path: string): Template[] => {
    const segments = path.split('/');
    return templates.filter((t) => t.segments.length === segments.length && t.segments.every((s, i) => isParameter(s) ? segments[i] !== '' : s === segments[i]));
  };

  return {
    allowed(path) {
      const found = matching(path);
      if (found.length === 0) return undefined;
      const methods = new Set(found.flatMap((t) => [...t.methods]));
      if (methods.has('GET')) methods.add('HEAD');
      methods.add('OPTIONS');
      return [...methods].sort();
    },
    parameterAt(path, index) {
      for (const t of matching(path)) {
        const segment = t.segments[index];
        if (segment !== undefined && isParameter(segment)) return segment.slice(1, -1);
      }
      return undefined;
    },
  };
}

function isParameter(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}
