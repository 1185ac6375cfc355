import { sql, type Kysely } from 'kysely';

// The powerful handlers (command, function, http, and any class marked `powerful`) a token may
// create or change jobs of, besides an admin token, which may use them all. Existing tokens get
// none: a token made before this column existed was never asked what it needed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('handlers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('handlers').execute();
}
