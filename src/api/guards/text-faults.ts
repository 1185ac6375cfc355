/**
 * Text PostgreSQL cannot store: a NUL is refused by `text` and `jsonb` alike, and a lone UTF-16
 * surrogate has no UTF-8 form. Left to the database either would answer 500; found here it is
 * the caller's 400, naming the field.
 */

/** What is wrong with `text` as stored text, or undefined when nothing is. */
export function textFault(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}
