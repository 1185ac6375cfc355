import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

/** `kwargs.headers.accept` or `dates[2]` → ['kwargs', 'headers', 'accept'] / ['dates', '2']. */
export function fieldPath(field: string): string[] {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
}

/**
 * Offset of the deepest node along `path` in the document: the key of a mapping entry (so the
 * message points at the name the user wrote), the item of a list; a missing tail stops at its parent.
 * `depth` is how many segments were found.
 */
export function offsetOf(doc: Document, path: string[]): { offset: number; depth: number } {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment);
      if (pair === undefined) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
      depth += 1;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
      depth += 1;
    } else {
      break;
    }
  }
  return { offset, depth };
}

/** 1-based line and column of an offset. */
export function lineColumn(counter: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = counter.linePos(offset);
  return { line, column: col };
}
