/** A page request as the spec allows it (limit capped there), with a sort of `column` or `-column`. */
export interface PageQuery {
  limit: number;
  offset: number;
  sort?: string | undefined;
}

/** `-created_at` → {column: 'created_at', descending: true}. */
export function sortOf<K extends string>(sort: string | undefined, fallback: `${K}` | `-${K}`): { column: K; descending: boolean } {
  const value = sort ?? fallback;
  const descending = value.startsWith('-');
  return { column: (descending ? value.slice(1) : value) as K, descending };
}
