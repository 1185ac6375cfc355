// What the seed systems' tests share: a JSON caller of a real service's API, and a wait for a
// condition with a deadline (a run ended, a record written) rather than a fixed sleep.

export type Answer = { status: number; json: Record<string, any> };

/** `call(method, path, body?)` against `${base}/api/v1`, the body sent as JSON. */
export function apiCaller(base: string): (method: string, path: string, body?: unknown) => Promise<Answer> {
  return async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
}

/** The first defined value `fn` gives, polled every 100 ms; fails naming `what` after `ms`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
