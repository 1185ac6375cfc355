import { AsyncLocalStorage } from 'node:async_hooks';
import type { Identity } from './tokens.ts';

const current = new AsyncLocalStorage<Identity>();

/** Runs `fn` as `identity`: what it does through permitted commands is checked against it. */
export function runAs<T>(identity: Identity, fn: () => T): T {
  return current.run(identity, fn);
}

/** The identity of the request being served; undefined outside one (then permitted commands refuse). */
export function currentIdentity(): Identity | undefined {
  return current.getStore();
}
