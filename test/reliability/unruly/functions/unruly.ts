// `function` handlers that misbehave; each runs in a worker thread of its own.
export function exits() {
  process.exit(7);
}
export function returnsNul() {
  return { nul: 'a\u0000b', lone: '\ud800' };
}
export function loopsForever() {
  for (;;) {}
}
export function allocates() {
  const kept: string[][] = [];
  for (;;) kept.push(new Array(10_000).fill('x'));
}
