import { sql, type RawBuilder } from 'kysely';

/**
 * A statement of pg-boss's (the text its own calls run, from pg-boss/dist/plans.js) as a
 * fragment of one of bosun's, each `$n` bound to `values[n - 1]`: bosun writes its rows and
 * pg-boss's in one statement, with pg-boss's exact SQL, instead of a round trip for each.
 * Meant for data-modifying statements without a WITH of their own (a CTE cannot hold one).
 */
export function embedBossPlan(text: string, values: readonly unknown[]): RawBuilder<unknown> {
  if (/^\s*with\b/i.test(text)) throw new Error('a pg-boss statement with its own WITH cannot be embedded as a CTE');
  // Split on $n: even indexes are text, odd ones parameter numbers.
  const parts = text.split(/\$(\d+)/);
  const pieces = parts.map((part, i) => {
    if (i % 2 === 0) return sql.raw(part);
    const n = Number(part);
    if (n < 1 || n > values.length) throw new Error(`pg-boss statement names $${n}, only ${values.length} values given`);
    return sql`${values[n - 1]}`;
  });
  return sql.join(pieces, sql``);
}
