/** The YAML of a fan-out flow: one `start` step, `width` steps waiting for it, and `join` waiting for them all (benchmark, tests). */
export function fanoutFlowYaml(name: string, width: number, handler = 'noop'): string {
  const lines = [`name: ${name}`, 'steps:', `  - {id: start, handler: ${handler}}`];
  for (let i = 0; i < width; i++) lines.push(`  - {id: leaf_${i}, handler: ${handler}, waits: [start]}`);
  lines.push(`  - id: join`, `    handler: ${handler}`, `    waits: [${Array.from({ length: width }, (_, i) => `leaf_${i}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}
